using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace JobMonitor.IntegrationTests.Infrastructure;

/// <summary>Listens on the service's bus through a temporary queue and keeps every <typeparamref name="T"/> it hears.</summary>
public sealed class BusProbe<T> : IAsyncDisposable where T : class
{
    readonly ConcurrentQueue<T> _heard = new();
    readonly HostReceiveEndpointHandle _handle;

    internal BusProbe(IBus bus)
    {
        _handle = bus.ConnectReceiveEndpoint(e => e.Handler<T>(context =>
        {
            _heard.Enqueue(context.Message);
            return Task.CompletedTask;
        }));
    }

    internal Task Ready => _handle.Ready;

    public async Task<T> WaitForAsync(Func<T, bool> match, string what, TimeSpan? timeout = null)
    {
        T? found = default;
        await ServiceHostFixture.WaitUntilAsync(
            () => Task.FromResult((found = _heard.FirstOrDefault(match)) is not null),
            timeout ?? TimeSpan.FromSeconds(20), what);
        return found!;
    }

    public async ValueTask DisposeAsync() => await _handle.StopAsync();
}

public static class BusProbe
{
    public static async Task<BusProbe<T>> ListenAsync<T>(IServiceProvider services) where T : class
    {
        var probe = new BusProbe<T>(services.GetRequiredService<IBus>());
        await probe.Ready;
        return probe;
    }
}
