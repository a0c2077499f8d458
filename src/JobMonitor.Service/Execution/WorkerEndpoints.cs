using MassTransit;

namespace JobMonitor.Service.Execution;

/// <summary>
/// Hands run-job-step's endpoint to the <see cref="StepRunner"/> when it is ready, so that a shutdown can stop it before
/// draining. The endpoint is configured with the bus, like every other: the bus restarts such endpoints after a broker
/// restart, while endpoints connected after its start were seen not to come back. The runner is resolved here, not
/// injected: the bus resolves its observers while it is created, and the runner's own dependencies reach the bus.
/// </summary>
public sealed class WorkerEndpoints(IServiceProvider services) : IReceiveEndpointObserver
{
    public Task Ready(ReceiveEndpointReady ready)
    {
        if (IsRunJobStep(ready.InputAddress))
            services.GetRequiredService<StepRunner>().EndpointReady(ready.ReceiveEndpoint);
        return Task.CompletedTask;
    }

    static bool IsRunJobStep(Uri inputAddress) =>
        inputAddress.AbsolutePath.EndsWith("/" + RunJobStepConsumerDefinition.QueueName, StringComparison.Ordinal);

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;
    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;
    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
