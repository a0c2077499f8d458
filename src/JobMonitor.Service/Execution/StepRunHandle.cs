namespace JobMonitor.Service.Execution;

/// <summary>Stops one running step run and remembers why, for its log and its outcome.</summary>
public sealed class StepRunHandle : IDisposable
{
    readonly CancellationTokenSource cancellation = new();
    readonly Lock gate = new();
    bool disposed;

    public CancellationToken Token => cancellation.Token;

    public string Reason { get; private set; } = "canceled";

    public void Cancel(string reason)
    {
        lock (gate)
        {
            if (disposed || cancellation.IsCancellationRequested)
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
