using System.Collections.Concurrent;
using JobMonitor.Service.Telemetry;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution;

/// <summary>
/// Runs claimed step runs in the background, at most <see cref="ExecutionOptions.MaxConcurrentSteps"/> at once. The
/// queue message is acknowledged as soon as the step is handed over: a step may outlast the broker's ack time-out, and
/// a redelivery could not run it anyway since the claim is taken.
/// </summary>
public sealed class StepRunner(StepRunExecutor executor, IOptions<ExecutionOptions> options, ILogger<StepRunner> logger)
    : IHostedLifecycleService, IDisposable
{
    readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentSteps, options.Value.MaxConcurrentSteps);
    readonly CancellationTokenSource stopping = new();
    readonly ConcurrentDictionary<Guid, Running> running = new();

    public int RunningCount => running.Count;

    /// <summary>Waits for a free place; taken before claiming so that this instance never claims more than it can run.</summary>
    public async Task<StepSlot> AcquireSlotAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping.Token);
        await slots.WaitAsync(linked.Token);
        return new StepSlot(slots);
    }

    /// <summary>Starts a claimed step run; the runner owns the slot from here on.</summary>
    public void Start(StepSlot slot, RunJobStep step, JobLabels labels)
    {
        var handle = new StepRunHandle();
        var entry = new Running(handle);
        if (!running.TryAdd(step.StepRunId, entry))
        {
            logger.LogWarning("Step run {StepRunId} of job {JobKey} is already running here; the second delivery is dropped", step.StepRunId, step.JobKey);
            handle.Dispose();
            slot.Dispose();
            return;
        }
        if (stopping.IsCancellationRequested)
            handle.Cancel(ShutdownReason);
        entry.Task = Task.Run(() => RunAsync(step, labels, handle, slot));
    }

    /// <summary>Stops a step run running on this instance: its current op is canceled (process trees killed).</summary>
    public bool Cancel(Guid stepRunId, string reason = "canceled")
    {
        if (!running.TryGetValue(stepRunId, out var entry))
            return false;
        entry.Handle.Cancel(reason);
        return true;
    }

    async Task RunAsync(RunJobStep step, JobLabels labels, StepRunHandle handle, StepSlot slot)
    {
        try
        {
            await executor.ExecuteAsync(step, labels, handle);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Step run {StepRunId} of job {JobKey} ended with an unexpected error", step.StepRunId, step.JobKey);
        }
        finally
        {
            running.TryRemove(step.StepRunId, out _);
            handle.Dispose();
            slot.Dispose();
        }
    }

    string ShutdownReason => $"worker {options.Value.WorkerName} is shutting down";

    /// <summary>Runs before the bus stops, so that the interrupted step runs can still report.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        foreach (var entry in running.Values)
            entry.Handle.Cancel(ShutdownReason);
        var tasks = running.Values.Select(r => r.Task).OfType<Task>().ToArray();
        if (tasks.Length == 0)
            return;
        logger.LogInformation("Stopping {Count} step runs", tasks.Length);
        try
        {
            await Task.WhenAll(tasks).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Shutdown time-out: {Count} step runs did not stop in time", running.Count);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        stopping.Dispose();
        slots.Dispose();
    }

    sealed class Running(StepRunHandle handle)
    {
        public StepRunHandle Handle { get; } = handle;
        public Task? Task { get; set; }
    }
}
