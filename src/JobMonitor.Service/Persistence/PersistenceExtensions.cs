using JobMonitor.Service.Jobs;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace JobMonitor.Service.Persistence;

public static class PersistenceExtensions
{
    public static void AddPersistence(this IHostApplicationBuilder builder)
    {
        var connectionString = PostgresConnectionString(builder.Configuration);

        builder.Services.AddSingleton(provider =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(connectionString);
            // The same few statements run thousands of times a minute: prepared on each connection after their second
            // use, PostgreSQL parses and plans them once. A connection string that sets it keeps its own value.
            if (!Sets(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
                dataSource.ConnectionStringBuilder.MaxAutoPrepare = 64;
            // A connection going back to the pool is not reset (seven statements on its next use, ~13 times per job):
            // the service leaves no session state behind. Its one LISTEN is undone before the connection goes back
            // (OutboxWakeUp), its advisory locks are transaction-scoped, and it sets no session setting.
            if (!Sets(connectionString, "No Reset On Close", "NoResetOnClose"))
                dataSource.ConnectionStringBuilder.NoResetOnClose = true;
            return dataSource.UseLoggerFactory(provider.GetRequiredService<ILoggerFactory>()).Build();
        });

        // First hosted service: the bus and Hangfire, registered later, start after the schema exists.
        builder.Services.AddHostedService<MigrationHostedService>();

        builder.Services.AddHostedService<JobCountFolder>();
        builder.Services.AddOptions<JobRetentionOptions>().BindConfiguration(JobRetentionOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Retention >= TimeSpan.Zero && o.RetentionSweepInterval > TimeSpan.Zero,
                "Jobs:Retention must be zero (keep for ever) or a positive duration, Jobs:RetentionSweepInterval positive (e.g. 90.00:00:00, 01:00:00).")
            .ValidateOnStart();
        builder.Services.AddSingleton<JobLogStore>();
        builder.Services.AddSingleton<IJobLogWriter>(provider => provider.GetRequiredService<JobLogStore>());
        builder.Services.AddSingleton<JobReadStore>();
        builder.Services.AddSingleton<JobAuditStore>();
        builder.Services.AddSingleton<CommandLedger>();
        builder.Services.AddSingleton<ICommandLedger>(provider => provider.GetRequiredService<CommandLedger>());
        builder.Services.AddHostedService<CommandIdSweeper>();
        builder.Services.TryAddSingleton<IJobKeyAllocator, JobKeyAllocator>();
    }

    /// <summary>
    /// Whether the connection string itself sets the keyword (in either spelling). Npgsql's own builder cannot tell: it
    /// says it contains every keyword it knows, set or not.
    /// </summary>
    internal static bool Sets(string connectionString, params string[] spellings)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return spellings.Any(given.ContainsKey);
    }

    /// <summary>Stores the job saga in PostgreSQL (jobmonitor.jobs) with optimistic concurrency on its version.</summary>
    public static ISagaRegistrationConfigurator<DeploymentJobState> PostgresRepository(
        this ISagaRegistrationConfigurator<DeploymentJobState> saga)
    {
        saga.Repository(repository => repository.RegisterSagaRepository<
            DeploymentJobState,
            JobSagaTransaction,
            SagaConsumeContextFactory<JobSagaTransaction, DeploymentJobState>,
            PostgresSagaRepositoryContextFactory>());
        return saga;
    }

    internal static string PostgresConnectionString(IConfiguration configuration)
    {
        var value = configuration.GetConnectionString("Postgres");
        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException(
                "ConnectionStrings:Postgres is not set (an Npgsql connection string such as Host=...;Username=...;Password=...;Database=jobmonitor).")
            : value;
    }
}
