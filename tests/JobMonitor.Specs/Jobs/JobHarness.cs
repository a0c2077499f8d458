using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Jobs.Natures;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;
using JobMonitor.Specs.Security;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace JobMonitor.Specs.Jobs;

/// <summary>
/// The job saga and CHECK on MassTransit's in-memory harness, with a fake clock and a scripted worker that claims
/// each step run and reports its ops (ops named "failing…" fail). No broker, no database.
/// </summary>
public sealed class JobHarness : IAsyncDisposable
{
    readonly ServiceProvider _provider;

    JobHarness(ServiceProvider provider, FakeTimeProvider clock)
    {
        _provider = provider;
        Clock = clock;
        Bus = provider.GetRequiredService<ITestHarness>();
        Saga = Bus.GetSagaStateMachineHarness<DeploymentJobStateMachine, DeploymentJobState>();
        Machine = provider.GetRequiredService<DeploymentJobStateMachine>();
    }

    public static DateTimeOffset Start { get; } = new(2026, 12, 1, 21, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; }
    public ITestHarness Bus { get; }
    public ISagaStateMachineTestHarness<DeploymentJobStateMachine, DeploymentJobState> Saga { get; }
    public DeploymentJobStateMachine Machine { get; }

    public static async Task<JobHarness> StartAsync()
    {
        var clock = new FakeTimeProvider(Start);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Execution:Scripts:deploy:Path"] = "/bin/true" })
            .AddInMemoryCollection(SpecUsers.Settings())
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton<IJobKeyAllocator, CountingKeyAllocator>()
            .AddSingleton<ICommandLedger, NothingRecorded>()
            .AddSingleton<JobDefinitionValidator>()
            .AddSingleton<OpeningOrder>()
            .AddNatures()
            .AddJobAccess();
        services.AddOptions<JobOptions>();
        services.AddLogging();
        services.AddMassTransitTestHarness(x =>
        {
            x.AddConsumer<CreateJobConsumer>();
            x.AddConsumer<ScriptedWorker>();
            x.AddSagaStateMachine<DeploymentJobStateMachine, DeploymentJobState>().InMemoryRepository();
        });
        var harness = new JobHarness(services.BuildServiceProvider(true), clock);
        await harness.Bus.Start();
        return harness;
    }

    public static CreateJob Create(Action<PipelineBuilder>? pipeline = null, DateTimeOffset? scheduledAt = null, DateTimeOffset? maxStartAt = null)
    {
        var builder = new PipelineBuilder();
        (pipeline ?? (p => p.Pre("build").Run("deploy").Post("notify")))(builder);
        return new CreateJob
        {
            JobId = Guid.NewGuid(),
            CommandId = Guid.NewGuid(),
            RequestedBy = SpecUsers.Pipeline,
            Name = "shop-web 2.4.1",
            Project = "shop",
            Environment = "PROD",
            Pipeline = builder.Build(),
            ScheduledAt = scheduledAt?.ToString("O"),
            MaxStartAt = maxStartAt?.ToString("O"),
        };
    }

    public async Task<DeploymentJobState> WaitForAsync(Guid jobId, Func<DeploymentJobStateMachine, State> state)
    {
        var found = await Saga.Exists(jobId, state);
        Assert.True(found.HasValue, $"job {jobId} did not reach {state(Machine).Name}; it is {Instance(jobId)?.CurrentState ?? "absent"}");
        return Instance(jobId)!;
    }

    /// <summary>Waits for a condition the state name alone does not tell (e.g. Ready at the RUN gate).</summary>
    public async Task<DeploymentJobState> WaitUntilAsync(Guid jobId, Func<DeploymentJobState, bool> condition, string what)
    {
        DeploymentJobState? job = null;
        await Polling.WaitUntilAsync(() => Task.FromResult((job = Instance(jobId)) is { } found && condition(found)),
            Patience, () => $"job {jobId} {what}; it is {Instance(jobId)?.CurrentState ?? "absent"}", every: Pace);
        return job!;
    }

    /// <summary>How long, and how often, the specs look at the in-memory harness.</summary>
    internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    internal static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(10);

    public DeploymentJobState? Instance(Guid jobId) => Saga.Sagas.Contains(jobId);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    /// <summary>No database here: no command id was applied before the harness, and no job was deleted.</summary>
    sealed class NothingRecorded : ICommandLedger
    {
        public Task<(AppliedCommand? Applied, bool JobDeleted, int? Version)> LookUpAsync(Guid commandId, Guid jobId, CancellationToken cancellationToken) =>
            Task.FromResult<(AppliedCommand?, bool, int?)>((null, false, null));
    }

    sealed class CountingKeyAllocator : IJobKeyAllocator
    {
        int _next;

        public Task<string> NextAsync(JobType type, string environment, CancellationToken cancellationToken) =>
            Task.FromResult($"{type.ToString()[0]}.{environment.ToUpperInvariant()}-{Interlocked.Increment(ref _next):D8}");
    }
}

