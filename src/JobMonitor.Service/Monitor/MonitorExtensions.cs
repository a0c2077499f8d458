namespace JobMonitor.Service.Monitor;

public static class MonitorExtensions
{
    public static void AddMonitor(this IHostApplicationBuilder builder)
    {
        // TODO(monitor): read API, health checks, ProblemDetails.
        _ = builder;
    }

    public static void MapMonitor(this WebApplication app)
    {
        // TODO(monitor): endpoints.
        _ = app;
    }
}
