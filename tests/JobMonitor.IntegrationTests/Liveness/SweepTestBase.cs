using JobMonitor.IntegrationTests.Persistence;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JobMonitor.IntegrationTests.Liveness;

/// <summary>
/// For the tests of a sweep (abend detector, reconciler) on a real database: job rows written as the saga would
/// leave them, and MassTransit's test harness to see what the sweep publishes.
/// </summary>
public abstract class SweepTestBase(MigratedDatabase database) : IAsyncLifetime
{
    ServiceProvider? provider;

    protected ITestHarness Harness => provider!.GetRequiredService<ITestHarness>();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected Task<NpgsqlDataSource> DataSourceAsync() => database.DataSourceAsync();

    public async ValueTask InitializeAsync()
    {
        provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        await Harness.Start();
    }

    public async ValueTask DisposeAsync()
    {
        if (provider is not null)
            await provider.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected List<T> PublishedFor<T>(Guid jobId, Func<T, Guid> jobIdOf) where T : class =>
        [.. Harness.Published.Select<T>().Select(p => p.Context.Message).Where(m => jobIdOf(m) == jobId)];

    /// <summary>A job in <paramref name="status"/> at <paramref name="step"/>, scheduled and last moved <paramref name="ago"/> ago.</summary>
    protected async Task<Guid> JobAsync(string status, string step, Guid? stepRunId, TimeSpan ago)
    {
        var jobId = Guid.NewGuid();
        const string sql = """
            INSERT INTO jobmonitor.jobs (id, version, status, step, key, name, project, environment, type,
                                         scheduled_at, max_start_at, created_at, updated_at, step_run_id, data)
            VALUES (@job, 3, @status, @step, @key, 'test', 'shop', 'TEST', 'Normal',
                    now() - @ago, now() + interval '1 hour', now() - @ago, now() - @ago, @run, '{}')
            """;
        await using var command = (await DataSourceAsync()).CreateCommand(sql);
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("run", (object?)stepRunId ?? DBNull.Value);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("step", step);
        command.Parameters.AddWithValue("key", $"N.TEST-{jobId:N}");
        command.Parameters.AddWithValue("ago", ago);
        await command.ExecuteNonQueryAsync(Ct);
        return jobId;
    }
}
