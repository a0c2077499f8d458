using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution.Liveness;

public static class LivenessExtensions
{
    /// <summary>The abend detector. Needs NpgsqlDataSource, the bus and the execution options.</summary>
    public static void AddLiveness(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AbendOptions>()
            .BindConfiguration(AbendOptions.Section)
            .Validate(o => o.SweepInterval > TimeSpan.Zero, "Execution:Abend:SweepInterval must be positive")
            .Validate<IOptions<ExecutionOptions>>(
                (abend, execution) => abend.Threshold > 2 * execution.Value.HeartbeatInterval,
                "Execution:Abend:Threshold must exceed twice Execution:HeartbeatInterval: one late heartbeat is no abend")
            .Validate<IOptions<ExecutionOptions>>(
                (abend, execution) => abend.Threshold > execution.Value.HeartbeatInterval + 2 * abend.SweepInterval,
                "Execution:Abend:Threshold must exceed Execution:HeartbeatInterval plus twice Execution:Abend:SweepInterval")
            .ValidateOnStart();

        builder.Services.AddSingleton<AbandonedStepRuns>();
        builder.Services.AddSingleton<AbendDetector>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AbendDetector>());
    }

    /// <summary>
    /// The cancel consumer on a queue of this instance alone (temporary: deleted when the instance goes), so that a
    /// cancel reaches every instance rather than one of the competing consumers of a shared queue.
    /// </summary>
    public static void AddLivenessConsumers(this IBusRegistrationConfigurator bus)
    {
        var instance = NewId.Next().ToString("N");
        bus.AddConsumer<StepRunCanceledConsumer>().Endpoint(e =>
        {
            e.InstanceId = instance;
            e.Temporary = true;
        });
    }
}
