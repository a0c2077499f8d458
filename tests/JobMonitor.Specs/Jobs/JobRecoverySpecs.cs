using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Recovery;
using JobMonitor.Service.Jobs;
using MassTransit.Testing;

namespace JobMonitor.Specs.Jobs;

/// <summary>What the saga does with the reconciler's <see cref="RecoverJob"/>: the overdue move once, while it is owed.</summary>
public sealed class JobRecoverySpecs : IAsyncLifetime
{
    JobHarness _jobs = null!;

    public async ValueTask InitializeAsync() => _jobs = await JobHarness.StartAsync();

    public ValueTask DisposeAsync() => _jobs.DisposeAsync();

    [Fact]
    public async Task A_step_never_picked_up_is_dispatched_again_and_the_job_goes_on()
    {
        var create = JobHarness.Create(p => p.Pre("lost-build").Run("deploy"));
        await _jobs.Bus.Bus.Publish(create);
        var job = await _jobs.WaitUntilAsync(create.JobId, j => j.Step == JobStep.Pre && j.StepRunId is not null, "PRE dispatched");
        var stepRunId = job.StepRunId!.Value;
        Assert.True(await _jobs.Bus.Consumed.Any<RunJobStep>(x => x.Context.Message.StepRunId == stepRunId));
        Assert.Equal(JobStatus.Ready, _jobs.Instance(create.JobId)!.Status());

        await _jobs.Bus.Bus.Publish(new RecoverJob { JobId = create.JobId, Kind = JobRecoveryKind.Dispatch, StepRunId = stepRunId });

        job = await _jobs.WaitForAsync(create.JobId, m => m.Finished);
        Assert.Equal(2, _jobs.Bus.Published.Select<RunJobStep>().Count(x => x.Context.Message.StepRunId == stepRunId));
        Assert.Single(job.PendingLog, l => l.Text == "recovered: step PRE was not picked up by any worker; dispatched again");
    }

    [Fact]
    public async Task A_stored_result_the_saga_never_heard_of_is_applied_once()
    {
        var create = JobHarness.Create(p => p.Pre("hold-build").Run("deploy"));
        await _jobs.Bus.Bus.Publish(create);
        var job = await _jobs.WaitForAsync(create.JobId, m => m.Running);
        var stepRunId = job.StepRunId!.Value;
        var result = new StepRunFinished
        {
            JobId = create.JobId,
            StepRunId = stepRunId,
            Succeeded = true,
            Ops = [new OpResult { Index = 0, Name = "hold-build", Outcome = "success", StartedAt = JobHarness.Start, EndedAt = JobHarness.Start }],
        };
        var recover = new RecoverJob { JobId = create.JobId, Kind = JobRecoveryKind.Result, StepRunId = stepRunId, Result = result };

        await _jobs.Bus.Bus.Publish(recover);
        job = await _jobs.WaitForAsync(create.JobId, m => m.Finished);
        await _jobs.Bus.Bus.Publish(recover);

        Assert.True(await _jobs.Bus.Consumed.Any<RecoverJob>(x => x.Context.Message.Kind == JobRecoveryKind.Result && x.Context.Message.JobId == create.JobId));
        Assert.Equal(2, _jobs.Bus.Consumed.Select<RecoverJob>().Count(x => x.Context.Message.JobId == create.JobId));
        Assert.Equal(OpOutcome.Success, job.Steps.Single(s => s.StepRunId == stepRunId).Outcome);
        Assert.Single(job.PendingLog, l => l.Text.StartsWith("recovered: the result of step PRE never arrived", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_re_drive_that_is_no_longer_owed_changes_nothing()
    {
        var create = JobHarness.Create(p => p.Pre("build").Run("deploy"));
        await _jobs.Bus.Bus.Publish(create);
        var job = await _jobs.WaitForAsync(create.JobId, m => m.Finished);
        var preRun = job.Steps.Single(s => s.Step == JobStep.Pre).StepRunId;

        await _jobs.Bus.Bus.Publish(new RecoverJob { JobId = create.JobId, Kind = JobRecoveryKind.Dispatch, StepRunId = preRun });
        await _jobs.Bus.Bus.Publish(new RecoverJob { JobId = create.JobId, Kind = JobRecoveryKind.RunGate });
        await _jobs.Bus.Bus.Publish(new RecoverJob { JobId = create.JobId, Kind = JobRecoveryKind.MaxStart });

        await _jobs.WaitUntilAsync(create.JobId, _ => _jobs.Bus.Consumed.Select<RecoverJob>().Count(x => x.Context.Message.JobId == create.JobId) == 3, "the re-drives were consumed");
        job = _jobs.Instance(create.JobId)!;
        Assert.Equal(JobStatus.Finished, job.Status());
        Assert.DoesNotContain(job.PendingLog, l => l.Text.StartsWith("recovered:", StringComparison.Ordinal));
        Assert.Single(_jobs.Bus.Published.Select<RunJobStep>(), x => x.Context.Message.StepRunId == preRun);
    }

    [Fact]
    public async Task A_result_whose_start_message_was_lost_starts_and_ends_the_step()
    {
        var create = JobHarness.Create(p => p.Pre("quiet-build").Run("deploy"));
        await _jobs.Bus.Bus.Publish(create);

        var job = await _jobs.WaitForAsync(create.JobId, m => m.Finished);

        var pre = job.Steps.Single(s => s.Step == JobStep.Pre);
        Assert.Equal(OpOutcome.Success, pre.Outcome);
        Assert.NotNull(pre.StartedAt);
        Assert.False(await _jobs.Bus.Published.Any<StepRunStarted>(x => x.Context.Message.StepRunId == pre.StepRunId));
        Assert.True(await _jobs.Bus.Published.Any<JobMonitor.Contracts.JobStepStarted>(x => x.Context.Message.StepRunId == pre.StepRunId));
        Assert.Contains(job.PendingLog, l => l.Text == "step PRE started on a worker");
    }
}
