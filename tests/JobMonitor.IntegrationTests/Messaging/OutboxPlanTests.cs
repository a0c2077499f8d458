using JobMonitor.IntegrationTests.Persistence;
using JobMonitor.Service.Persistence.Outbox;
using Npgsql;
using Xunit;

namespace JobMonitor.IntegrationTests.Messaging;

/// <summary>
/// The outbox's statements as the service runs them: prepared on a connection (Npgsql's auto-prepare), so PostgreSQL
/// may plan them once for any parameters and keep that plan. Such a plan must not scan the whole outbox for what an
/// index finds at once.
/// </summary>
public sealed class OutboxPlanTests
{
    const string Backlog = """
        INSERT INTO jobmonitor.outbox_messages (broker, job_id, message_id, destination, message_type, content_type, body, sent_time, not_before)
        SELECT 'rabbitmq://elsewhere/', gen_random_uuid(), gen_random_uuid(), 'rabbitmq://elsewhere/queue', 'urn:message:Backlog',
               'application/vnd.masstransit+json', repeat('x', 1000), now(), now() + interval '1 hour'
        FROM generate_series(1, 20000)
        """;

    [Fact]
    public async Task A_prepared_write_finds_its_jobs_waiting_rows_without_scanning_the_backlog_behind_them()
    {
        await using var database = new MigratedDatabase();
        // One connection, preparing as the service's does: every write below runs on it.
        var connectionString = new NpgsqlConnectionStringBuilder(await database.ConnectionStringAsync()) { MaxAutoPrepare = 64, MaxPoolSize = 1 };
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var bench = new RelayBench(dataSource);
        // The service's writers send their rows themselves after the commit; that is when the statement looks for the
        // job's rows waiting for the relay. The delivery deletes the rows it sent on a pool of its own.
        await using var deleting = new RelayBench(await database.DataSourceAsync());
        var delivery = await deleting.DeliveryAsync(await bench.BusAsync(), TimeSpan.FromMinutes(1));

        // A backlog, as after a broker outage, or rows sent but not yet vacuumed away; then enough writes that
        // PostgreSQL settles on a plan for their statements.
        await ExecuteAsync(dataSource, Backlog);
        for (var n = 1; n <= 20; n++)
            await WriteAsync(bench, delivery);

        var before = await SequentialScansAsync(dataSource);
        for (var n = 1; n <= 5; n++)
            await WriteAsync(bench, delivery);
        Assert.Equal(before, await SequentialScansAsync(dataSource));
    }

    /// <summary>A transaction's messages as a job's step sends them: a few, of one job.</summary>
    static Task WriteAsync(RelayBench bench, OutboxDelivery delivery)
    {
        var job = Guid.NewGuid();
        return bench.WriteAsync(commit: true, delivery, [.. Enumerable.Range(1, 5).Select(n => new OutboxProbe { JobId = job, Number = n })]);
    }

    /// <summary>Sequential scans of the outbox so far, this connection's included (its statistics flushed first).</summary>
    static async Task<long> SequentialScansAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using (var flush = new NpgsqlCommand("SELECT pg_stat_force_next_flush()", connection))
            await flush.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        await using var count = new NpgsqlCommand(
            "SELECT seq_scan FROM pg_stat_user_tables WHERE relid = 'jobmonitor.outbox_messages'::regclass", connection);
        return (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
