using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JobMonitor.Service.Execution;

/// <summary>The run-job-step endpoint; the <see cref="StepRunner"/> stops it first on shutdown (<see cref="WorkerEndpoints"/>).</summary>
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
        // A claim needs the database; while it is away the step waits here rather than in an error queue.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Handle<NpgsqlException>(e => e.IsTransient);
            r.Exponential(int.MaxValue, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        });
    }
}
