using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Persistence;
using JobMonitor.Service.Persistence.Outbox;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace JobMonitor.IntegrationTests.Messaging;

/// <summary>The outbox and its relay on a database of their own, against the real broker (and a closed port).</summary>
public sealed class OutboxTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_message_sent_in_a_rolled_back_transaction_never_leaves_and_a_committed_one_is_delivered_and_deleted()
    {
        var dataSource = await database.DataSourceAsync();
        await using var bench = new RelayBench(dataSource);
        var rolledBack = new OutboxProbe { JobId = Guid.NewGuid(), Number = 1 };
        var committed = new OutboxProbe { JobId = Guid.NewGuid(), Number = 2 };
        await bench.WriteAsync(commit: false, rolledBack);
        await bench.WriteAsync(commit: true, committed);
        Assert.Equal((0, 1), (await bench.RowsOfAsync(rolledBack.JobId), await bench.RowsOfAsync(committed.JobId)));

        var relay = RelayBench.Relay(dataSource, await bench.BusAsync(), NullLogger<OutboxRelay>.Instance);
        await relay.StartAsync(Cancellation);
        try
        {
            await ServiceHostFixture.WaitUntilAsync(async () => bench.Heard.Contains(committed) && await bench.RowsOfAsync(committed.JobId) == 0,
                Patience, "the committed message to be delivered and its row deleted");
        }
        finally
        {
            await relay.StopAsync(CancellationToken.None);
        }
        Assert.DoesNotContain(rolledBack, bench.Heard);
    }

    [Fact]
    public async Task Rows_a_relay_cannot_publish_stay_as_they_were_and_go_out_in_order_once_a_relay_reaches_the_broker()
    {
        var dataSource = await database.DataSourceAsync();
        await using var bench = new RelayBench(dataSource);
        var job = Guid.NewGuid();
        var messages = Enumerable.Range(1, 5).Select(n => new OutboxProbe { JobId = job, Number = n }).ToArray();
        await bench.WriteAsync(commit: true, messages);

        var failures = new WarningCounter<OutboxRelay>();
        var cutOff = RelayBench.Relay(dataSource, RelayBench.UnreachableBus(), failures);
        await cutOff.StartAsync(Cancellation);
        try
        {
            await ServiceHostFixture.WaitUntilAsync(() => Task.FromResult(failures.Warnings >= 3), Patience,
                "the relay without a broker to fail three rounds");
            Assert.Equal(messages.Length, await bench.RowsOfAsync(job));
            // The broker was away, not these rows: none is put aside, so none waits out a back-off once it is back.
            Assert.Equal(0, await bench.PutAsideOfAsync(job));
        }
        finally
        {
            await cutOff.StopAsync(CancellationToken.None);
        }

        var relay = RelayBench.Relay(dataSource, await bench.BusAsync(), NullLogger<OutboxRelay>.Instance);
        await relay.StartAsync(Cancellation);
        try
        {
            await ServiceHostFixture.WaitUntilAsync(async () => await bench.RowsOfAsync(job) == 0 && bench.Heard.Count(m => m.JobId == job) >= messages.Length,
                Patience, "the rows to be delivered once the broker is reachable");
        }
        finally
        {
            await relay.StopAsync(CancellationToken.None);
        }
        Assert.Equal([1, 2, 3, 4, 5], bench.Heard.Where(m => m.JobId == job).Select(m => m.Number));
    }

    [Fact]
    public async Task A_transaction_with_a_delivery_sends_its_messages_once_committed_with_no_relay_running()
    {
        var dataSource = await database.DataSourceAsync();
        await using var bench = new RelayBench(dataSource);
        var job = Guid.NewGuid();
        var messages = Enumerable.Range(1, 3).Select(n => new OutboxProbe { JobId = job, Number = n }).ToArray();

        await bench.WriteAsync(commit: true, await bench.DeliveryAsync(await bench.BusAsync(), TimeSpan.FromMinutes(1)), messages);

        // Sent by the commit itself and deleted right after; the relay would not take the rows for a minute.
        await ServiceHostFixture.WaitUntilAsync(async () => bench.Heard.Count(m => m.JobId == job) == messages.Length
            && await bench.RowsOfAsync(job) == 0, Patience, "the committed messages to be heard and their rows deleted");
        Assert.Equal([1, 2, 3], bench.Heard.Where(m => m.JobId == job).Select(m => m.Number));
    }

    [Fact]
    public async Task Rows_a_delivery_cannot_send_go_to_the_relay_and_a_later_transaction_of_their_job_waits_behind_them()
    {
        var dataSource = await database.DataSourceAsync();
        await using var bench = new RelayBench(dataSource);
        var job = Guid.NewGuid();
        OutboxProbe[] first = [new() { JobId = job, Number = 1 }, new() { JobId = job, Number = 2 }];
        OutboxProbe[] second = [new() { JobId = job, Number = 3 }, new() { JobId = job, Number = 4 }];

        await bench.WriteAsync(commit: true, await bench.DeliveryAsync(RelayBench.UnreachableBus(), TimeSpan.FromSeconds(2)), first);
        Assert.Equal(2, await bench.RowsOfAsync(job));
        // The broker is reachable now, but rows 1 and 2 wait for the relay: 3 and 4 must not overtake them.
        await bench.WriteAsync(commit: true, await bench.DeliveryAsync(await bench.BusAsync(), TimeSpan.FromMinutes(1)), second);
        Assert.Equal(4, await bench.RowsOfAsync(job));
        Assert.DoesNotContain(bench.Heard, m => m.JobId == job);

        var relay = RelayBench.Relay(dataSource, await bench.BusAsync(), NullLogger<OutboxRelay>.Instance);
        await relay.StartAsync(Cancellation);
        try
        {
            await ServiceHostFixture.WaitUntilAsync(async () => await bench.RowsOfAsync(job) == 0 && bench.Heard.Count(m => m.JobId == job) >= 4,
                Patience, "the relay to send the rows of both transactions");
        }
        finally
        {
            await relay.StopAsync(CancellationToken.None);
        }
        Assert.Equal([1, 2, 3, 4], bench.Heard.Where(m => m.JobId == job).Select(m => m.Number));
    }

    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
}
