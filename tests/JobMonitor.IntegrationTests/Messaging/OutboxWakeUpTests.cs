using JobMonitor.IntegrationTests.Persistence;
using JobMonitor.Service.Persistence.Outbox;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace JobMonitor.IntegrationTests.Messaging;

/// <summary>
/// The service's pool does not reset a connection that comes back to it, so the relay's LISTEN must not outlive the
/// relay's use of its connection: the next borrower would get the relay's notifications.
/// </summary>
public sealed class OutboxWakeUpTests
{
    [Fact]
    public async Task The_relays_connection_goes_back_to_the_pool_listening_to_nothing()
    {
        await using var database = new MigratedDatabase();
        var connectionString = await database.ConnectionStringAsync();
        // One connection in the pool, never reset: whatever the relay leaves on it, the next borrower gets.
        await using var pool = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 1, NoResetOnClose = true });
        await using var notifier = NpgsqlDataSource.Create(connectionString);

        var wakeUp = new OutboxWakeUp(pool, NullLogger.Instance);
        // Woken by a commit's notification, so it did listen on the pool's connection.
        var waiting = wakeUp.WaitAsync(TimeSpan.FromMinutes(1), Cancellation);
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation))
        {
            deadline.CancelAfter(TimeSpan.FromSeconds(30));
            while (!waiting.IsCompleted)
            {
                await using (var notify = notifier.CreateCommand($"SELECT pg_notify('{OutboxTable.Channel}', '')"))
                    await notify.ExecuteNonQueryAsync(deadline.Token);
                await Task.WhenAny(waiting, Task.Delay(100, deadline.Token));
            }
        }
        await waiting;
        await wakeUp.DisposeAsync();

        await using var connection = await pool.OpenConnectionAsync(Cancellation);
        await using var channels = new NpgsqlCommand("SELECT count(*) FROM pg_listening_channels()", connection);
        Assert.Equal(0L, await channels.ExecuteScalarAsync(Cancellation));
    }

    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
}
