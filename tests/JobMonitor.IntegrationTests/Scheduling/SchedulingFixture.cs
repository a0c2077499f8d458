using System.Collections.Concurrent;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Scheduling;
using JobMonitor.Service.Security;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace JobMonitor.IntegrationTests.Scheduling;

/// <summary>
/// One database, one real Hangfire server and one in-memory bus (MassTransit test harness) for the scheduling tests.
/// The migrations are applied here from the service's embedded scripts until persistence runs them at start-up.
/// </summary>
public sealed class SchedulingFixture : IAsyncLifetime
{
    static readonly string[] Migrations = ["0001_", "0020_", "0056_", "0061_"];

    WebApplication? app;

    public ConcurrentQueue<FiredTrigger> Fired { get; } = new();

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public IBus Bus => App.Services.GetRequiredService<IBus>();

    /// <summary>What the fixture's bus published (the firer's RUN dispatches among them).</summary>
    public ITestHarness Harness => App.Services.GetRequiredService<ITestHarness>();

    /// <summary>A client of the dashboard signed in as <paramref name="user" /> (one of <see cref="TestUsers" />), or anonymous when null.</summary>
    public HttpClient CreateClient(string? user = TestUsers.Admin)
    {
        var client = App.GetTestClient();
        if (user is not null)
            client.DefaultRequestHeaders.Add("X-Api-Key", TestUsers.KeyOf(user));
        return client;
    }

    WebApplication App => app ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await TestServices.CreateDatabaseAsync("scheduling");
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        await ApplyMigrationsAsync();

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = ConnectionString,
            // One instance enqueues and runs everything here, and Hangfire wakes its own workers in-process; LISTEN
            // would hold a connection per idle worker on the PostgreSQL server the whole test run shares.
            ["Scheduling:LongPolling"] = "false",
        });
        // The dashboard wants a signed-in user who may see the monitor: the service's authentication and test users.
        builder.Configuration.AddInMemoryCollection(TestUsers.Settings().Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.AddJobAccess();
        builder.AddApiAuthentication();
        builder.Services.AddSingleton(DataSource);
        builder.Services.AddSingleton(this);
        builder.Services.AddSingleton(TimeProvider.System);
        // The trigger clock reads a job's trace context through the read store, as in the service.
        builder.Services.AddSingleton<JobReadStore>();
        builder.AddScheduling();
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            bus.AddTriggerScheduling();
            bus.AddConsumer<FiredTriggerRecorder>();
        });

        app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapScheduling();
        await app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        if (DataSource is not null)
            await DataSource.DisposeAsync();
    }

    async Task ApplyMigrationsAsync()
    {
        var assembly = typeof(SchedulingOptions).Assembly;
        foreach (var prefix in Migrations)
        {
            var name = assembly.GetManifestResourceNames().Single(n => n.Contains($".Migrations.{prefix}", StringComparison.Ordinal));
            await using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            await using var command = DataSource.CreateCommand(await reader.ReadToEndAsync());
            await command.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>A <see cref="JobTriggerFired"/> as the bus delivered it.</summary>
public sealed record FiredTrigger(JobTriggerFired Message, DateTimeOffset ReceivedAt);

public sealed class FiredTriggerRecorder(SchedulingFixture fixture) : IConsumer<JobTriggerFired>
{
    public Task Consume(ConsumeContext<JobTriggerFired> context)
    {
        fixture.Fired.Enqueue(new FiredTrigger(context.Message, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}
