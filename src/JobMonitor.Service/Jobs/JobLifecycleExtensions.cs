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
        builder.Services.AddNatures();
    }

    public static void AddJobLifecycleHandlers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<CreateJobConsumer, CommandEndpointDefinition<CreateJobConsumer, CreateJob>>();
        bus.AddCommandRelay<ApproveJob>("approve-job");
        bus.AddCommandRelay<RejectJob>("reject-job");
        bus.AddCommandRelay<RescheduleJob>("reschedule-job");
        bus.AddCommandRelay<RerunJob>("rerun-job");
        bus.AddCommandRelay<CancelJob>("cancel-job");
        bus.AddCommandRelay<DeleteJob>("delete-job");
        bus.AddCommandRelay<RespondToTrap>("respond-to-trap");
        bus.AddCommandRelay<PauseTrap>("pause-trap");
        bus.AddCommandRelay<ResumeTrap>("resume-trap");
        bus.AddSagaStateMachine<DeploymentJobStateMachine, DeploymentJobState, DeploymentJobStateDefinition>()
            .PostgresRepository();
    }

    static void AddCommandRelay<T>(this IBusRegistrationConfigurator bus, string endpoint) where T : JobCommand =>
        bus.AddConsumer<JobCommandRelay<T>, CommandEndpointDefinition<JobCommandRelay<T>, T>>().Endpoint(e => e.Name = endpoint);
}
