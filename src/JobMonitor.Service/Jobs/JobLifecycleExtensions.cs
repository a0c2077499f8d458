using JobMonitor.Contracts;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Jobs.Natures;
using JobMonitor.Service.Persistence;
using MassTransit;

namespace JobMonitor.Service.Jobs;

public static class JobLifecycleExtensions
{
    public static void AddJobLifecycle(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobOptions>().BindConfiguration("Jobs").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<JobDefinitionValidator>();
        builder.Services.AddSingleton<OpeningOrder>();
        builder.Services.AddSingleton<ScheduledOpeningLimit>();
        builder.Services.AddNatures();
    }

    public static void AddJobLifecycleHandlers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<CreateJobConsumer, CreateJobEndpointDefinition>();
        bus.AddCommandRelay<ApproveJob>();
        bus.AddCommandRelay<RejectJob>();
        bus.AddCommandRelay<RescheduleJob>();
        bus.AddCommandRelay<RerunJob>();
        bus.AddCommandRelay<CancelJob>();
        bus.AddCommandRelay<DeleteJob>();
        bus.AddCommandRelay<RespondToTrap>();
        bus.AddCommandRelay<PauseTrap>();
        bus.AddCommandRelay<ResumeTrap>();
        bus.AddSagaStateMachine<DeploymentJobStateMachine, DeploymentJobState, DeploymentJobStateDefinition>()
            .PostgresRepository();
    }

    static void AddCommandRelay<T>(this IBusRegistrationConfigurator bus) where T : JobCommand =>
        bus.AddConsumer<JobCommandRelay<T>, JobCommandRelayDefinition<T>>();
}
