using MassTransit;

namespace JobMonitor.Service.Scheduling;

public static class SchedulingExtensions
{
    public static void AddScheduling(this IHostApplicationBuilder builder)
    {
        // TODO(scheduling): Hangfire on PostgreSQL, precise trigger.
        _ = builder;
    }

    public static void AddTriggerScheduling(this IBusRegistrationConfigurator bus)
    {
        // TODO(scheduling): ArmJobTrigger / DisarmJobTriggers consumers.
        _ = bus;
    }

    public static void MapScheduling(this WebApplication app)
    {
        // TODO(scheduling): /hangfire dashboard.
        _ = app;
    }
}
