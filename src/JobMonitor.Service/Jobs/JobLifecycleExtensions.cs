using MassTransit;

namespace JobMonitor.Service.Jobs;

public static class JobLifecycleExtensions
{
    public static void AddJobLifecycle(this IHostApplicationBuilder builder)
    {
        // TODO(jobs): options, validator, key allocator.
        _ = builder;
    }

    public static void AddJobLifecycleHandlers(this IBusRegistrationConfigurator bus)
    {
        // TODO(jobs): saga + CHECK consumer.
        _ = bus;
    }
}
