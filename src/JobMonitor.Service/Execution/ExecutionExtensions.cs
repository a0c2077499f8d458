using JobMonitor.Service.Execution.Liveness;
using JobMonitor.Service.Execution.Ops;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JobMonitor.Service.Execution;

public static class ExecutionExtensions
{
    /// <summary>Options, op kinds and the step runner. Needs NpgsqlDataSource and IJobLogWriter (persistence).</summary>
    public static void AddExecution(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExecutionOptions>()
            .BindConfiguration(ExecutionOptions.Section)
            .Validate(o => o.MaxConcurrentSteps > 0, "Execution:MaxConcurrentSteps must be at least 1")
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero, "Execution:HeartbeatInterval must be positive")
            .Validate(o => !string.IsNullOrWhiteSpace(o.WorkerName), "Execution:WorkerName must not be empty")
            .Validate(o => o.Scripts.Values.All(s => !string.IsNullOrWhiteSpace(s.Path)), "Every Execution:Scripts:<name> needs a Path")
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ExecutionLedger>();
        builder.Services.AddSingleton<IOpKind, LogOpKind>();
        builder.Services.AddSingleton<IOpKind, DelayOpKind>();
        builder.Services.AddSingleton<IOpKind, ScriptOpKind>();
        builder.Services.AddSingleton<OpKinds>();
        builder.Services.AddSingleton<StepRunExecutor>();
        builder.Services.AddSingleton<StepRunner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StepRunner>());
        builder.AddLiveness();
    }

    /// <summary>The run-job-step consumer and its claim request to the saga.</summary>
    public static void AddStepWorkers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RunJobStepConsumer, RunJobStepConsumerDefinition>();
        bus.AddRequestClient<ClaimStepRun>();
        bus.AddLivenessConsumers();
    }
}
