using MassTransit;

namespace JobMonitor.Service.Execution.Liveness;

/// <summary>Every instance hears every cancel; the one running the step run stops it, the others have nothing to do.</summary>
public sealed class StepRunCanceledConsumer(StepRunner runner, ILogger<StepRunCanceledConsumer> logger) : IConsumer<StepRunCanceled>
{
    public Task Consume(ConsumeContext<StepRunCanceled> context)
    {
        var canceled = context.Message;
        if (runner.Cancel(canceled.StepRunId, canceled.Reason))
            logger.LogInformation("Step run {StepRunId} of job {JobId} canceled here: {Reason}",
                canceled.StepRunId, canceled.JobId, canceled.Reason);
        return Task.CompletedTask;
    }
}
