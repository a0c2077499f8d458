using System.Collections.Concurrent;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Persistence.Outbox;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JobMonitor.IntegrationTests.Messaging;

/// <summary>A message only these tests publish and hear.</summary>
public sealed record OutboxProbe
{
    public required Guid JobId { get; init; }
    public required int Number { get; init; }
}

/// <summary>
/// Outbox parts outside the service: a bus of their own on the test vhost that hears <see cref="OutboxProbe" />,
/// outbox rows written through <see cref="OutboxPublisher" />, and relays started and stopped at will.
/// </summary>
public sealed class RelayBench(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    readonly ConcurrentQueue<OutboxProbe> _heard = new();
    readonly List<IBusControl> _buses = [];
    readonly List<OutboxDelivery> _deliveries = [];
    IBusControl? _bus;

    public IReadOnlyCollection<OutboxProbe> Heard => _heard;

    /// <summary>The bus on the test vhost, listening on a temporary queue bound to <see cref="OutboxProbe" />.</summary>
    public async Task<IBusControl> BusAsync()
    {
        if (_bus is not null)
            return _bus;
        _bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestServices.RabbitMq);
            cfg.ReceiveEndpoint(new TemporaryEndpointDefinition(), e =>
            {
                // One at a time: the order heard is the order on the queue.
                e.ConcurrentMessageLimit = 1;
                e.Handler<OutboxProbe>(context =>
                {
                    _heard.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
            });
        });
        await StartAsync(_bus);
        return _bus;
    }

    /// <summary>
    /// A bus for the test broker and vhost reached through a closed port: every publish fails (not started: it would
    /// never connect).
    /// </summary>
    public static IBus UnreachableBus() =>
        Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(new UriBuilder(TestServices.RabbitMq) { Port = 1 }.Uri));

    /// <summary>Writes <paramref name="messages" /> as outbox rows in one transaction, committed or rolled back.</summary>
    public Task WriteAsync(bool commit, params OutboxProbe[] messages) => WriteAsync(commit, null, messages);

    /// <summary>The same, sent by <paramref name="delivery" /> once committed (when it can).</summary>
    public async Task WriteAsync(bool commit, OutboxDelivery? delivery, params OutboxProbe[] messages)
    {
        var publisher = new OutboxPublisher(await BusAsync(), new ServiceCollection().BuildServiceProvider());
        await using var transaction = await JobSagaTransaction.BeginAsync(dataSource, delivery, TestContext.Current.CancellationToken);
        foreach (var message in messages)
            await publisher.PublishAsync(transaction, message, typeof(OutboxProbe), TestContext.Current.CancellationToken);
        if (commit)
            await transaction.CommitAsync();
    }

    public async Task<long> RowsOfAsync(Guid jobId)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM jobmonitor.outbox_messages WHERE job_id = @job_id");
        command.Parameters.AddWithValue("job_id", jobId);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Rows of <paramref name="jobId" /> put aside with a back-off (tried and failed, or not to be tried before later).</summary>
    public async Task<long> PutAsideOfAsync(Guid jobId)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FROM jobmonitor.outbox_messages WHERE job_id = @job_id AND (attempts > 0 OR not_before > now())");
        command.Parameters.AddWithValue("job_id", jobId);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public static OutboxRelay Relay(NpgsqlDataSource dataSource, IBus bus, ILogger<OutboxRelay> logger) =>
        new(dataSource, bus, Options.Create(new OutboxOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(200),
            DeliveryTimeout = TimeSpan.FromSeconds(1),
            MaxBackoff = TimeSpan.FromMilliseconds(500),
        }), TimeProvider.System, logger);

    /// <summary>
    /// A delivery after commit through <paramref name="bus" />, whose rows the relay leaves alone for
    /// <paramref name="hold" />, running (it deletes the rows sent) until the bench is disposed.
    /// </summary>
    public async Task<OutboxDelivery> DeliveryAsync(IBus bus, TimeSpan hold)
    {
        var delivery = new OutboxDelivery(dataSource, bus, Options.Create(new OutboxOptions { CommitSendHold = hold }), TimeProvider.System,
            NullLogger<OutboxDelivery>.Instance);
        await delivery.StartAsync(TestContext.Current.CancellationToken);
        _deliveries.Add(delivery);
        return delivery;
    }

    async Task StartAsync(IBusControl bus)
    {
        _buses.Add(bus);
        await bus.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var delivery in _deliveries)
        {
            await delivery.StopAsync(CancellationToken.None);
            delivery.Dispose();
        }
        foreach (var bus in _buses)
            await bus.StopAsync(CancellationToken.None);
    }
}

/// <summary>Counts the warnings a component logs (a relay's failed rounds).</summary>
public sealed class WarningCounter<T> : ILogger<T>
{
    int _warnings;

    public int Warnings => Volatile.Read(ref _warnings);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Warning)
            Interlocked.Increment(ref _warnings);
    }
}
