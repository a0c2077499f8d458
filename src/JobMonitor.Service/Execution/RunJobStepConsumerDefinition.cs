using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution;

public sealed class RunJobStepConsumerDefinition : ConsumerDefinition<RunJobStepConsumer>
{
    public const string QueueName = "run-job-step";

    readonly int maxConcurrentSteps;

    public RunJobStepConsumerDefinition(IOptions<ExecutionOptions> options)
    {
        maxConcurrentSteps = options.Value.MaxConcurrentSteps;
        EndpointName = QueueName;
        // Consumers wait for a runner slot before claiming; more deliveries than slots would only wait unacknowledged.
        ConcurrentMessageLimit = maxConcurrentSteps;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RunJobStepConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = maxConcurrentSteps;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.EnablePriority(MessagePriorities.Max);
        // The saga may be slow to answer; a claim that timed out is asked again before the message faults.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Handle<RequestTimeoutException>();
            r.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
        });
    }
}
