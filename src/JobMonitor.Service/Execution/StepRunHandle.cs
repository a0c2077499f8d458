namespace JobMonitor.Service.Execution;

/// <summary>Stops one running step run and remembers why, for its log and its outcome.</summary>
public sealed class StepRunHandle : IDisposable
{
    readonly CancellationTokenSource cancellation = new();
    readonly Lock gate = new();
    bool disposed;

    public CancellationToken Token => cancellation.Token;

    public string Reason { get; private set; } = "canceled";

    /// <summary>False once the lease is lost or released: the step's outcome is someone else's to decide.</summary>
    public bool Reports { get; private set; } = true;

    public void Cancel(string reason) => Stop(reason, reports: true);

    /// <summary>Stops the step without a result: its lease was taken away or given up.</summary>
    public void Abandon(string reason) => Stop(reason, reports: false);

    void Stop(string reason, bool reports)
    {
        lock (gate)
        {
            if (disposed)
                return;
            Reports &= reports;
            if (cancellation.IsCancellationRequested)
                return;
            Reason = reason;
            cancellation.Cancel();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            cancellation.Dispose();
        }
    }
}
