using Hangfire;
using JobMonitor.Service.Persistence;
using Hangfire.Common;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Scheduling;

public static class SchedulingExtensions
{
    /// <summary>Hangfire on PostgreSQL (schema <c>hangfire</c>) with a server tuned to start trigger jobs on time.</summary>
    public static void AddScheduling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SchedulingOptions>()
            .BindConfiguration(SchedulingOptions.Section)
            .Validate(o => o.WorkerCount > 0, "Scheduling:WorkerCount must be positive.")
            .Validate(o => o.SchedulePollingInterval > TimeSpan.Zero, "Scheduling:SchedulePollingInterval must be positive.")
            .Validate(o => o.QueuePollInterval >= TimeSpan.FromMilliseconds(50), "Scheduling:QueuePollInterval must be at least 50 ms.")
            .Validate(o => o.FineWait > TimeSpan.Zero, "Scheduling:FineWait must be positive.")
            .Validate(o => o.ClockPollInterval > TimeSpan.Zero && o.ClaimTimeout > TimeSpan.Zero && o.FallbackDelay >= TimeSpan.Zero,
                "Scheduling:ClockPollInterval and ClaimTimeout must be positive, FallbackDelay not negative.")
            .Validate(o => o.HasWorkableLead,
                $"Scheduling:LeadTime must be at least ClockPollInterval + {SchedulingOptions.StartMargin.TotalMilliseconds} ms (and exceed FineWait), or triggers fire late.")
            .ValidateOnStart();

        builder.Services.AddSingleton<JobTriggerStore>();
        builder.Services.AddTransient<JobTriggerFirer>();
        builder.Services.AddSingleton<TriggerTracingFilter>();
        // Here, not with persistence: a purged job's trigger still waiting in Hangfire is deleted there too.
        builder.Services.AddHostedService<JobRetentionSweeper>();

        builder.Services.AddHangfire((services, hangfire) =>
        {
            var options = services.GetRequiredService<IOptions<SchedulingOptions>>().Value;
            var connectionString = services.GetRequiredService<IConfiguration>().GetConnectionString("Postgres")
                ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not set.");
            hangfire
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UsePostgreSqlStorage(
                    bootstrap => bootstrap.UseNpgsqlConnection(connectionString),
                    new PostgreSqlStorageOptions
                    {
                        SchemaName = options.Schema,
                        // A trigger fetched by an instance that then died is fetched again after this, not after
                        // Hangfire's 30 minutes; the running instance keeps its fetch alive (sliding) meanwhile.
                        InvisibilityTimeout = options.InvisibilityTimeout,
                        UseSlidingInvisibilityTimeout = true,
                        PrepareSchemaIfNecessary = true,
                        EnableLongPolling = options.LongPolling,
                        QueuePollInterval = options.QueuePollInterval,
                    });
        });

        // The api role needs the storage (dashboard, readiness); only workers run a server that fires triggers.
        if (!builder.Configuration.Roles().HasFlag(ServiceRoles.Workers))
            return;
        builder.Services.AddSingleton<TriggerClock>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TriggerClock>());
        builder.Services.AddHangfireServer((services, server) =>
        {
            var options = services.GetRequiredService<IOptions<SchedulingOptions>>().Value;
            server.WorkerCount = options.WorkerCount;
            server.SchedulePollingInterval = options.SchedulePollingInterval;
            server.Queues = [SchedulingOptions.TriggerQueue, "default"];
            // This server's own filters rather than Hangfire's global ones: a host's filter must not outlive the host.
            server.FilterProvider = new JobFilterProviderCollection
            {
                JobFilterProviders.Providers,
                new JobFilterCollection { services.GetRequiredService<TriggerTracingFilter>() },
            };
        });
    }

    /// <summary>
    /// The consumers of <see cref="ArmJobTrigger"/> and <see cref="DisarmJobTriggers"/>, on one endpoint
    /// (<see cref="TriggerEndpoint"/>) and partitioned by job, so a job's arms and disarms apply in the order sent.
    /// </summary>
    public static void AddTriggerScheduling(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ArmJobTriggerConsumer>().Endpoint(e => e.Name = TriggerEndpoint);
        bus.AddConsumer<DisarmJobTriggersConsumer>().Endpoint(e => e.Name = TriggerEndpoint);
        bus.AddConfigureEndpointsCallback((name, endpoint) =>
        {
            if (name != TriggerEndpoint)
                return;
            var partitioner = endpoint.CreatePartitioner(16);
            endpoint.UsePartitioner<ArmJobTrigger>(partitioner, c => c.Message.JobId);
            endpoint.UsePartitioner<DisarmJobTriggers>(partitioner, c => c.Message.JobId);
        });
    }

    public const string TriggerEndpoint = "job-triggers";

    public const string DashboardPath = "/hangfire";

    /// <summary>The Hangfire dashboard at <c>/hangfire</c>, for users who may see the monitor; it links back to it.</summary>
    public static void MapScheduling(this WebApplication app)
    {
        AddMonitorLink();
        app.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            DashboardTitle = "JobMonitor",
            AppPath = "/",
            DisplayStorageConnectionString = false,
            Authorization = [new DashboardAccessFilter()],
            IsReadOnlyFunc = DashboardAccessFilter.IsReadOnly,
        });
    }

    static int _monitorLinkAdded;

    /// <summary>Hangfire's menu is one static list for the process: added once, however many hosts it runs.</summary>
    static void AddMonitorLink()
    {
        if (Interlocked.Exchange(ref _monitorLinkAdded, 1) == 1)
            return;
        // The dashboard's path base is the application's plus /hangfire: the monitor sits beside it.
        NavigationMenu.Items.Add(page => new MenuItem("Monitor", page.Context.Request.PathBase[..^DashboardPath.Length] + "/monitor"));
    }
}
