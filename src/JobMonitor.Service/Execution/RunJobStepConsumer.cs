using JobMonitor.Service.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution;

/// <summary>Claims a step run from the saga and hands it to the <see cref="StepRunner"/>; the message is then acknowledged.</summary>
public sealed class RunJobStepConsumer(
    StepRunner runner,
    IRequestClient<ClaimStepRun> claims,
    IOptions<ExecutionOptions> options,
    ILogger<RunJobStepConsumer> logger) : IConsumer<RunJobStep>
{
    public async Task Consume(ConsumeContext<RunJobStep> context)
    {
        var step = context.Message;
        var slot = await runner.AcquireSlotAsync(context.CancellationToken);
        try
        {
            var response = await claims.GetResponse<StepRunClaimed, StepRunClaimRefused>(
                new ClaimStepRun { JobId = step.JobId, StepRunId = step.StepRunId, Worker = options.Value.WorkerName },
                request => request.UseExecute(send =>
                {
                    if (step.Step == Jobs.JobStep.Run)
                        send.TrySetPriority(MessagePriorities.Timed);
                }),
                context.CancellationToken);
            if (response.Is(out Response<StepRunClaimRefused>? refused))
            {
                logger.LogInformation("Step run {StepRunId} of job {JobKey} ({Step}) not claimed: {Reason}",
                    step.StepRunId, step.JobKey, step.Step, refused.Message.Reason);
                return;
            }

            logger.LogInformation("Step run {StepRunId} of job {JobKey} ({Step}) claimed by {Worker}",
                step.StepRunId, step.JobKey, step.Step, options.Value.WorkerName);
            var labels = new JobLabels(
                context.Headers.Get<string>(JobTracing.ProjectHeader), context.Headers.Get<string>(JobTracing.EnvironmentHeader));
            runner.Start(slot, step, labels);
            slot = null;
        }
        finally
        {
            slot?.Dispose();
        }
    }
}
