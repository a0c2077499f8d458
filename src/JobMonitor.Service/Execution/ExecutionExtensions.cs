using MassTransit;

namespace JobMonitor.Service.Execution;

public static class ExecutionExtensions
{
    public static void AddExecution(this IHostApplicationBuilder builder)
    {
        // TODO(execution): options, op kinds, step runner.
        _ = builder;
    }

    public static void AddStepWorkers(this IBusRegistrationConfigurator bus)
    {
        // TODO(execution): RunJobStep consumer, claim request client.
        _ = bus;
    }
}
