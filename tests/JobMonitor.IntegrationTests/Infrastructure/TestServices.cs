using Npgsql;
using Xunit;

namespace JobMonitor.IntegrationTests.Infrastructure;

/// <summary>
/// Where the real RabbitMQ and PostgreSQL are. Named by environment variables when set, else the local defaults.
/// When they cannot be reached a test skips, unless JOBMONITOR_REQUIRE_SERVICES=1 (CI), where it fails.
/// </summary>
public static class TestServices
{
    public static string PostgresAdmin { get; } =
        Environment.GetEnvironmentVariable("JOBMONITOR_TEST_POSTGRES")
        ?? "Host=localhost;Username=jobmonitor;Password=jobmonitor;Database=postgres";

    public static Uri RabbitMq { get; } =
        new(Environment.GetEnvironmentVariable("JOBMONITOR_TEST_RABBITMQ") ?? "amqp://guest:guest@localhost:5672/");

    public static bool Required { get; } = Environment.GetEnvironmentVariable("JOBMONITOR_REQUIRE_SERVICES") == "1";

    /// <summary>Skips the calling test (or fails it, in CI) when PostgreSQL is not reachable.</summary>
    public static async Task RequirePostgresAsync()
    {
        var problem = await ProbePostgresAsync();
        if (problem is null)
            return;
        if (Required)
            throw new InvalidOperationException($"PostgreSQL is required (JOBMONITOR_REQUIRE_SERVICES=1) but unreachable: {problem}");
        Assert.Skip($"PostgreSQL unreachable: {problem}");
    }

    /// <summary>Creates an empty database for one test class or run and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        await RequirePostgresAsync();
        var name = $"jm_{purpose}_{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 40)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(PostgresAdmin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name }.ConnectionString;
    }

    static async Task<string?> ProbePostgresAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(PostgresAdmin);
            await connection.OpenAsync();
            return null;
        }
        catch (NpgsqlException e)
        {
            return e.Message;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return e.Message;
        }
    }
}
