using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Recovery;
using JobMonitor.Service.Persistence.Outbox;
using JobMonitor.Service.Scheduling;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>
/// How the job saga consumes: retried on optimistic-concurrency conflicts (OutageRetryExtensions, as every endpoint), sending through the PostgreSQL outbox (in
/// the transaction that saves its state; a redelivery already applied is dropped by the inbox), and partitioned by
/// job so one instance does not race itself.
/// </summary>
public sealed class DeploymentJobStateDefinition : SagaDefinition<DeploymentJobState>
{
    public const string QueueName = "deployment-job-state";

    const int ConcurrencyLimit = 32;

    public DeploymentJobStateDefinition()
    {
        Endpoint(e =>
        {
            e.Name = QueueName;
            // No deeper than the concurrency: a RUN's message (priority) overtakes only what is not prefetched yet.
            e.PrefetchCount = ConcurrencyLimit;
        });
    }

    protected override void ConfigureSaga(
        IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<DeploymentJobState> sagaConfigurator,
        IRegistrationContext context)
    {
        // Commands come through JobCommandRelay: the saga's queue must not be bound to their exchanges, where a raw
        // JSON command cannot be told from the saga's other message types.
        endpointConfigurator.ConfigureMessageTopology<ApproveJob>(false);
        endpointConfigurator.ConfigureMessageTopology<RejectJob>(false);
        endpointConfigurator.ConfigureMessageTopology<RescheduleJob>(false);
        endpointConfigurator.ConfigureMessageTopology<RerunJob>(false);
        endpointConfigurator.ConfigureMessageTopology<CancelJob>(false);
        endpointConfigurator.ConfigureMessageTopology<DeleteJob>(false);
        endpointConfigurator.ConfigureMessageTopology<RespondToTrap>(false);
        endpointConfigurator.ConfigureMessageTopology<PauseTrap>(false);
        endpointConfigurator.ConfigureMessageTopology<ResumeTrap>(false);
        endpointConfigurator.UsePostgresOutbox(context);
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.EnablePriority(MessagePriorities.Max);

        var partition = sagaConfigurator.CreatePartitioner(ConcurrencyLimit);
        var openingLimit = context.GetRequiredService<ScheduledOpeningLimit>();
        sagaConfigurator.Message<OpenJob>(x =>
        {
            x.UseFilter(openingLimit);
            x.UsePartitioner(partition, m => m.Message.JobId);
        });
        sagaConfigurator.Message<StepRunStarted>(x => x.UsePartitioner(partition, m => m.Message.JobId));
        sagaConfigurator.Message<StepRunProgressed>(x => x.UsePartitioner(partition, m => m.Message.JobId));
        sagaConfigurator.Message<StepRunFinished>(x => x.UsePartitioner(partition, m => m.Message.JobId));
        sagaConfigurator.Message<JobTriggerFired>(x => x.UsePartitioner(partition, m => m.Message.JobId));
        sagaConfigurator.Message<RecoverJob>(x => x.UsePartitioner(partition, m => m.Message.JobId));
    }
}
