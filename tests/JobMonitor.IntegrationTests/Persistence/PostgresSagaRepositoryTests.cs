using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace JobMonitor.IntegrationTests.Persistence;

/// <summary>The repository behind a real (in-memory transport) bus, with the retry and outbox the job saga uses.</summary>
public sealed class PostgresSagaRepositoryTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>, IAsyncDisposable
{
    static readonly TimeSpan Saved = TimeSpan.FromSeconds(15);

    ServiceProvider? _provider;

    [Fact]
    public async Task A_started_then_changed_job_persists_its_columns_and_document()
    {
        var (dataSource, bus) = await StartBusAsync();
        var jobId = Guid.NewGuid();
        var changeId = Guid.NewGuid();

        await bus.Publish(new TinyStart(jobId, Key(jobId)), Cancellation);
        await Polling.WaitUntilAsync(() => VersionIsAsync(dataSource, jobId, 1), Saved, "the job is created");
        await bus.Publish(new TinyChange(jobId, changeId, JobStep.Pre, 0.5, TimeSpan.Zero), Cancellation);
        await Polling.WaitUntilAsync(() => VersionIsAsync(dataSource, jobId, 2), Saved, "the change is saved");

        await using var command = dataSource.CreateCommand("""
            SELECT status, step, key, type, progress, step_run_id, started_at IS NOT NULL,
                   data->>'currentState', data->>'step', data->>'type', data->'seenCommands'->>0, data ? 'pendingLog'
            FROM jobmonitor.jobs WHERE id = @id
            """);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        Assert.True(await reader.ReadAsync(Cancellation));
        Assert.Equal("Running", reader.GetString(0));
        Assert.Equal("Pre", reader.GetString(1));
        Assert.Equal(Key(jobId), reader.GetString(2));
        Assert.Equal("Urgent", reader.GetString(3));
        Assert.Equal(0.5, reader.GetDouble(4));
        Assert.Equal(changeId, reader.GetGuid(5));
        Assert.True(reader.GetBoolean(6));
        Assert.Equal("Running", reader.GetString(7));
        Assert.Equal("Pre", reader.GetString(8));
        Assert.Equal("Urgent", reader.GetString(9));
        Assert.Equal(changeId.ToString(), reader.GetString(10));
        Assert.False(reader.GetBoolean(11));

        var state = await new JobReadStore(dataSource).GetAsync(jobId, Cancellation);
        Assert.NotNull(state);
        Assert.Equal(2, state.Version);
        Assert.Equal(JobStep.Pre, state.Step);
        Assert.Equal([changeId], state.SeenCommands);
        Assert.Empty(state.PendingLog);
    }

    [Fact]
    public async Task Pending_log_lines_are_stored_with_each_save_and_a_finalized_job_is_deleted_with_its_log()
    {
        var (dataSource, bus) = await StartBusAsync();
        var jobId = Guid.NewGuid();
        var changeId = Guid.NewGuid();
        var log = new JobLogStore(dataSource);

        await bus.Publish(new TinyStart(jobId, Key(jobId)), Cancellation);
        await Polling.WaitUntilAsync(() => VersionIsAsync(dataSource, jobId, 1), Saved, "the job is created");
        await bus.Publish(new TinyChange(jobId, changeId, JobStep.Run, 1, TimeSpan.Zero), Cancellation);
        await Polling.WaitUntilAsync(() => VersionIsAsync(dataSource, jobId, 2), Saved, "the change is saved");

        var lines = await log.ReadAsync(jobId, 0, 100, Cancellation);
        Assert.Equal(["created", $"change {changeId}", "step Run"], lines.Select(l => l.Text));
        Assert.Equal(["Init", "Run", "Run"], lines.Select(l => l.Step));

        await bus.Publish(new TinyFinish(jobId), Cancellation);
        await Polling.WaitUntilAsync(async () => !await ExistsAsync(dataSource, jobId), Saved, "the finalized job is deleted");
        Assert.Empty(await log.ReadAsync(jobId, 0, 100, Cancellation));
    }

