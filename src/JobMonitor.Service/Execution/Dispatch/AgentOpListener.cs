using JobMonitor.Contracts;
using MassTransit;

namespace JobMonitor.Service.Execution.Dispatch;

/// <summary>
/// Hears agent messages on a durable queue of this worker alone (see <see cref="AgentOpListenerDefinition"/>): the op
/// that waits may be running on any instance, so each one gets every message and keeps those it waits for.
/// </summary>
public sealed class AgentOpListener(PendingDispatches pending, ILogger<AgentOpListener> logger)
    : IConsumer<AgentOpCompleted>, IConsumer<AgentOpLogged>
{
    public Task Consume(ConsumeContext<AgentOpCompleted> context)
    {
        var message = context.Message;
        if (pending.TryComplete(message))
            logger.LogDebug("Agent completed op {OpIndex} of step run {StepRunId}", message.OpIndex, message.StepRunId);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<AgentOpLogged> context)
    {
        pending.TryLog(context.Message);
        return Task.CompletedTask;
    }
}
