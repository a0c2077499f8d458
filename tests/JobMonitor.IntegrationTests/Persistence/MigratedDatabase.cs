using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace JobMonitor.IntegrationTests.Persistence;

/// <summary>
/// A fresh, migrated database for one test class. Created on first use, inside a test, so that an unreachable
/// PostgreSQL skips the tests rather than failing the fixture.
/// </summary>
public sealed class MigratedDatabase : IAsyncDisposable
{
    readonly Lazy<Task<(string ConnectionString, NpgsqlDataSource DataSource)>> _database = new(CreateAsync);

    public async Task<NpgsqlDataSource> DataSourceAsync() => (await _database.Value).DataSource;

    public async Task<string> ConnectionStringAsync() => (await _database.Value).ConnectionString;

    public async ValueTask DisposeAsync()
    {
        if (_database.IsValueCreated && _database.Value.IsCompletedSuccessfully)
            await (await _database.Value).DataSource.DisposeAsync();
    }

    static async Task<(string, NpgsqlDataSource)> CreateAsync()
    {
        var connectionString = await TestServices.CreateDatabaseAsync("persistence");
        await DatabaseMigrator.MigrateAsync(connectionString, NullLogger.Instance, TestContext.Current.CancellationToken);
        return (connectionString, NpgsqlDataSource.Create(connectionString));
    }
}
