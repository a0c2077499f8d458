using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Scheduling;
using MassTransit.Testing;

namespace JobMonitor.Specs.Jobs;

public sealed class JobLifecycleSpecs : IAsyncLifetime
{
    JobHarness _jobs = null!;

    public async ValueTask InitializeAsync() => _jobs = await JobHarness.StartAsync();

    public ValueTask DisposeAsync() => _jobs.DisposeAsync();

    [Fact]
    public async Task A_valid_create_due_now_runs_pre_run_and_post_and_finishes()
    {
        var create = JobHarness.Create();
        await _jobs.Bus.Bus.Publish(create);

        var job = await _jobs.WaitForAsync(create.JobId, m => m.Finished);

        Assert.Equal(JobStep.End, job.Step);
        Assert.Equal([JobStep.Pre, JobStep.Run, JobStep.Post], job.Steps.Select(s => s.Step));
        Assert.All(job.Steps, s => Assert.Equal(OpOutcome.Success, s.Outcome));
        Assert.Equal(1, job.Progress);
        Assert.Equal("N.PROD-00000001", job.Key);
        Assert.NotNull(job.StartedAt);
        Assert.NotNull(job.EndedAt);
        Assert.True(await _jobs.Bus.Published.Any<JobCreated>(x => x.Context.Message.JobId == create.JobId));
        Assert.True(await _jobs.Bus.Published.Any<JobCommandAccepted>(x => x.Context.Message.CommandId == create.CommandId));
    }

    [Fact]
    public async Task A_failing_run_op_still_runs_post_and_ends_in_error()
    {
        var create = JobHarness.Create(p => p.Pre("build").Run("failing-deploy").Post("notify"));
        await _jobs.Bus.Bus.Publish(create);

        var job = await _jobs.WaitForAsync(create.JobId, m => m.Error);

        Assert.Equal([OpOutcome.Success, OpOutcome.Error, OpOutcome.Success], job.Steps.Select(s => s.Outcome));
        Assert.Equal(JobStep.Post, job.Steps[^1].Step);
        Assert.Equal("failing-deploy failed", job.LastError);
    }

    [Fact]
    public async Task A_failing_pre_op_skips_run_and_goes_to_post()
    {
        var create = JobHarness.Create(p => p.Pre("failing-build").Run("deploy").Post("notify"));
        await _jobs.Bus.Bus.Publish(create);

        var job = await _jobs.WaitForAsync(create.JobId, m => m.Error);

        Assert.Equal([JobStep.Pre, JobStep.Post], job.Steps.Select(s => s.Step));
    }

    [Fact]
    public async Task Run_scheduled_later_waits_at_the_gate_and_arms_a_trigger_for_its_date()
    {
        var scheduledAt = JobHarness.Start.AddMinutes(10);
        var create = JobHarness.Create(scheduledAt: scheduledAt);
        await _jobs.Bus.Bus.Publish(create);

        Assert.True(await _jobs.Bus.Published.Any<ArmJobTrigger>(x => x.Context.Message.JobId == create.JobId && x.Context.Message.Kind == JobTriggerKind.RunGate));
        var arm = _jobs.Bus.Published.Select<ArmJobTrigger>(x => x.Context.Message.JobId == create.JobId && x.Context.Message.Kind == JobTriggerKind.RunGate).Single().Context.Message;
        var job = await _jobs.WaitForAsync(create.JobId, m => m.Ready);

        Assert.Equal(JobTriggerKind.RunGate, arm.Kind);
        Assert.Equal(scheduledAt, arm.DueAt);
        Assert.Equal(JobStep.Run, job.Step);
        Assert.Null(job.StepRunId);
        Assert.False(await _jobs.Bus.Published.Any<RunJobStep>(x => x.Context.Message.JobId == create.JobId && x.Context.Message.Step == JobStep.Run));
    }

