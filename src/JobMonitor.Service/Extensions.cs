using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Monitor;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Scheduling;
using JobMonitor.Service.Security;
using JobMonitor.Service.Telemetry;

namespace JobMonitor.Service;

public static class Extensions
{
    /// <summary>All of the service's wiring; each area registers its own parts.</summary>
    public static void AddJobMonitor(this IHostApplicationBuilder builder)
    {
        // The one clock of every area; tests put a fake one in its place.
        builder.Services.AddSingleton(TimeProvider.System);
        // Order matters for hosted services: migrations run before the bus and Hangfire start.
        builder.AddPersistence();
        builder.AddTelemetry();
        builder.AddJobAccess();
        builder.AddApiAuthentication();
        builder.AddJobLifecycle();
        builder.AddScheduling();
        if (builder.Configuration.Roles().HasFlag(ServiceRoles.Workers))
            builder.AddExecution();
        builder.AddMessaging();
        builder.AddMonitor();
    }

    public static void MapJobMonitor(this WebApplication app)
    {
        app.MapMonitor();
        if (app.Configuration.Roles().HasFlag(ServiceRoles.Api))
        {
            app.MapScheduling();
            app.MapWebMonitor();
        }
        app.MapTelemetry();
    }
}
