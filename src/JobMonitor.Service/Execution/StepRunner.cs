using System.Collections.Concurrent;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution;

/// <summary>
/// Runs claimed step runs in the background, at most <see cref="ExecutionOptions.MaxConcurrentSteps"/> at once; a step
/// run's place is free once its end is stored, while its reports may still wait for the broker. The queue message is
/// acknowledged as soon as the step is handed over: a step may outlast the broker's ack time-out, and a redelivery
/// could not run it anyway since the lease is taken. A shutdown stops the run-job-step receive endpoint before it drains
/// the running steps.
/// </summary>
public sealed class StepRunner(
    StepRunExecutor executor,
    ExecutionLedger ledger,
    TimeProvider time,
    IOptions<ExecutionOptions> options,
    ILogger<StepRunner> logger)
    : IHostedLifecycleService, IDisposable
{
    // After the drain time-out, how long the abandoned steps get to kill their processes and record their end.
    static readonly TimeSpan WindDown = TimeSpan.FromSeconds(10);

    readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentSteps, options.Value.MaxConcurrentSteps);
    readonly CancellationTokenSource draining = new();
    readonly CancellationTokenSource giveUp = new();
    readonly ConcurrentDictionary<Guid, Running> running = new();
    readonly Lock claimGate = new();
    bool claimsClosed;
    int claiming;
    TaskCompletionSource? claimsEnded;
    volatile IReceiveEndpoint? endpoint;
    readonly TaskCompletionSource connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int RunningCount => running.Count;

    /// <summary>Completes once run-job-step takes messages here.</summary>
    public Task Connected => connected.Task;

    /// <summary>Set once a shutdown began: no new step is taken here.</summary>
    public bool Draining => draining.IsCancellationRequested;

    /// <summary>
    /// Whether this instance may claim a step now; true must be followed by <see cref="EndClaim"/>. A shutdown waits
    /// for the claims under way, so that once it says it claims nothing new, nothing is.
    /// </summary>
    public bool TryBeginClaim()
    {
        lock (claimGate)
        {
            if (claimsClosed)
                return false;
            claiming++;
            return true;
        }
    }

    public void EndClaim()
    {
        lock (claimGate)
        {
            if (--claiming == 0)
                claimsEnded?.TrySetResult();
        }
    }

    string Worker => options.Value.WorkerName;

    /// <summary>
    /// Waits for a free place; taken before claiming so that this instance never claims more than it can run. Throws
    /// <see cref="OperationCanceledException"/> once the instance drains.
    /// </summary>
    public async Task<StepSlot> AcquireSlotAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, draining.Token);
        await slots.WaitAsync(linked.Token);
        return new StepSlot(slots);
    }

    /// <summary>
    /// Starts a claimed step run; the runner owns the slot from here on. <paramref name="firstOp"/>: the op whose start
    /// was recorded with the claim.
    /// </summary>
    public void Start(StepSlot slot, RunJobStep step, JobLabels labels, OpStart? firstOp)
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
        entry.Task = Task.Run(() => RunAsync(step, labels, firstOp, handle, slot));
    }

    /// <summary>Stops a step run running on this instance: its current op is canceled (process trees killed).</summary>
    public bool Cancel(Guid stepRunId, string reason = "canceled")
    {
        if (!running.TryGetValue(stepRunId, out var entry))
            return false;
        entry.Handle.Cancel(reason);
        return true;
    }

    async Task RunAsync(RunJobStep step, JobLabels labels, OpStart? firstOp, StepRunHandle handle, StepSlot slot)
    {
        try
        {
            // The place is given back once the end is stored, not after the reports: a broker that is away or coming
            // back (publishes waiting up to their time-outs) must not keep this instance from running the next steps.
            await executor.ExecuteAsync(step, labels, firstOp, handle, slot.Dispose, giveUp.Token);
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

    /// <summary>
    /// run-job-step is ready (again, after a broker restart); kept so that a shutdown stops taking steps before it
    /// drains the running ones.
    /// </summary>
    public void EndpointReady(IReceiveEndpoint receiveEndpoint)
    {
        endpoint = receiveEndpoint;
        connected.TrySetResult();
    }

    /// <summary>
    /// Runs before the bus stops: takes no new step (the endpoint stops, deliveries waiting for a slot go back to the
    /// queue), lets the running steps finish within <see cref="ExecutionOptions.DrainTimeout"/>, then gives up the
    /// leases of those still running and stops them without a result: the abend detector reports them to the saga.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        Task claimsUnderWay;
        lock (claimGate)
        {
            claimsClosed = true;
            claimsEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (claiming == 0)
                claimsEnded.TrySetResult();
            claimsUnderWay = claimsEnded.Task;
        }
        await draining.CancelAsync();
        await claimsUnderWay.WaitAsync(cancellationToken);
        logger.LogInformation("Worker {Worker} claims no new step from {ClosedAt:O}", Worker, time.GetUtcNow());
        if (endpoint is not null)
            await endpoint.Stop(cancellationToken);
        var tasks = running.Values.Select(r => r.Task).OfType<Task>().ToArray();
        if (tasks.Length == 0)
            return;
        logger.LogInformation("Draining {Count} step runs (up to {DrainTimeout})", tasks.Length, options.Value.DrainTimeout);
        try
        {
            await Task.WhenAll(tasks).WaitAsync(options.Value.DrainTimeout, cancellationToken);
            return;
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Drain time-out: releasing the leases of {Count} step runs still running", running.Count);
        }
        await AbandonRunningAsync(cancellationToken);
    }

    async Task AbandonRunningAsync(CancellationToken cancellationToken)
    {
        var left = running.ToArray();
        try
        {
            await ledger.ReleaseAsync([.. left.Select(r => r.Key)], Worker, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The leases then expire as those of a dead worker would.
            logger.LogError(e, "Could not release the leases of {Count} step runs", left.Length);
        }
        foreach (var (_, entry) in left)
            entry.Handle.Abandon($"worker {Worker} shut down before the step ended (drain time-out)");
        try
        {
            await Task.WhenAll(left.Select(r => r.Value.Task).OfType<Task>()).WaitAsync(WindDown, cancellationToken);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("{Count} step runs did not stop in time", running.Count);
        }
        finally
        {
            await giveUp.CancelAsync();
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        draining.Dispose();
        giveUp.Dispose();
        slots.Dispose();
    }

    sealed class Running(StepRunHandle handle)
    {
        public StepRunHandle Handle { get; } = handle;
        public Task? Task { get; set; }
    }
}
