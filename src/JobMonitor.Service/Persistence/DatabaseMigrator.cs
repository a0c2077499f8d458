using DbUp;
using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>Creates the database when missing and applies the embedded migrations (dbup, journal in schema jobmonitor).</summary>
public static class DatabaseMigrator
{
    const string Schema = "jobmonitor";
    const string ScriptPrefix = "JobMonitor.Service.Persistence.Migrations.";

    // Any constant will do; it only has to be the same for every instance of the service.
    const long MigrationLockKey = 0x4A6F624D6F6E;

    public static async Task MigrateAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        await EnsureDatabaseAsync(connectionString, logger, cancellationToken);

        // Two instances starting together must not both apply the same script.
        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await ExecuteAsync(lockConnection, "SELECT pg_advisory_lock(@key)", MigrationLockKey, cancellationToken);
        try
        {
            // The journal table lives in our schema, which must exist before dbup reads the journal.
            await ExecuteAsync(lockConnection, $"CREATE SCHEMA IF NOT EXISTS {Schema}", null, cancellationToken);

            var result = DeployChanges.To
                .PostgresqlDatabase(connectionString, Schema)
                .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, name => name.StartsWith(ScriptPrefix, StringComparison.Ordinal))
                .JournalToPostgresqlTable(Schema, "schema_versions")
                .WithTransactionPerScript()
                // $$-quoted function bodies must reach PostgreSQL untouched.
                .WithVariablesDisabled()
                .LogTo(logger)
                .Build()
                .PerformUpgrade();

            if (!result.Successful)
                throw new InvalidOperationException($"Database migration {result.ErrorScript?.Name} failed.", result.Error);
        }
        finally
        {
            await ExecuteAsync(lockConnection, "SELECT pg_advisory_unlock(@key)", MigrationLockKey, CancellationToken.None);
        }
    }

    static async Task EnsureDatabaseAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var database = target.Database
            ?? throw new InvalidOperationException("ConnectionStrings:Postgres names no Database.");
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };

        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
                return;
        }

        // CREATE DATABASE takes no parameters: quote the identifier instead.
        var quoted = "\"" + database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
            logger.LogInformation("Created database {Database}", database);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            logger.LogDebug("Database {Database} was created concurrently", database);
        }
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql, long? key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (key is { } value)
            command.Parameters.AddWithValue("key", value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
