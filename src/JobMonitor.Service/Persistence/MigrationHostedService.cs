namespace JobMonitor.Service.Persistence;

/// <summary>Registered before the bus and Hangfire, so their hosted services start once the schema exists.</summary>
public sealed class MigrationHostedService(IConfiguration configuration, ILogger<MigrationHostedService> logger) : IHostedService
{
    // Not NpgsqlDataSource.ConnectionString: that one has the password removed.
    public Task StartAsync(CancellationToken cancellationToken) =>
        DatabaseMigrator.MigrateAsync(PersistenceExtensions.PostgresConnectionString(configuration), logger, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