    [Fact]
    public async Task A_trigger_that_fires_before_the_scheduled_date_rearms_instead_of_starting_run()
    {
        var scheduledAt = JobHarness.Start.AddMinutes(10);
        var create = JobHarness.Create(scheduledAt: scheduledAt);
        await _jobs.Bus.Bus.Publish(create);
        Assert.True(await _jobs.Bus.Published.Any<ArmJobTrigger>(x => x.Context.Message.JobId == create.JobId && x.Context.Message.Kind == JobTriggerKind.RunGate));

        _jobs.Clock.SetUtcNow(scheduledAt.AddMilliseconds(-300));
        await _jobs.Bus.Bus.Publish(Fired(create.JobId, scheduledAt, token: 1));

        Assert.True(await _jobs.Bus.Published.Any<ArmJobTrigger>(x => x.Context.Message.JobId == create.JobId && x.Context.Message.Kind == JobTriggerKind.RunGate && x.Context.Message.Token == 2));
        Assert.False(await _jobs.Bus.Published.Any<RunJobStep>(x => x.Context.Message.JobId == create.JobId && x.Context.Message.Step == JobStep.Run));

        _jobs.Clock.SetUtcNow(scheduledAt);
        await _jobs.Bus.Bus.Publish(Fired(create.JobId, scheduledAt, token: 2));
        var job = await _jobs.WaitForAsync(create.JobId, m => m.Finished);
        Assert.True(job.Steps.Single(s => s.Step == JobStep.Run).StartedAt >= scheduledAt);
    }

    [Fact]
    public async Task A_stale_trigger_token_is_ignored()
    {
        var scheduledAt = JobHarness.Start.AddMinutes(10);
        var create = JobHarness.Create(scheduledAt: scheduledAt);
        await _jobs.Bus.Bus.Publish(create);
        Assert.True(await _jobs.Bus.Published.Any<ArmJobTrigger>(x => x.Context.Message.JobId == create.JobId && x.Context.Message.Kind == JobTriggerKind.RunGate));

        _jobs.Clock.SetUtcNow(scheduledAt.AddSeconds(1));
        await _jobs.Bus.Bus.Publish(Fired(create.JobId, scheduledAt, token: 99));
        Assert.True(await _jobs.Bus.Consumed.Any<JobTriggerFired>(x => x.Context.Message.JobId == create.JobId));

        var job = await _jobs.WaitForAsync(create.JobId, m => m.Ready);
        Assert.Equal(JobStep.Run, job.Step);
        Assert.Null(job.StepRunId);
    }

    [Fact]
    public async Task The_run_gate_trigger_carries_the_run_prepared_at_the_gate_and_the_saga_takes_over_the_run_it_dispatched()
    {
        var (create, scheduledAt, atGate) = await AtRunGateAsync();
        var prepared = (await ArmOfAsync(create.JobId, token: 1)).Dispatch;

        Assert.NotNull(prepared);
        Assert.Equal(atGate.WaitingGateRun, prepared.Step.StepRunId);
        Assert.Equal(JobStep.Run, prepared.Step.Step);
        Assert.Equal(atGate.MaxStartAt, prepared.NotAfter);
        Assert.Equal(("PROD", atGate.Exec), (prepared.Environment, prepared.Step.Exec));

        // What the firer does at the date: the prepared RUN to the workers, then the trigger to the saga.
        _jobs.Clock.SetUtcNow(scheduledAt);
        await _jobs.Bus.Bus.Publish(prepared.Step);
        await _jobs.Bus.Bus.Publish(Fired(create.JobId, scheduledAt, token: 1) with { DispatchedStepRunId = prepared.Step.StepRunId });
        var job = await _jobs.WaitForAsync(create.JobId, m => m.Finished);

        Assert.Equal(prepared.Step.StepRunId, job.Steps.Single(s => s.Step == JobStep.Run).StepRunId);
        Assert.Equal(OpOutcome.Success, job.Steps.Single(s => s.Step == JobStep.Run).Outcome);
        Assert.Single(_jobs.Bus.Published.Select<RunJobStep>(x => x.Context.Message.JobId == create.JobId && x.Context.Message.Step == JobStep.Run));
    }

