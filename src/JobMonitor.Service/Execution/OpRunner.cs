using System.Diagnostics;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Telemetry;

namespace JobMonitor.Service.Execution;

/// <summary>
/// Runs one op of a step run through its kind: logs its start and end (secrets masked), traces and times it, and
/// turns its failure into an outcome by its onError policy.
/// </summary>
public sealed class OpRunner(OpKinds kinds, TimeProvider time, ServiceSecrets serviceSecrets, ILogger<OpRunner> logger)
{
    public async Task<OpResult> RunAsync(
        RunJobStep step, JobLabels labels, int index, OpDefinition op, DateTimeOffset startedAt, StepLog log, StepRunHandle handle)
    {
        var mask = SecretMask.For(op.Params, op.Secret, serviceSecrets);
        var opLog = log.ForOp(op.Name, mask);
        opLog.Write(JobLogLevel.Info, $"op {op.Name} started");
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
            new(JobTags.Step, step.Step.Wire()), new(JobTags.OpKind, JobTracing.KindOf(op)), new(JobTags.Outcome, outcome.Wire()));
        switch (outcome)
        {
            case OpOutcome.Success:
                opLog.Write(JobLogLevel.Info, $"op {op.Name} succeeded in {ms} ms");
                break;
            case OpOutcome.Warning:
                opLog.Write(JobLogLevel.Warn, $"op {op.Name} failed in {ms} ms (ignored): {error}");
                break;
            case OpOutcome.Trapped:
                opLog.Write(JobLogLevel.Error, $"op {op.Name} failed in {ms} ms and is trapped, waiting for retry, skip or abort: {error}");
                break;
            default:
                opLog.Write(JobLogLevel.Error, $"op {op.Name} failed in {ms} ms: {error}");
                break;
        }

        return new OpResult
        {
            Index = index,
            Name = op.Name,
            Outcome = outcome.Wire(),
            StartedAt = startedAt,
            EndedAt = time.GetUtcNow(),
            Error = error,
        };
    }

    public static OpOutcome OutcomeOf(string? error, OpErrorPolicy onError) => error is null
        ? OpOutcome.Success
        : onError switch
        {
            OpErrorPolicy.Ignore => OpOutcome.Warning,
            OpErrorPolicy.Trap => OpOutcome.Trapped,
            _ => OpOutcome.Error,
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
}
