using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace JobMonitor.IntegrationTests.Infrastructure;

/// <summary>Listens on the service's bus through a temporary queue and keeps every <typeparamref name="T"/> it hears.</summary>
public sealed class BusProbe<T> : IAsyncDisposable where T : class
{
    readonly ConcurrentQueue<T> _heard = new();
    HostReceiveEndpointHandle? _handle;

    public static async Task<BusProbe<T>> ListenAsync(IServiceProvider services)
    {
        var probe = new BusProbe<T>();
        var bus = services.GetRequiredService<IBus>();
        probe._handle = bus.ConnectReceiveEndpoint(e => e.Handler<T>(context =>
        {
            probe._heard.Enqueue(context.Message);
            return Task.CompletedTask;
        }));
        await probe._handle.Ready;
        return probe;
    }

    public async Task<T> WaitForAsync(Func<T, bool> match, string what, TimeSpan? timeout = null)
    {
        T? found = default;
        await ServiceHostFixture.WaitUntilAsync(
            () => Task.FromResult((found = _heard.FirstOrDefault(match)) is not null),
            timeout ?? TimeSpan.FromSeconds(20), what);
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_handle is not null)
            await _handle.StopAsync();
    }
}
