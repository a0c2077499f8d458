using System.Text.Json;
using JobMonitor.Service.Contract;
using JobMonitor.Service.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JobMonitor.Service.Monitor;

public static class MonitorExtensions
{
    const string Ready = "ready";

    public static void AddMonitor(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<AsyncApiDocument>();
        builder.Services.AddSingleton<CommandStatusStore>();
        builder.Services.AddOptions<CommandStatusOptions>().BindConfiguration(CommandStatusOptions.Section)
            .Validate(o => o.Retention > TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero,
                "Monitor:CommandStatus:Retention and :SweepInterval must be positive durations (e.g. 7.00:00:00, 00:10:00).")
            .ValidateOnStart();
        builder.Services.AddHostedService<CommandStatusSweeper>();
        builder.Services.AddScoped<JobCommandSender>();
        builder.Services.AddSingleton<JobDashboard>();
        builder.Services.AddSingleton<JobEventHub>();
        builder.Services.AddOptions<TraceLinkOptions>().BindConfiguration("Telemetry")
            .Validate(o => string.IsNullOrWhiteSpace(o.TraceUrlTemplate) || o.TraceUrlTemplate.Contains(TraceLinkOptions.Placeholder, StringComparison.Ordinal),
                $"Telemetry:TraceUrlTemplate must contain {TraceLinkOptions.Placeholder}.")
            .ValidateOnStart();
        builder.Services.AddHealthChecks()
            .AddCheck<PostgresReadinessCheck>("postgres", tags: [Ready])
            .AddCheck<HangfireReadinessCheck>("hangfire", tags: [Ready]);
    }

    public static void MapMonitor(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        // Live: the process answers. Ready: broker (MassTransit's own check, tagged "ready"), database, Hangfire.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = WriteReport,
        }).AllowAnonymous();
        if (app.Configuration.Roles().HasFlag(ServiceRoles.Api))
        {
            app.MapSessionApi();
            app.MapJobRoutes();
            app.MapEventsApi();
            // Behind the fallback policy like the rest: the document tells what the API is, to those let in.
            app.MapOpenApi();
            app.MapAsyncApi();
            app.MapCommandsApi();
        }
    }

    static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        }));
    }
}
