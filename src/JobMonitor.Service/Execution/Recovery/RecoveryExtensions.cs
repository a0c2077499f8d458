namespace JobMonitor.Service.Execution.Recovery;

public static class RecoveryExtensions
{
    /// <summary>The reconciler. Needs NpgsqlDataSource and the bus.</summary>
    public static void AddRecovery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReconcilerOptions>()
            .BindConfiguration(ReconcilerOptions.Section)
            .Validate(o => o.Interval > TimeSpan.Zero, "Execution:Reconciler:Interval must be positive")
            .Validate(o => o.Grace > TimeSpan.Zero, "Execution:Reconciler:Grace must be positive")
            .Validate(o => o.BatchSize > 0, "Execution:Reconciler:BatchSize must be positive")
            .ValidateOnStart();
        builder.Services.AddSingleton<OverdueJobs>();
        builder.Services.AddSingleton<JobReconciler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JobReconciler>());
    }
}