    [Fact]
    public async Task A_duplicate_initiating_message_creates_one_job_and_one_log_line()
    {
        var (dataSource, bus) = await StartBusAsync();
        var jobId = Guid.NewGuid();

        await Task.WhenAll(
            bus.Publish(new TinyStart(jobId, Key(jobId)), Cancellation),
            bus.Publish(new TinyStart(jobId, Key(jobId)), Cancellation));
        await Polling.WaitUntilAsync(() => VersionIsAsync(dataSource, jobId, 1), Saved, "the job is created");
        // A follow-up change proves both starts were consumed: the endpoint handles messages to one job in turn or retries.
        await bus.Publish(new TinyChange(jobId, Guid.NewGuid(), JobStep.Pre, 0, TimeSpan.Zero), Cancellation);
        await Polling.WaitUntilAsync(() => VersionIsAsync(dataSource, jobId, 2), Saved, "the change is saved");

        var harness = _provider!.GetRequiredService<ITestHarness>();
        Assert.Equal(2, await harness.Consumed.SelectAsync<TinyStart>(Cancellation).Count());
        Assert.False(await harness.Published.Any<Fault<TinyStart>>(Cancellation));
        var lines = await new JobLogStore(dataSource).ReadAsync(jobId, 0, 100, Cancellation);
        Assert.Single(lines, l => l.Text == "created");
    }

    [Fact]
    public async Task Concurrent_changes_to_one_job_both_survive_through_retry()
    {
        var (dataSource, bus) = await StartBusAsync();
        var jobId = Guid.NewGuid();
        Guid[] changes = [Guid.NewGuid(), Guid.NewGuid()];

        await bus.Publish(new TinyStart(jobId, Key(jobId)), Cancellation);
        await Polling.WaitUntilAsync(() => VersionIsAsync(dataSource, jobId, 1), Saved, "the job is created");
        await Task.WhenAll(changes.Select(id =>
            bus.Publish(new TinyChange(jobId, id, JobStep.Pre, 0.5, TimeSpan.FromMilliseconds(300)), Cancellation)));
        await Polling.WaitUntilAsync(() => VersionIsAsync(dataSource, jobId, 3), Saved, "both changes are saved");

        var state = await new JobReadStore(dataSource).GetAsync(jobId, Cancellation);
        Assert.NotNull(state);
        Assert.Equal(changes.Order(), state.SeenCommands.Order());
        // Both loaded version 1; one save lost, and its retry applied the change again on version 2.
        Assert.True(changes.Sum(id => TinyMachine.Attempts[id]) > changes.Length, "no change was retried: they did not overlap");
        var lines = await new JobLogStore(dataSource).ReadAsync(jobId, 0, 100, Cancellation);
        Assert.Equal(1 + 2 * changes.Length, lines.Count);
    }

    async Task<(NpgsqlDataSource, IBus)> StartBusAsync()
    {
        var dataSource = await database.DataSourceAsync();
        _provider = new ServiceCollection()
            .AddSingleton(dataSource)
            .AddMassTransitTestHarness(x =>
            {
                x.AddSagaStateMachine<TinyMachine, DeploymentJobState>((context, saga) =>
                    {
                        saga.UseMessageRetry(r => r.Immediate(10).Handle<ConcurrencyException>());
                        saga.UseInMemoryOutbox(context);
                        saga.ConcurrentMessageLimit = 8;
                    })
                    .PostgresRepository();
            })
            .BuildServiceProvider(true);
        var harness = _provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        return (dataSource, harness.Bus);
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
            await _provider.DisposeAsync();
    }

    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    static string Key(Guid jobId) => $"U.TEST-{jobId:N}";

    static async Task<bool> VersionIsAsync(NpgsqlDataSource dataSource, Guid jobId, int version)
    {
        await using var command = dataSource.CreateCommand("SELECT version FROM jobmonitor.jobs WHERE id = @id");
        command.Parameters.AddWithValue("id", jobId);
        return await command.ExecuteScalarAsync(Cancellation) is int stored && stored >= version;
    }

    static async Task<bool> ExistsAsync(NpgsqlDataSource dataSource, Guid jobId)
    {
        await using var command = dataSource.CreateCommand("SELECT 1 FROM jobmonitor.jobs WHERE id = @id");
        command.Parameters.AddWithValue("id", jobId);
        return await command.ExecuteScalarAsync(Cancellation) is not null;
    }
}
