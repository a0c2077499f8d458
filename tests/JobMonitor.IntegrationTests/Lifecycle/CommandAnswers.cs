using System.Collections.Concurrent;
using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Infrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace JobMonitor.IntegrationTests.Lifecycle;

/// <summary>Hears the service's answers to commands (accepted, duplicate or rejected) through one temporary queue.</summary>
public sealed class CommandAnswers : IAsyncDisposable
{
    readonly ConcurrentQueue<object> _heard = new();
    readonly HostReceiveEndpointHandle _handle;

    CommandAnswers(IBus bus)
    {
        _handle = bus.ConnectReceiveEndpoint(e =>
        {
            e.Handler<JobCommandAccepted>(context => Keep(context.Message));
            e.Handler<JobCommandRejected>(context => Keep(context.Message));
        });
    }

    public static async Task<CommandAnswers> ListenAsync(IServiceProvider services)
    {
        var answers = new CommandAnswers(services.GetRequiredService<IBus>());
        await answers._handle.Ready;
        return answers;
    }

    /// <summary>Every answer heard, in arrival order.</summary>
    public IReadOnlyList<object> Heard => _heard.ToList();

    /// <summary>Every answer heard for the command, in arrival order.</summary>
    public IReadOnlyList<object> For(Guid commandId) => _heard.Where(a => a switch
    {
        JobCommandAccepted accepted => accepted.CommandId == commandId,
        JobCommandRejected rejected => rejected.CommandId == commandId,
        _ => false,
    }).ToList();

    /// <summary>Waits until <paramref name="count"/> answers to the command were heard; returns them.</summary>
    public async Task<IReadOnlyList<object>> WaitForAsync(Guid commandId, int count = 1)
    {
        await ServiceHostFixture.WaitUntilAsync(() => Task.FromResult(For(commandId).Count >= count),
            TimeSpan.FromSeconds(20), $"{count} answer(s) to command {commandId}");
        return For(commandId);
    }

    public async Task<JobCommandRejected> RejectionOfAsync(Guid commandId) =>
        Assert.IsType<JobCommandRejected>(Assert.Single(await WaitForAsync(commandId)));

    public async ValueTask DisposeAsync() => await _handle.StopAsync();

    Task Keep(object message)
    {
        _heard.Enqueue(message);
        return Task.CompletedTask;
    }
}
