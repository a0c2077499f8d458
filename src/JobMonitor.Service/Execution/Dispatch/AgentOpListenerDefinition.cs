using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution.Dispatch;

/// <summary>
/// agent-answers-&lt;worker&gt;: every worker hears every agent message on a durable queue of its own, so that an answer
/// sent while the broker restarts is kept; the queue goes away an hour after its worker (<c>x-expires</c>). One message
/// at a time, so that an agent's log lines keep their order and come before its completion.
/// </summary>
public sealed class AgentOpListenerDefinition : ConsumerDefinition<AgentOpListener>
{
    static readonly TimeSpan Expiry = TimeSpan.FromHours(1);

    public AgentOpListenerDefinition(IOptions<ExecutionOptions> options)
    {
        EndpointName = QueueName(options.Value.WorkerName);
        ConcurrentMessageLimit = 1;
    }

    /// <summary>agent-answers-&lt;worker&gt;, the worker name reduced to the characters a queue name takes everywhere.</summary>
    public static string QueueName(string worker) =>
        "agent-answers-" + new string([.. worker.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-')]);

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AgentOpListener> consumerConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.QueueExpiration = Expiry;
    }
}
