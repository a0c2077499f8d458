namespace JobMonitor.Service.Execution;

/// <summary>One of the runner's places for a step run, taken before claiming; released once.</summary>
public sealed class StepSlot(SemaphoreSlim slots) : IDisposable
{
    int released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0)
            slots.Release();
    }
}
