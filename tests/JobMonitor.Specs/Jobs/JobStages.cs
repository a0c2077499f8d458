using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;
using JobMonitor.Specs.Security;
using MassTransit.Testing;

namespace JobMonitor.Specs.Jobs;

/// <summary>Puts a fresh job in a given status the way real traffic would, and sends it commands.</summary>
public static class JobStages
{
    public static async Task<Guid> BringToAsync(this JobHarness jobs, JobStatus status)
    {
        var later = JobHarness.Start.AddHours(1);
        var (create, arrived) = status switch
        {
            JobStatus.Ready => (JobHarness.Create(scheduledAt: later), AtRunGate),
            JobStatus.Running => (JobHarness.Create(p => p.Pre("hold-build").Run("deploy").Post("notify")), In(status)),
            JobStatus.WaitingForApproval or JobStatus.Rejected =>
                (JobHarness.Create(p => p.Approval(SpecUsers.Approvers).Run("deploy").Post("notify")), In(JobStatus.WaitingForApproval)),
            JobStatus.Expired => (JobHarness.Create(scheduledAt: later, maxStartAt: JobHarness.Start.AddMinutes(30)), In(status)),
            JobStatus.Abend => (JobHarness.Create(p => p.Pre("hold-build").Run("deploy").Post("notify")), In(JobStatus.Running)),
            JobStatus.Rollback => (JobHarness.Create(p => p.FailingRunNeedingRollback("failing-deploy").RollbackRun("hold-undo").Post("notify")), In(status)),
            JobStatus.Finished => (JobHarness.Create(), In(status)),
            JobStatus.Error => (JobHarness.Create(p => p.Run("failing-deploy").Post("notify")), In(status)),
            JobStatus.Canceled => (JobHarness.Create(scheduledAt: later), AtRunGate),
            JobStatus.Trapped or JobStatus.TrapPaused => (JobHarness.Create(p => p.Pre("build").TrappedRun("trap-deploy").Post("notify")), In(JobStatus.Trapped)),
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
        };
        await jobs.Bus.Bus.Publish(create);
        var job = await jobs.WaitUntilAsync(create.JobId, arrived, $"to get {status}");

        switch (status)
        {
            case JobStatus.Rejected:
                await jobs.SendAsync(new RejectJob { JobId = create.JobId, CommandId = Guid.NewGuid(), RequestedBy = SpecUsers.Operator, Comment = "not today" });
                break;
            case JobStatus.Canceled:
                await jobs.SendAsync(new CancelJob { JobId = create.JobId, CommandId = Guid.NewGuid(), RequestedBy = SpecUsers.Operator });
                break;
            case JobStatus.TrapPaused:
                await jobs.SendAsync(new PauseTrap { JobId = create.JobId, CommandId = Guid.NewGuid(), RequestedBy = SpecUsers.Operator });
                break;
            case JobStatus.Abend:
                await jobs.Bus.Bus.Publish(new StepRunAbandoned
                {
                    JobId = create.JobId,
                    StepRunId = job.StepRunId!.Value,
                    Worker = "gone",
                    LastHeartbeatAt = JobHarness.Start,
                });
                break;
        }
        await jobs.WaitUntilAsync(create.JobId, In(status), $"to be {status}");
        return create.JobId;
    }

    /// <summary>
    /// A command by its name in the specs' tables: a <see cref="JobCommandRules" /> name, with the step of a rerun or
    /// the action of a trap response (<c>rerun POST</c>, <c>trap skip</c>), or <c>pause trap</c> / <c>resume trap</c>.
    /// </summary>
    public static JobCommand Command(string command, Guid jobId, string user = SpecUsers.Operator)
    {
        var id = Guid.NewGuid();
        return command switch
        {
            "rerun POST" => new RerunJob { JobId = jobId, CommandId = id, RequestedBy = user, Step = "POST" },
            "cancel" => new CancelJob { JobId = jobId, CommandId = id, RequestedBy = user },
            "approve" => new ApproveJob { JobId = jobId, CommandId = id, RequestedBy = user },
            "reject" => new RejectJob { JobId = jobId, CommandId = id, RequestedBy = user, Comment = "no" },
            "reschedule" => new RescheduleJob { JobId = jobId, CommandId = id, RequestedBy = user, ScheduledAt = JobHarness.Start.AddHours(3).ToString("O") },
            "delete" => new DeleteJob { JobId = jobId, CommandId = id, RequestedBy = user },
            "trap skip" => new RespondToTrap { JobId = jobId, CommandId = id, RequestedBy = user, Action = "skip" },
            "pause trap" => new PauseTrap { JobId = jobId, CommandId = id, RequestedBy = user },
            "resume trap" => new ResumeTrap { JobId = jobId, CommandId = id, RequestedBy = user },
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
        };
    }

    /// <summary>Sends a command and waits for its answer: true when accepted, false when rejected (with the reason).</summary>
    public static async Task<(bool Accepted, JobCommandRejected? Rejection)> SendAsync(this JobHarness jobs, JobCommand command)
    {
        await jobs.Bus.Bus.Publish(command, command.GetType());
        (bool Accepted, JobCommandRejected? Rejection)? answer = null;
        await Polling.WaitUntilAsync(() =>
        {
            if (jobs.Bus.Published.Select<JobCommandAccepted>(x => x.Context.Message.CommandId == command.CommandId).Any())
                answer = (true, null);
            else if (jobs.Bus.Published.Select<JobCommandRejected>(x => x.Context.Message.CommandId == command.CommandId).FirstOrDefault() is { } rejected)
                answer = (false, rejected.Context.Message);
            return Task.FromResult(answer is not null);
        }, JobHarness.Patience, () => $"{command.GetType().Name} {command.CommandId} to be answered", every: JobHarness.Pace);
        return answer!.Value;
    }

    static Func<DeploymentJobState, bool> In(JobStatus status) => j => j.CurrentState == status.StateName();

    static bool AtRunGate(DeploymentJobState job) => job.CurrentState == JobStatus.Ready.StateName() && job.Step == JobStep.Run && job.StepRunId is null;
}
