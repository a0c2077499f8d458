using JobMonitor.Service.Persistence;
using JobMonitor.Service.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution;

/// <summary>
/// Takes the lease on a step run (one conditional insert in step_runs, with the start of its first op in op_runs) and
/// hands it to the <see cref="StepRunner"/>; the message is then acknowledged. A delivery that finds the lease taken,
/// or the step run no longer current, does nothing: duplicates and late deliveries are harmless.
/// </summary>
public sealed class RunJobStepConsumer(
    StepRunner runner,
    StepRunLeases leases,
    TimeProvider time,
    IOptions<ExecutionOptions> options,
    ILogger<RunJobStepConsumer> logger) : IConsumer<RunJobStep>
{
    public async Task Consume(ConsumeContext<RunJobStep> context)
    {
        var step = context.Message;
        StepSlot? slot;
        try
        {
            slot = await runner.AcquireSlotAsync(context.CancellationToken);
        }
        catch (OperationCanceledException) when (runner.Draining)
        {
            await HandBackAsync(context);
            return;
        }
        try
        {
            // The slot may have come free just as the shutdown began: a draining instance claims nothing new.
            if (!runner.TryBeginClaim())
            {
                await HandBackAsync(context);
                return;
            }
            // The ops before FirstOp ran in an earlier step run (a trap answered with retry or skip).
            var first = Math.Max(step.FirstOp, 0);
            var firstOp = first < step.Ops.Count ? new OpStart(first, time.GetUtcNow()) : null;
            bool claimed;
            try
            {
                claimed = await leases.TryClaimAsync(step.StepRunId, step.JobId, options.Value.WorkerName, firstOp, context.CancellationToken);
            }
            finally
            {
                runner.EndClaim();
            }
            if (!claimed)
            {
                logger.LogInformation("Step run {StepRunId} of job {JobKey} ({Step}) not claimed: it is leased already or no longer current",
                    step.StepRunId, step.JobKey, step.Step);
                return;
            }

            logger.LogInformation("Step run {StepRunId} of job {JobKey} ({Step}) leased by {Worker}",
                step.StepRunId, step.JobKey, step.Step, options.Value.WorkerName);
            var labels = new JobLabels(
                context.Headers.Get<string>(JobTracing.ProjectHeader), context.Headers.Get<string>(JobTracing.EnvironmentHeader));
            runner.Start(slot, step, labels, firstOp);
            slot = null;
        }
        finally
        {
            slot?.Dispose();
        }
    }

    /// <summary>This instance is shutting down: the step goes back to the queue for another instance.</summary>
    async Task HandBackAsync(ConsumeContext<RunJobStep> context)
    {
        logger.LogInformation("Step run {StepRunId} of job {JobKey} handed back: worker {Worker} is shutting down",
            context.Message.StepRunId, context.Message.JobKey, options.Value.WorkerName);
        await context.Send(context.ReceiveContext.InputAddress, context.Message, send => StepDispatch.Label(send, context.Message.Step,
            context.Headers.Get<string>(JobTracing.ProjectHeader), context.Headers.Get<string>(JobTracing.EnvironmentHeader)));
    }
}
