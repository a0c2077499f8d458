using JobMonitor.Service.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace JobMonitor.Bench;

/// <summary>A fresh database with the service's migrations for one bench run; dropped on dispose unless kept.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    readonly string admin;
    readonly bool keep;

    BenchDatabase(string admin, string name, bool keep)
    {
        this.admin = admin;
        this.keep = keep;
        Name = name;
        // No command time-out: a million rows' COPY, fold or delete may outlast Npgsql's 30 s on a busy machine.
        DataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(admin) { Database = name, CommandTimeout = 0 }.ConnectionString);
    }

    public string Name { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Creates <c>{prefix}{random}</c> (at most 28 characters) through the service's migrator.</summary>
    public static async Task<BenchDatabase> CreateAsync(BenchOptions options, string prefix)
    {
        var name = $"{prefix}{Guid.NewGuid():N}"[..28];
        await DatabaseMigrator.MigrateAsync(
            new NpgsqlConnectionStringBuilder(options.Postgres) { Database = name }.ConnectionString, NullLogger.Instance, CancellationToken.None);
        return new BenchDatabase(options.Postgres, name, options.KeepDatabase);
    }

    public async Task ExecuteAsync(string sql, TimeSpan timeout)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = (int)timeout.TotalSeconds;
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (keep)
        {
            Console.WriteLine($"kept database {Name}");
            return;
        }
        await using var server = NpgsqlDataSource.Create(admin);
        await using var drop = server.CreateCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }
}
