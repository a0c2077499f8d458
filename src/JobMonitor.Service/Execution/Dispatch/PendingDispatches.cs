using System.Collections.Concurrent;
using JobMonitor.Contracts;
using JobMonitor.Service.Execution.Ops;

namespace JobMonitor.Service.Execution.Dispatch;

/// <summary>
/// The dispatch ops waiting for an agent in this instance. Every instance hears every agent message; only the one
/// holding the waiter acts on it, the others find nothing here and drop it.
/// </summary>
public sealed class PendingDispatches
{
    readonly ConcurrentDictionary<(Guid StepRunId, int OpIndex), Waiter> waiters = new();

    public int Count => waiters.Count;

    /// <summary>Register before the request goes out, so that an agent quicker than the sender is still heard.</summary>
    public Waiter Register(Guid stepRunId, int opIndex, IOpLog log)
    {
        var waiter = new Waiter(this, (stepRunId, opIndex), log);
        if (!waiters.TryAdd(waiter.Key, waiter))
            throw new InvalidOperationException($"op {opIndex} of step run {stepRunId} is already waiting for an agent here");
        return waiter;
    }

    public bool TryComplete(AgentOpCompleted completed) =>
        waiters.TryGetValue((completed.StepRunId, completed.OpIndex), out var waiter) && waiter.Complete(completed);

    public bool TryLog(AgentOpLogged logged)
    {
        if (!waiters.TryGetValue((logged.StepRunId, logged.OpIndex), out var waiter))
            return false;
        waiter.Log.WriteOutput(LogLevels.Parse(logged.Level) ?? JobLogLevel.Info, logged.Text ?? "");
        return true;
    }

    public sealed class Waiter : IDisposable
    {
        readonly PendingDispatches owner;
        readonly TaskCompletionSource<AgentOpCompleted> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Waiter(PendingDispatches owner, (Guid, int) key, IOpLog log)
        {
            this.owner = owner;
            Key = key;
            Log = log;
        }

        internal (Guid StepRunId, int OpIndex) Key { get; }
        internal IOpLog Log { get; }

        public Task<AgentOpCompleted> Completion => completion.Task;

        internal bool Complete(AgentOpCompleted completed) => completion.TrySetResult(completed);

        public void Dispose() => owner.waiters.TryRemove(new KeyValuePair<(Guid, int), Waiter>(Key, this));
    }
}
