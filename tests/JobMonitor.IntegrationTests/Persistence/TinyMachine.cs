using JobMonitor.Service.Execution.Ops;
using System.Collections.Concurrent;
using JobMonitor.Service.Jobs;
using MassTransit;

namespace JobMonitor.IntegrationTests.Persistence;

public sealed record TinyStart(Guid JobId, string Key);

/// <summary>Moves the job to a step and remembers the change id; slow, so that concurrent changes overlap.</summary>
public sealed record TinyChange(Guid JobId, Guid ChangeId, JobStep Step, double Progress, TimeSpan Slowness);

public sealed record TinyFinish(Guid JobId);

/// <summary>Just enough of a job lifecycle to drive the repository through create, update and delete.</summary>
public sealed class TinyMachine : MassTransitStateMachine<DeploymentJobState>
{
    /// <summary>How many times each change ran, retries included.</summary>
    public static ConcurrentDictionary<Guid, int> Attempts { get; } = new();

    public TinyMachine()
    {
        InstanceState(x => x.CurrentState);

        Event(() => Started, x => x.CorrelateById(m => m.Message.JobId));
        Event(() => Changed, x => x.CorrelateById(m => m.Message.JobId));
        Event(() => Finished, x => x.CorrelateById(m => m.Message.JobId));

        Initially(
            When(Started)
                .Then(x =>
                {
                    var job = x.Saga;
                    var now = DateTimeOffset.UtcNow;
                    job.Key = x.Message.Key;
                    job.Name = "tiny";
                    job.Project = "proj";
                    job.Environment = "prod";
                    job.Type = JobType.Urgent;
                    job.CreatedAt = job.UpdatedAt = now;
                    job.ScheduledAt = now.AddMinutes(5);
                    job.MaxStartAt = now.AddMinutes(10);
                    job.PendingLog.Add(Line(job, "created"));
                })
                .TransitionTo(Running));

        During(Running,
            Ignore(Started),
            When(Changed)
                .ThenAsync(async x =>
                {
                    Attempts.AddOrUpdate(x.Message.ChangeId, 1, (_, n) => n + 1);
                    // Holds the loaded version long enough for a concurrent change to load the same one.
                    await Task.Delay(x.Message.Slowness, x.CancellationToken);
                    var job = x.Saga;
                    job.Step = x.Message.Step;
                    job.Progress = x.Message.Progress;
                    job.StepRunId = x.Message.ChangeId;
                    job.StartedAt ??= DateTimeOffset.UtcNow;
                    job.SeenCommands.Add(x.Message.ChangeId);
                    job.PendingLog.Add(Line(job, $"change {x.Message.ChangeId}"));
                    job.PendingLog.Add(Line(job, $"step {x.Message.Step}"));
                }),
            When(Finished)
                .Then(x => x.Saga.PendingLog.Add(Line(x.Saga, "finished")))
                .Finalize());

        SetCompletedWhenFinalized();
    }

    public State Running { get; private set; } = null!;

    public Event<TinyStart> Started { get; private set; } = null!;
    public Event<TinyChange> Changed { get; private set; } = null!;
    public Event<TinyFinish> Finished { get; private set; } = null!;

    static JobLogEntry Line(DeploymentJobState job, string text) => new()
    {
        JobId = job.CorrelationId,
        Exec = job.Exec,
        Step = job.Step.ToString(),
        Level = JobLogLevel.Info,
        Text = text,
        At = DateTimeOffset.UtcNow,
    };
}
