using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace JobMonitor.IntegrationTests.Persistence;

public sealed class DatabaseMigratorTests
{
    [Fact]
    public async Task Migrations_create_the_schema_and_a_second_run_changes_nothing()
    {
        var connectionString = await TestServices.CreateDatabaseAsync("migrate");

        await DatabaseMigrator.MigrateAsync(connectionString, NullLogger.Instance, Cancellation);
        var applied = await ScalarAsync<long>(connectionString, "SELECT count(*) FROM jobmonitor.schema_versions");
        await DatabaseMigrator.MigrateAsync(connectionString, NullLogger.Instance, Cancellation);

        Assert.True(applied >= 1);
        Assert.Equal(applied, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM jobmonitor.schema_versions"));
        Assert.Equal(2, await ScalarAsync<long>(connectionString, """
            SELECT count(*) FROM information_schema.tables
            WHERE table_schema = 'jobmonitor' AND table_name IN ('jobs', 'job_log')
            """));
        Assert.Equal(1, await ScalarAsync<long>(connectionString, "SELECT nextval('jobmonitor.job_key_seq')"));
    }

    [Fact]
    public async Task Migrating_a_database_that_does_not_exist_creates_it()
    {
        await TestServices.RequirePostgresAsync();
        var name = $"jm_created_{Guid.NewGuid():N}"[..40];
        var connectionString = new NpgsqlConnectionStringBuilder(TestServices.PostgresAdmin) { Database = name }.ConnectionString;

        await DatabaseMigrator.MigrateAsync(connectionString, NullLogger.Instance, Cancellation);

        Assert.Equal(0, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM jobmonitor.jobs"));
    }

    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(Cancellation))!;
    }
}
