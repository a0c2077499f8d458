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
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<JobDefinitionValidator>();
        builder.Services.AddNatures();
    }

    public static void AddJobLifecycleHandlers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<CreateJobConsumer>();
        bus.AddSagaStateMachine<DeploymentJobStateMachine, DeploymentJobState, DeploymentJobStateDefinition>()
            .PostgresRepository();
    }
}
