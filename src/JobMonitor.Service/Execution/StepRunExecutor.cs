using System.Diagnostics;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution;

/// <summary>
/// Runs the ops of one claimed step run in order. Every op is recorded in the ledger before it runs, and only while
/// the claim is current; a lost claim stops the step silently (the saga has moved on, or another delivery runs it).
/// </summary>
public sealed class StepRunExecutor(
    ExecutionLedger ledger,
    OpKinds kinds,
    IJobLogWriter logWriter,
    IBus bus,
    TimeProvider time,
    IOptions<ExecutionOptions> options,
    ServiceSecrets serviceSecrets,
    ILogger<StepRunExecutor> logger)
{
    // Reports must get out even when the step was canceled, but not hang a shutdown on a broker that is gone.
    static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    string Worker => options.Value.WorkerName;

    public async Task ExecuteAsync(RunJobStep step, JobLabels labels, StepRunHandle handle)
    {
        // Current for the whole step run, so the reports published at its end continue the job's trace.
        using var span = JobTracing.StartStep(step, labels);
        if (!await ledger.TryStartStepAsync(step.StepRunId, step.JobId, Worker, CancellationToken.None))
        {
            logger.LogWarning("Step run {StepRunId} of job {JobKey} was started before; not running it again", step.StepRunId, step.JobKey);
            return;
        }

        StepEnd end;
        var clock = Stopwatch.StartNew();
        var log = new StepLog(step, logWriter, time, logger);
        await using (log)
        {
            using var heartbeatStop = new CancellationTokenSource();
            var heartbeat = HeartbeatAsync(step.StepRunId, heartbeatStop.Token);
            try
            {
                end = await RunOpsAsync(step, labels, log, handle);
            }
            catch (Exception e)
            {
                span?.AddException(e);
                logger.LogError(e, "Step run {StepRunId} of job {JobKey} failed in the worker", step.StepRunId, step.JobKey);
                log.Write(null, LogLevels.Error, $"worker {Worker} failed: {e.Message}");
                end = new StepEnd(true, [], $"worker {Worker} failed: {e.Message}");
            }
            finally
            {
                await heartbeatStop.CancelAsync();
                await heartbeat;
            }
        }
        await FinishAsync(step);
        var outcome = StepOutcomeOf(end);
        JobTracing.End(span, outcome, end.Error);
        JobMonitorTelemetry.StepDuration.Record(clock.Elapsed.TotalSeconds,
            new(JobTags.Step, step.Step.Wire()), new(JobTags.Outcome, outcome));

        if (!end.Report)
            return;
        using var timeout = new CancellationTokenSource(PublishTimeout);
        await bus.Publish(new StepRunFinished
        {
            JobId = step.JobId,
            StepRunId = step.StepRunId,
            Succeeded = end.Error is null,
            Ops = end.Ops,
            Error = end.Error,
            TrappedOp = end.TrappedOp,
        }, timeout.Token);
    }

    async Task<StepEnd> RunOpsAsync(RunJobStep step, JobLabels labels, StepLog log, StepRunHandle handle)
    {
        var results = new List<OpResult>();
        // The ops before FirstOp ran in an earlier step run (a trap answered with retry or skip); they are not reported again.
        for (var index = Math.Max(step.FirstOp, 0); index < step.Ops.Count; index++)
        {
            var op = step.Ops[index];
            if (handle.Token.IsCancellationRequested)
            {
                log.Write(op.Name, LogLevels.Warn, $"op {op.Name} not run: {handle.Reason}");
                return new StepEnd(true, results, $"{handle.Reason} before op {op.Name}");
            }

            var startedAt = time.GetUtcNow();
            if (!await ledger.TryBeginOpAsync(step.StepRunId, index, step.JobId, Worker, startedAt, CancellationToken.None))
            {
                logger.LogWarning("Step run {StepRunId} of job {JobKey} is no longer current; op {Op} not run", step.StepRunId, step.JobKey, op.Name);
                log.Write(op.Name, LogLevels.Warn, $"op {op.Name} not run: the step run is no longer current");
                return new StepEnd(false, results, null);
            }

            var result = await RunOpAsync(step, labels, index, op, startedAt, log, handle);
            await ledger.EndOpAsync(step.StepRunId, index, result.EndedAt, result.Outcome, result.Error, CancellationToken.None);
            results.Add(result);

            if (result.Outcome == OpOutcomes.Error)
                return new StepEnd(true, results, $"op {op.Name} failed: {result.Error}");
            if (result.Outcome == OpOutcomes.Trapped)
                return new StepEnd(true, results, $"op {op.Name} trapped: {result.Error}", index);
            if (index < step.Ops.Count - 1)
                await PublishProgressAsync(step, result);
        }
        return new StepEnd(true, results, null);
    }

    async Task<OpResult> RunOpAsync(
        RunJobStep step, JobLabels labels, int index, OpDefinition op, DateTimeOffset startedAt, StepLog log, StepRunHandle handle)
    {
        var mask = SecretMask.For(op.Params, op.Secret, serviceSecrets);
        var opLog = log.ForOp(op.Name, mask);
        opLog.Write(LogLevels.Info, $"op {op.Name} started");
        var execution = new OpExecution
        {
            JobId = step.JobId,
            JobKey = step.JobKey,
            StepRunId = step.StepRunId,
            Exec = step.Exec,
            Step = step.Step,
            Index = index,
            Op = op,
            Labels = labels,
            Log = opLog,
        };
        using var span = JobTracing.StartOp(execution);
        var clock = Stopwatch.StartNew();

        var error = await FailureOfAsync(execution, handle);

        var ms = clock.ElapsedMilliseconds;
        error = error is null ? null : mask.Apply(error);
        // A canceled op is not a person's decision to make: it fails the step whatever its onError says.
        var outcome = OutcomeOf(error, handle.Token.IsCancellationRequested ? OpErrorPolicy.Fail : op.OnError);
        JobTracing.End(span, outcome, error);
        JobMonitorTelemetry.OpDuration.Record(clock.Elapsed.TotalSeconds,
            new(JobTags.Step, step.Step.Wire()), new(JobTags.OpKind, JobTracing.KindOf(op)), new(JobTags.Outcome, outcome));
        switch (outcome)
        {
            case OpOutcomes.Success:
                opLog.Write(LogLevels.Info, $"op {op.Name} succeeded in {ms} ms");
                break;
            case OpOutcomes.Warning:
                opLog.Write(LogLevels.Warn, $"op {op.Name} failed in {ms} ms (ignored): {error}");
                break;
            case OpOutcomes.Trapped:
                opLog.Write(LogLevels.Error, $"op {op.Name} failed in {ms} ms and is trapped, waiting for retry, skip or abort: {error}");
                break;
            default:
                opLog.Write(LogLevels.Error, $"op {op.Name} failed in {ms} ms: {error}");
                break;
        }

        return new OpResult
        {
            Index = index,
            Name = op.Name,
            Outcome = outcome,
            StartedAt = startedAt,
            EndedAt = time.GetUtcNow(),
            Error = error,
        };
    }

    public static string OutcomeOf(string? error, OpErrorPolicy onError) => error is null
        ? OpOutcomes.Success
        : onError switch
        {
            OpErrorPolicy.Ignore => OpOutcomes.Warning,
            OpErrorPolicy.Trap => OpOutcomes.Trapped,
            _ => OpOutcomes.Error,
        };

    /// <summary>Null when the op succeeded, else why it did not.</summary>
    async Task<string?> FailureOfAsync(OpExecution execution, StepRunHandle handle)
    {
        try
        {
            await kinds.Get(execution.Op.Kind).RunAsync(execution, handle.Token);
            return null;
        }
        catch (OpFailedException e)
        {
            return e.Message;
        }
        catch (OperationCanceledException) when (handle.Token.IsCancellationRequested)
        {
            return handle.Reason;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Op {Op} of step run {StepRunId} threw", execution.Op.Name, execution.StepRunId);
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    async Task FinishAsync(RunJobStep step)
    {
        try
        {
            await ledger.FinishStepAsync(step.StepRunId, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The outcome still goes to the saga; a step run left unfinished here only looks stale to the abend detector.
            logger.LogError(e, "Could not mark step run {StepRunId} of job {JobKey} finished", step.StepRunId, step.JobKey);
        }
    }

    async Task PublishProgressAsync(RunJobStep step, OpResult result)
    {
        using var timeout = new CancellationTokenSource(PublishTimeout);
        await bus.Publish(new StepRunProgressed { JobId = step.JobId, StepRunId = step.StepRunId, Op = result }, timeout.Token);
    }

    async Task HeartbeatAsync(Guid stepRunId, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
                await BeatAsync(stepRunId, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            logger.LogDebug("Heartbeat of step run {StepRunId} stopped", stepRunId);
        }
    }

    async Task BeatAsync(Guid stepRunId, CancellationToken stop)
    {
        try
        {
            await ledger.HeartbeatAsync(stepRunId, stop);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A missed beat is survivable; the abend detector allows several intervals.
            logger.LogWarning(e, "Heartbeat of step run {StepRunId} failed", stepRunId);
        }
    }

    static string StepOutcomeOf(StepEnd end) =>
        !end.Report ? "lost"
        : end.TrappedOp is not null ? OpOutcomes.Trapped
        : end.Error is not null ? OpOutcomes.Error
        : end.Ops.Any(o => o.Outcome == OpOutcomes.Warning) ? OpOutcomes.Warning
        : OpOutcomes.Success;

    /// <summary>Report false: the claim was lost, someone else decides about this step run.</summary>
    sealed record StepEnd(bool Report, IReadOnlyList<OpResult> Ops, string? Error, int? TrappedOp = null);
}
