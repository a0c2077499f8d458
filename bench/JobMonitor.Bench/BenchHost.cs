using System.Diagnostics;
using JobMonitor.Service;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace JobMonitor.Bench;

/// <summary>The real service, started in-process on a database created for this run and dropped with it (unless kept).</summary>
public sealed class BenchHost : IAsyncDisposable
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    readonly WebApplication _app;
    readonly string _adminConnectionString;
    readonly bool _keepDatabase;

    BenchHost(WebApplication app, LogTally logs, string adminConnectionString, string connectionString, bool keepDatabase)
    {
        _app = app;
        _keepDatabase = keepDatabase;
        Logs = logs;
        _adminConnectionString = adminConnectionString;
        ConnectionString = connectionString;
    }

    /// <summary>The bench database (the service's tables and the floor's).</summary>
    public string ConnectionString { get; }

    public BusTraffic Traffic { get; } = new();

    public CostMeter Cost { get; } = new();

    /// <summary>The service's warnings and errors: the console stays for the figures.</summary>
    public LogTally Logs { get; }

    public NpgsqlDataSource Database => _app.Services.GetRequiredService<NpgsqlDataSource>();

    public static async Task<BenchHost> StartAsync(BenchOptions options)
    {
        var database = $"jm_bench_{Guid.NewGuid():N}"[..24];
        await ExecuteAsync(options.Postgres, $"CREATE DATABASE \"{database}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = database }.ConnectionString;

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["ConnectionStrings:RabbitMq"] = options.RabbitMq.ToString(),
            // The bench's CreateJob commands are sent by "bench": the bus checks their permission like the API does.
            ["Permissions:Roles:bench:Actions:0"] = "action.job.create",
            ["Permissions:Roles:bench:Scopes:0"] = "*/*",
            ["Permissions:Users:bench:0"] = "bench",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var logs = new LogTally();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.AddJobMonitor();
        var app = builder.Build();
        app.MapJobMonitor();
        var host = new BenchHost(app, logs, options.Postgres, connectionString, options.KeepDatabase);
        try
        {
            return await host.StartAsync();
        }
        catch (Exception)
        {
            await host.DisposeAsync();
            throw;
        }
    }

    async Task<BenchHost> StartAsync()
    {
        var bus = _app.Services.GetRequiredService<IBusControl>();
        bus.ConnectReceiveObserver(Traffic);
        bus.ConnectConsumeObserver(Traffic);
        bus.ConnectSendObserver(Cost);
        await _app.StartAsync().WaitAsync(StartTimeout);

        // Messages published before the endpoints are bound would be dropped by RabbitMQ.
        var clock = Stopwatch.StartNew();
        while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
        {
            if (clock.Elapsed > StartTimeout)
                throw new TimeoutException($"The service's bus was not healthy after {StartTimeout.TotalSeconds} s.");
            await Task.Delay(50);
        }
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Cost.Dispose();
        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        if (_keepDatabase)
        {
            Console.WriteLine($"kept database {name}");
            return;
        }
        // FORCE: the service's pooled connections may outlive its host by a moment.
        await ExecuteAsync(_adminConnectionString, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
