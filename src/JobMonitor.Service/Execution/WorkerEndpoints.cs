using MassTransit;

namespace JobMonitor.Service.Execution;

/// <summary>
/// Connects the <see cref="StepRunner"/>'s endpoints when the bus has started and is ready. A hosted service cannot:
/// the bus starts in the background, and an endpoint connected while it starts can fault the start ("Collection was
/// modified"), leaving an instance that never consumes. The runner is resolved here, not injected: the bus resolves its
/// observers while it is created, and the runner's own dependencies reach the bus.
/// </summary>
public sealed class WorkerEndpoints(IServiceProvider services) : IBusObserver
{
    public Task PostStart(IBus bus, Task<BusReady> busReady)
    {
        services.GetRequiredService<StepRunner>().ConnectEndpoints();
        return Task.CompletedTask;
    }

    public void PostCreate(IBus bus)
    {
    }

    public void CreateFaulted(Exception exception)
    {
    }

    public Task PreStart(IBus bus) => Task.CompletedTask;
    public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;
    public Task PreStop(IBus bus) => Task.CompletedTask;
    public Task PostStop(IBus bus) => Task.CompletedTask;
    public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;
}
