using System.Net;
using JobMonitor.Service.Execution.Dispatch;
using JobMonitor.Service.Execution.Liveness;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Execution.Recovery;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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
            .Validate(o => o.DrainTimeout >= TimeSpan.Zero, "Execution:DrainTimeout must not be negative")
            .Validate(o => !string.IsNullOrWhiteSpace(o.WorkerName), "Execution:WorkerName must not be empty")
            .Validate(o => o.Scripts.Values.All(s => !string.IsNullOrWhiteSpace(s.Path)), "Every Execution:Scripts:<name> needs a Path")
            .Validate(o => o.Scripts.Values.All(s => ScopesParse(s.Scopes)), "Every Execution:Scripts:<name>:Scopes entry must be project/environment")
            .Validate(o => o.Scripts.Values.All(s => s.AllowedEnv.All(e => e == "*" || !ScriptEnvironment.IsDenied(e.TrimEnd('*')))),
                "Execution:Scripts:<name>:AllowedEnv names a variable that a job may never set (loader, shell or interpreter start-up)")
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServiceSecrets>();
        builder.Services.AddSingleton<ExecutionLedger>();
        builder.Services.AddSingleton<StepRunLeases>();
        builder.Services.AddSingleton<IOpKind, LogOpKind>();
        builder.Services.AddSingleton<IOpKind, DelayOpKind>();
        builder.Services.AddSingleton<IOpKind, ScriptOpKind>();
        builder.Services.AddSingleton<IOpKind, ApprovalOpKind>();
        builder.AddHttpOps();
        builder.AddDispatchOps();
        builder.Services.AddSingleton<OpKinds>();
        builder.Services.AddSingleton<OpRunner>();
        builder.Services.AddSingleton<LeaseHeartbeat>();
        builder.Services.AddSingleton<StepRunExecutor>();
        builder.Services.AddSingleton<StepRunner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StepRunner>());
        builder.Services.AddReceiveEndpointObserver<WorkerEndpoints>();
        // The host must wait for the drain, and then for the bus to stop.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ExecutionOptions>>((host, execution) =>
        {
            var needed = execution.Value.DrainTimeout + ShutdownAfterDrain;
            if (host.ShutdownTimeout < needed)
                host.ShutdownTimeout = needed;
        });
        builder.AddLiveness();
        builder.AddRecovery();
    }

    static readonly TimeSpan ShutdownAfterDrain = TimeSpan.FromSeconds(30);

    static void AddHttpOps(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HttpOpOptions>()
            .BindConfiguration(HttpOpOptions.Section)
            .Validate(o => o.AllowedBaseUrls.Concat(o.ScopedBaseUrls.Select(s => s.Url)).All(u => UrlAllowList.TryParseBase(u, out _)),
                "Every Execution:Http:AllowedBaseUrls and ScopedBaseUrls entry must be an absolute http(s) URL without user info, query or fragment")
            .Validate(o => o.ScopedBaseUrls.All(s => s.Scopes.Count > 0 && ScopesParse(s.Scopes)),
                "Every Execution:Http:ScopedBaseUrls entry needs Scopes of the form project/environment")
            .Validate(o => o.MaxResponseBytes >= 0, "Execution:Http:MaxResponseBytes must not be negative")
            .Validate(o => o.DefaultTimeout > TimeSpan.Zero, "Execution:Http:DefaultTimeout must be positive")
            .ValidateOnStart();
        builder.Services.AddHttpClient(HttpOpOptions.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            // A redirect could lead outside the allow-list; the op's own time-out replaces the client's.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.All });
        builder.Services.AddSingleton<IOpKind, HttpOpKind>();
    }

    static void AddDispatchOps(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DispatchOptions>()
            .BindConfiguration(DispatchOptions.Section)
            .Validate(o => o.DefaultTimeout > TimeSpan.Zero, "Execution:Dispatch:DefaultTimeout must be positive")
            .Validate(o => o.QueueScopes.Values.All(ScopesParse), "Every Execution:Dispatch:QueueScopes:<queue> entry must be project/environment")
            .ValidateOnStart();
        builder.Services.AddSingleton<PendingDispatches>();
        builder.Services.AddSingleton<IOpKind, DispatchOpKind>();
    }

    static bool ScopesParse(IEnumerable<string> scopes)
    {
        try
        {
            ScopeList.Parse(scopes);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The run-job-step consumer (the <see cref="StepRunner"/> stops its endpoint first on shutdown), cancels and agent answers.</summary>
    public static void AddStepWorkers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RunJobStepConsumer, RunJobStepConsumerDefinition>();
        bus.AddLivenessConsumers();
        bus.AddConsumer<AgentOpListener, AgentOpListenerDefinition>();
    }
}