    [Fact]
    public async Task The_result_of_the_run_dispatched_by_its_trigger_opens_the_gate_when_it_comes_before_the_trigger()
    {
        var (create, scheduledAt, atGate) = await AtRunGateAsync();
        var gateRun = atGate.WaitingGateRun!.Value;

        _jobs.Clock.SetUtcNow(scheduledAt.AddMilliseconds(20));
        await _jobs.Bus.Bus.Publish(new StepRunFinished
        {
            JobId = create.JobId, StepRunId = gateRun, Worker = "fast-worker", StartedAt = scheduledAt.AddMilliseconds(5), Succeeded = true,
            Ops = [new OpResult { Index = 0, Name = "deploy", Outcome = "success", StartedAt = scheduledAt.AddMilliseconds(5), EndedAt = scheduledAt.AddMilliseconds(15) }],
        });
        var job = await _jobs.WaitForAsync(create.JobId, m => m.Finished);
        var run = job.Steps.Single(s => s.Step == JobStep.Run);
        Assert.Equal((gateRun, OpOutcome.Success, scheduledAt.AddMilliseconds(5)), (run.StepRunId, run.Outcome, run.StartedAt));

        // The trigger's own message, late: the gate is open already, nothing changes and nothing is dispatched.
        await _jobs.Bus.Bus.Publish(Fired(create.JobId, scheduledAt, token: 1) with { DispatchedStepRunId = gateRun });
        Assert.True(await _jobs.Bus.Consumed.Any<JobTriggerFired>(x => x.Context.Message.JobId == create.JobId));
        Assert.Equal(JobStatus.Finished, _jobs.Instance(create.JobId)!.Status());
        Assert.False(await _jobs.Bus.Published.Any<RunJobStep>(x => x.Context.Message.JobId == create.JobId && x.Context.Message.Step == JobStep.Run));
    }

    [Fact]
    public async Task A_run_prepared_at_a_gate_the_job_left_is_not_taken_over_and_the_new_gate_prepares_another()
    {
        var (create, scheduledAt, atGate) = await AtRunGateAsync();
        var oldRun = atGate.WaitingGateRun!.Value;

        var reschedule = (RescheduleJob)JobStages.Command("reschedule", create.JobId) with { ScheduledAt = scheduledAt.AddMinutes(5).ToString("O") };
        Assert.True((await _jobs.SendAsync(reschedule)).Accepted);
        var newRun = (await ArmOfAsync(create.JobId, token: 2)).Dispatch!.Step.StepRunId;
        Assert.NotEqual(oldRun, newRun);
        // Its trigger may have dispatched the old one already (a reschedule just after the date): it is told to stop.
        Assert.True(await _jobs.Bus.Published.Any<StepRunCanceled>(x => x.Context.Message.StepRunId == oldRun));

        await _jobs.Bus.Bus.Publish(new StepRunStarted { JobId = create.JobId, StepRunId = oldRun, Worker = "late-worker", StartedAt = scheduledAt });
        await Polling.WaitUntilAsync(
            () => Task.FromResult(_jobs.Bus.Consumed.Select<StepRunStarted>(x => x.Context.Message.StepRunId == oldRun).Any()),
            JobHarness.Patience, () => "the late start to be consumed", every: JobHarness.Pace);
        var job = _jobs.Instance(create.JobId)!;
        Assert.Equal((JobStatus.Ready, null, newRun), (job.Status(), job.StepRunId, job.WaitingGateRun));

        // Canceled at the gate: the prepared RUN, which its trigger may have dispatched, is told to stop.
        Assert.True((await _jobs.SendAsync(JobStages.Command("cancel", create.JobId))).Accepted);
        Assert.True(await _jobs.Bus.Published.Any<StepRunCanceled>(x => x.Context.Message.StepRunId == newRun));
        Assert.Null((await _jobs.WaitForAsync(create.JobId, m => m.Canceled)).WaitingGateRun);
    }

    /// <summary>A job due in ten minutes, once it waits at its RUN gate with its RUN prepared.</summary>
    async Task<(CreateJob Create, DateTimeOffset ScheduledAt, DeploymentJobState AtGate)> AtRunGateAsync()
    {
        var scheduledAt = JobHarness.Start.AddMinutes(10);
        var create = JobHarness.Create(scheduledAt: scheduledAt);
        await _jobs.Bus.Bus.Publish(create);
        return (create, scheduledAt, await _jobs.WaitUntilAsync(create.JobId, j => j.WaitingGateRun is not null, "to the RUN gate"));
    }

    async Task<ArmJobTrigger> ArmOfAsync(Guid jobId, int token)
    {
        Assert.True(await _jobs.Bus.Published.Any<ArmJobTrigger>(x =>
            x.Context.Message.JobId == jobId && x.Context.Message.Kind == JobTriggerKind.RunGate && x.Context.Message.Token == token));
        return _jobs.Bus.Published.Select<ArmJobTrigger>(x =>
            x.Context.Message.JobId == jobId && x.Context.Message.Kind == JobTriggerKind.RunGate && x.Context.Message.Token == token).Single().Context.Message;
    }

