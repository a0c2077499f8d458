using JobMonitor.Contracts;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Telemetry;
using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>What every move leaves behind: the status announcement, the remembered command ids, the job log.</summary>
public sealed partial class DeploymentJobStateMachine
{
    /// <summary>
    /// A move made by the step logic; staying in the same status still announces the new step. A move that
    /// <see cref="StepLogicMoves" /> does not declare is a fault, not a move.
    /// </summary>
    async Task MoveToAsync(BehaviorContext<DeploymentJobState> context, State target)
    {
        var from = context.Saga.CurrentState ?? Initial.Name;
        if (!StepLogicMoves.Any(m => m.Allows(context.Event, from, target)))
            throw new InvalidOperationException($"{context.Event.Name} may not move job {context.Saga.Key} from {from} to {target.Name}: not in StepLogicMoves.");
        if (context.Saga.CurrentState == target.Name)
            await AnnounceAsync(context, target);
        else
            await context.TransitionToState(target);
    }

    /// <summary>Runs before the job enters <paramref name="target" /> (declared or not), and on a move within a status.</summary>
    async Task AnnounceAsync(BehaviorContext<DeploymentJobState> context, State target)
    {
        var job = context.Saga;
        JobTracing.TagCurrent(job);
        job.UpdatedAt = _clock.GetUtcNow();
        await context.Publish(new JobStatusChanged
        {
            JobId = job.CorrelationId,
            Key = job.Key,
            // A new job comes from MassTransit's Initial, which is no status: announced by its own name.
            FromStatus = JobStatuses.TryOfState(job.CurrentState, out var from) ? from.Display() : job.CurrentState,
            Status = JobStatuses.OfState(target.Name).Display(),
            Step = job.Step.Wire(),
            Exec = job.Exec,
            Version = job.Version + 1,
            At = job.UpdatedAt,
        });
    }

    /// <summary>The saga keeps the latest ids for a quick answer; jobmonitor.command_ids keeps them all for the retention.</summary>
    void Remember(DeploymentJobState job, Guid commandId, string command)
    {
        job.PendingCommands.Add(new AppliedCommand(commandId, job.CorrelationId, command, _clock.GetUtcNow()));
        job.SeenCommands.Add(commandId);
        if (job.SeenCommands.Count > _options.RememberedCommands)
            job.SeenCommands.RemoveAt(0);
    }

    void Log(DeploymentJobState job, JobLogLevel level, string text)
    {
        JobTracing.TagCurrent(job);
        job.PendingLog.Add(new JobLogEntry
        {
            JobId = job.CorrelationId,
            Exec = job.Exec,
            Step = job.Step.Wire(),
            Level = level,
            Text = text,
            At = _clock.GetUtcNow(),
            TraceId = JobTracing.TraceIdOf(job.TraceParent),
        });
    }
}
