using System.Diagnostics;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JobMonitor.Service.Execution;

/// <summary>
/// Runs the ops of one step run whose lease this worker holds, in order. Every op is recorded in the ledger before it
/// runs, and only while the lease is held on the job's current step run; a lost lease stops the step without a
/// result (the saga has moved on, or the abend detector judged it). The result is stored with the step run before it
/// is published, so that a broker outage delays it and never loses it.
/// </summary>
public sealed class StepRunExecutor(
    ExecutionLedger ledger,
    StepRunLeases leases,
    OpRunner ops,
    LeaseHeartbeat heartbeats,
    IJobLogWriter logWriter,
    IBus bus,
    TimeProvider time,
    IOptions<ExecutionOptions> options,
    ILogger<StepRunExecutor> logger)
{
    // A report waits this long for the broker; the result is tried a few times, then left to the reconciler.
    static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(20);
    const int ResultAttempts = 3;

    static readonly TimeSpan LongestWriteRetry = TimeSpan.FromSeconds(5);

    string Worker => options.Value.WorkerName;

    /// <summary>
    /// Runs a claimed step run. <paramref name="firstOp"/>: the op whose start was recorded with the claim; the step run
    /// started then. <paramref name="stored"/> is called once the step's end is stored, before its reports go to the
    /// broker: what waits for the broker from there on needs no place among the running steps. <paramref name="giveUp"/>
    /// ends the retries of ledger writes (hard stop).
    /// </summary>
    public async Task ExecuteAsync(
        RunJobStep step, JobLabels labels, OpStart? firstOp, StepRunHandle handle, Action stored, CancellationToken giveUp)
    {
        // Current for the whole step run, so the reports published at its end continue the job's trace.
        using var span = JobTracing.StartStep(step, labels);
        var startedAt = firstOp?.StartedAt ?? time.GetUtcNow();
        using var ended = new CancellationTokenSource();
        var started = ReportStartAsync(step, startedAt, ended.Token);

        StepEnd end;
        var clock = Stopwatch.StartNew();
        IReadOnlyList<JobLogEntry> lastLines;
        var log = new StepLog(step, options.Value.MaxOutputPerStep, logWriter, time, logger);
        await using (log)
        {
            using var heartbeatStop = new CancellationTokenSource();
            var heartbeat = heartbeats.RunAsync(step, handle, heartbeatStop.Token);
            try
            {
                end = await RunOpsAsync(step, startedAt, firstOp, labels, log, handle, giveUp);
            }
            catch (Exception e) when (!giveUp.IsCancellationRequested)
            {
                span?.AddException(e);
                logger.LogError(e, "Step run {StepRunId} of job {JobKey} failed in the worker", step.StepRunId, step.JobKey);
                log.Write(null, JobLogLevel.Error, $"worker {Worker} failed: {e.Message}");
                end = new StepEnd(true, [], $"worker {Worker} failed: {e.Message}");
            }
            finally
            {
                await ended.CancelAsync();
                await heartbeatStop.CancelAsync();
                await heartbeat;
            }
            lastLines = await log.CloseAsync();
        }
        var result = end.Report && handle.Reports
            ? new StepRunFinished
            {
                JobId = step.JobId,
                StepRunId = step.StepRunId,
                Succeeded = end.Error is null,
                Ops = end.Ops,
                Error = end.Error,
                TrappedOp = end.TrappedOp,
                Worker = Worker,
                StartedAt = startedAt,
            }
            : null;
        await DurablyAsync(ct => FinishAsync(step, end.LastOp, result, lastLines, ct), "finishing the step run", step, giveUp);
        stored();
        var outcome = result is null ? OpOutcome.Lost : StepOutcomeOf(end);
        JobTracing.End(span, outcome, end.Error);
        JobMonitorTelemetry.StepDuration.Record(clock.Elapsed.TotalSeconds,
            new(JobTags.Step, step.Step.Wire()), new(JobTags.Outcome, outcome.Wire()));

        await started;
        if (result is null)
            return;
        for (var attempt = 1; attempt <= ResultAttempts && !await PublishAsync(result, "result", MessagePriorities.UnderWay); attempt++)
            logger.LogWarning("Result of step run {StepRunId} of job {JobKey} not published (attempt {Attempt} of {Attempts}); "
                + "it is stored and the reconciler sends it if this worker cannot", step.StepRunId, step.JobKey, attempt, ResultAttempts);
    }

    /// <summary>
    /// Ends the step run with its last log lines. Lines the database refuses (a NUL character, say) must not keep the
    /// result from being stored, as a refused batch of lines never fails a step: the end is then written without them.
    /// </summary>
    async Task FinishAsync(RunJobStep step, OpResult? lastOp, StepRunFinished? result, IReadOnlyList<JobLogEntry> lines, CancellationToken ct)
    {
        try
        {
            await ledger.FinishStepAsync(step.StepRunId, lastOp, result, lines, ct);
        }
        catch (PostgresException e) when (!e.IsTransient && lines.Count > 0)
        {
            logger.LogError(e, "Could not write {Count} log lines of job {JobId} step run {StepRunId}; ending the step run without them",
                lines.Count, step.JobId, step.StepRunId);
            await ledger.FinishStepAsync(step.StepRunId, lastOp, result, [], ct);
        }
    }

    async Task<StepEnd> RunOpsAsync(RunJobStep step, DateTimeOffset stepStartedAt, OpStart? firstOp, JobLabels labels,
        StepLog log, StepRunHandle handle, CancellationToken giveUp)
    {
        var results = new List<OpResult>();
        // The ops before FirstOp ran in an earlier step run (a trap answered with retry or skip); they are not reported again.
        for (var index = Math.Max(step.FirstOp, 0); index < step.Ops.Count; index++)
        {
            var op = step.Ops[index];
            if (handle.Token.IsCancellationRequested)
            {
                log.Write(op.Name, JobLogLevel.Warn, $"op {op.Name} not run: {handle.Reason}");
                return new StepEnd(true, results, $"{handle.Reason} before op {op.Name}");
            }

            var begun = index == firstOp?.Index;
            var startedAt = begun ? firstOp!.StartedAt : time.GetUtcNow();
            var opIndex = index;
            if (!begun && !await DurablyAsync(ct => leases.TryBeginOpAsync(step.StepRunId, opIndex, step.JobId, Worker, startedAt, ct), "recording an op's start", step, giveUp))
            {
                logger.LogWarning("Step run {StepRunId} of job {JobKey} is no longer current; op {Op} not run", step.StepRunId, step.JobKey, op.Name);
                log.Write(op.Name, JobLogLevel.Warn, $"op {op.Name} not run: the step run is no longer current");
                return new StepEnd(false, results, null);
            }

            var result = await ops.RunAsync(step, labels, index, op, startedAt, log, handle);
            results.Add(result);

            // The step's last op is recorded with the step's result, in one transaction.
            var outcome = OpOutcomes.Parse(result.Outcome);
            if (outcome == OpOutcome.Error)
                return new StepEnd(true, results, $"op {op.Name} failed: {result.Error}", LastOp: result);
            if (outcome == OpOutcome.Trapped)
                return new StepEnd(true, results, $"op {op.Name} trapped: {result.Error}", index, result);
            if (index == step.Ops.Count - 1)
                return new StepEnd(true, results, null, LastOp: result);
            await DurablyAsync(ct => ledger.EndOpAsync(step.StepRunId, result, ct), "recording an op's end", step, giveUp);
            // Progress is for the eye: the result carries every op, so a lost one changes nothing.
            await PublishAsync(new StepRunProgressed
            {
                JobId = step.JobId, StepRunId = step.StepRunId, Op = result, Worker = Worker, StartedAt = stepStartedAt,
            }, "progress", MessagePriorities.UnderWay);
        }
        return new StepEnd(true, results, null);
    }

    /// <summary>
    /// A ledger write, tried again while the database is away: an outage must delay the step, not fail it. Only a
    /// hard stop (<paramref name="giveUp"/>) ends the wait.
    /// </summary>
    async Task<T> DurablyAsync<T>(Func<CancellationToken, Task<T>> write, string what, RunJobStep step, CancellationToken giveUp)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await write(giveUp);
            }
            catch (NpgsqlException e) when (e.IsTransient && !giveUp.IsCancellationRequested)
            {
                logger.LogWarning(e, "{What} of step run {StepRunId} of job {JobKey} failed; retrying in {Delay}", what, step.StepRunId, step.JobKey, delay);
                await Task.Delay(delay, time, giveUp);
                delay = delay * 2 < LongestWriteRetry ? delay * 2 : LongestWriteRetry;
            }
        }
    }

    Task<bool> DurablyAsync(Func<CancellationToken, Task> write, string what, RunJobStep step, CancellationToken giveUp) =>
        DurablyAsync(async ct =>
        {
            await write(ct);
            return true;
        }, what, step, giveUp);

    /// <summary>
    /// Tells the saga the step started once it has run for <see cref="ExecutionOptions.StartReportDelay"/>, unless it
    /// ended first: its result then says when it started, and the saga makes one transition instead of two.
    /// </summary>
    async Task ReportStartAsync(RunJobStep step, DateTimeOffset startedAt, CancellationToken ended)
    {
        try
        {
            await Task.Delay(options.Value.StartReportDelay, time, ended);
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            return;
        }
        // A RUN's start overtakes other jobs' traffic in the saga's queue, as its dispatch did in the workers'.
        await PublishAsync(new StepRunStarted { JobId = step.JobId, StepRunId = step.StepRunId, Worker = Worker, StartedAt = startedAt },
            "start", step.Step == JobStep.Run ? MessagePriorities.Timed : MessagePriorities.UnderWay);
    }

    /// <summary>False when the broker did not take the message in time.</summary>
    async Task<bool> PublishAsync<T>(T message, string what, byte priority) where T : class
    {
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await bus.Publish(message, publish => publish.TrySetPriority(priority), timeout.Token);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Could not publish the step run's {What}", what);
            return false;
        }
    }

    static OpOutcome StepOutcomeOf(StepEnd end) =>
        end.TrappedOp is not null ? OpOutcome.Trapped
        : end.Error is not null ? OpOutcome.Error
        : end.Ops.Any(o => OpOutcomes.Parse(o.Outcome) == OpOutcome.Warning) ? OpOutcome.Warning
        : OpOutcome.Success;

    /// <summary>
    /// Report false: the step run stopped being current, someone else decides about it. LastOp: the op whose ledger
    /// row is written with the result.
    /// </summary>
    sealed record StepEnd(bool Report, IReadOnlyList<OpResult> Ops, string? Error, int? TrappedOp = null, OpResult? LastOp = null);
}