    [Fact]
    public async Task A_job_whose_scheduled_date_is_after_its_max_start_expires_at_the_run_gate()
    {
        var create = JobHarness.Create(scheduledAt: JobHarness.Start.AddHours(2), maxStartAt: JobHarness.Start.AddHours(1));
        await _jobs.Bus.Bus.Publish(create);

        var job = await _jobs.WaitForAsync(create.JobId, m => m.Expired);

        Assert.Equal([JobStep.Pre], job.Steps.Select(s => s.Step));
        Assert.NotNull(job.EndedAt);
    }

    [Fact]
    public async Task The_same_create_twice_makes_one_job_and_is_acknowledged_as_a_duplicate()
    {
        var create = JobHarness.Create(scheduledAt: JobHarness.Start.AddHours(1));
        await _jobs.Bus.Bus.Publish(create);
        await _jobs.WaitUntilAsync(create.JobId, j => j.Step == JobStep.Run, "to the RUN gate");
        await _jobs.Bus.Bus.Publish(create);

        Assert.True(await _jobs.Bus.Published.Any<JobCommandAccepted>(x => x.Context.Message.CommandId == create.CommandId && x.Context.Message.Duplicate));
        Assert.Single(_jobs.Bus.Published.Select<JobCreated>(x => x.Context.Message.JobId == create.JobId));
    }

    [Fact]
    public async Task A_second_create_with_a_new_command_id_for_an_existing_job_is_rejected()
    {
        var create = JobHarness.Create(scheduledAt: JobHarness.Start.AddHours(1));
        await _jobs.Bus.Bus.Publish(create);
        await _jobs.WaitForAsync(create.JobId, m => m.Ready);
        var again = create with { CommandId = Guid.NewGuid(), Name = "other" };
        await _jobs.Bus.Bus.Publish(again);

        Assert.True(await _jobs.Bus.Published.Any<JobCommandRejected>(x =>
            x.Context.Message.CommandId == again.CommandId && x.Context.Message.ReasonCode == "job_exists"));
        Assert.Equal("shop-web 2.4.1", _jobs.Instance(create.JobId)!.Name);
    }

    [Fact]
    public async Task A_late_start_of_a_step_run_that_is_no_longer_current_changes_nothing()
    {
        var create = JobHarness.Create(p => p.Pre("build").Run("deploy"), scheduledAt: JobHarness.Start.AddHours(1));
        await _jobs.Bus.Bus.Publish(create);
        await _jobs.WaitUntilAsync(create.JobId, j => j.Step == JobStep.Run && j.CurrentState == JobStatus.Ready.StateName(), "to the RUN gate");
        var preRun = _jobs.Instance(create.JobId)!.Steps.Single(s => s.Step == JobStep.Pre).StepRunId;

        await _jobs.Bus.Bus.Publish(new StepRunStarted { JobId = create.JobId, StepRunId = preRun, Worker = "late-worker" });

        Assert.True(await _jobs.Bus.Consumed.Any<StepRunStarted>(x => x.Context.Message.StepRunId == preRun));
        var job = _jobs.Instance(create.JobId)!;
        Assert.Equal(JobStatus.Ready, job.Status());
        Assert.Null(job.StepRunId);
        Assert.Null(job.ClaimedBy);
    }

    [Fact]
    public async Task Step_results_for_a_job_that_does_not_exist_are_discarded()
    {
        await _jobs.Bus.Bus.Publish(new StepRunFinished { JobId = Guid.NewGuid(), StepRunId = Guid.NewGuid(), Succeeded = true, Ops = [] });

        Assert.True(await _jobs.Bus.Consumed.Any<StepRunFinished>());
        Assert.False(await _jobs.Bus.Published.Any<MassTransit.Fault<StepRunFinished>>());
    }

    static JobTriggerFired Fired(Guid jobId, DateTimeOffset dueAt, int token) => new()
    {
        JobId = jobId,
        Kind = JobTriggerKind.RunGate,
        DueAt = dueAt,
        FiredAt = dueAt,
        Token = token,
    };
}