public sealed class PipelineBuilder
{
    readonly List<OpSpec> _pre = [], _run = [], _post = [], _rollbackRun = [];

    public PipelineBuilder Pre(params string[] names) => Add(_pre, names);
    public PipelineBuilder Run(params string[] names) => Add(_run, names);
    public PipelineBuilder Post(params string[] names) => Add(_post, names);
    public PipelineBuilder RollbackRun(params string[] names) => Add(_rollbackRun, names);

    /// <summary>An approval op in PRE: the job waits for approval once PRE ends.</summary>
    public PipelineBuilder Approval(params string[] approvers)
    {
        _pre.Add(new OpSpec { Name = "ask", Kind = "approval", Params = new OpParams { Approvers = approvers } });
        return this;
    }

    /// <summary>A RUN op with onError trap (named "trap…" so the scripted worker fails it).</summary>
    public PipelineBuilder TrappedRun(string name, string? timeout = null, string? timeoutAction = null)
    {
        _run.Add(new OpSpec { Name = name, Kind = "log", Params = new OpParams { Message = name }, OnError = "trap", TrapTimeout = timeout, TrapTimeoutAction = timeoutAction });
        return this;
    }

    /// <summary>A RUN op that fails after touching the target, so its rollback ops run.</summary>
    public PipelineBuilder FailingRunNeedingRollback(string name)
    {
        _run.Add(new OpSpec { Name = name, Kind = "log", Params = new OpParams { Message = name }, NeedsRollback = true });
        return this;
    }

    public PipelineSpec Build() => new() { Pre = _pre, Run = _run, Post = _post, Rollback = new RollbackSpec { Run = _rollbackRun } };

    PipelineBuilder Add(List<OpSpec> ops, string[] names)
    {
        ops.AddRange(names.Select(n => new OpSpec { Name = n, Kind = "log", Params = new OpParams { Message = n } }));
        return this;
    }
}

/// <summary>
/// Stands in for the step workers: tells the saga it started the step like they do, then reports every op from the step run's
/// first op. Ops named "failing…" fail, "trap…" fail into a trap (onError trap), "hold…" never end (the job stays
/// Running, or in Rollback); a step whose first op is named "lost…" never reaches a worker (a lost dispatch), one
/// whose first op is named "quiet…" has its start message lost (the result alone reaches the saga).
/// </summary>
public sealed class ScriptedWorker(TimeProvider clock) : IConsumer<RunJobStep>
{
    // The first dispatch of a "lost…" step run is dropped; a second one (a re-drive) is run.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, byte> Dropped = new();

    public async Task Consume(ConsumeContext<RunJobStep> context)
    {
        var step = context.Message;
        if (step.Ops[step.FirstOp].Name.StartsWith("lost", StringComparison.Ordinal) && Dropped.TryAdd(step.StepRunId, 0))
            return;
        if (!step.Ops[step.FirstOp].Name.StartsWith("quiet", StringComparison.Ordinal))
            await context.Publish(new StepRunStarted { JobId = step.JobId, StepRunId = step.StepRunId, Worker = "scripted" });

        var now = clock.GetUtcNow();
        var results = new List<OpResult>();
        int? trapped = null;
        foreach (var (op, i) in step.Ops.Select((op, i) => (op, i)).Skip(step.FirstOp))
        {
            if (op.Name.StartsWith("hold", StringComparison.Ordinal))
                return;
            var fails = op.Name.StartsWith("failing", StringComparison.Ordinal) || op.Name.StartsWith("trap", StringComparison.Ordinal);
            var outcome = !fails ? "success" : op.OnError == OpErrorPolicy.Trap ? "trapped" : "error";
            results.Add(new OpResult { Index = i, Name = op.Name, Outcome = outcome, StartedAt = now, EndedAt = now, Error = fails ? $"{op.Name} failed" : null });
            if (!fails)
                continue;
            if (outcome == "trapped")
                trapped = i;
            break;
        }
        await context.Publish(new StepRunFinished
        {
            JobId = step.JobId,
            StepRunId = step.StepRunId,
            Succeeded = results.All(r => r.Outcome == "success"),
            Ops = results,
            Error = results.FirstOrDefault(r => r.Error is not null)?.Error,
            TrappedOp = trapped,
        });
    }
}

/// <summary>One harness shared by the tests of a class (each test uses its own jobs, or a shared one it leaves unchanged).</summary>
public sealed class JobHarnessFixture : IAsyncLifetime
{
    readonly Dictionary<JobStatus, Guid> _shared = [];

    public JobHarness Jobs { get; private set; } = null!;

    /// <summary>One job per status, for the tests of commands that must leave it as it is.</summary>
    public async Task<Guid> SharedAsync(JobStatus status)
    {
        if (!_shared.TryGetValue(status, out var jobId))
            _shared[status] = jobId = await Jobs.BringToAsync(status);
        return jobId;
    }

    public async ValueTask InitializeAsync() => Jobs = await JobHarness.StartAsync();

    public ValueTask DisposeAsync() => Jobs.DisposeAsync();
}
