using JobMonitor.Contracts;
using JobMonitor.Service.Jobs;
using JobMonitor.Specs.Security;

namespace JobMonitor.Specs.Jobs;

/// <summary>
/// Every status × every command (SPEC §4): an allowed command reaches the spec's next status, any other is rejected
/// with a reason and changes nothing. The expectations are written out here, apart from the rules the saga uses.
/// </summary>
public sealed class TransitionMatrixSpecs(JobHarnessFixture fixture) : IClassFixture<JobHarnessFixture>
{
    /// <summary>command → (status it is allowed in → status it leads to; null: the job is deleted).</summary>
    static readonly Dictionary<string, Dictionary<JobStatus, JobStatus?>> Allowed = new()
    {
        ["rerun POST"] = Each([JobStatus.Ready, JobStatus.WaitingForApproval, JobStatus.Rejected, JobStatus.Expired, JobStatus.Abend,
            JobStatus.Finished, JobStatus.Error, JobStatus.Canceled], JobStatus.Finished),
        ["cancel"] = Each([JobStatus.Ready, JobStatus.Running, JobStatus.WaitingForApproval, JobStatus.Trapped, JobStatus.TrapPaused], JobStatus.Canceled),
        ["approve"] = Each([JobStatus.WaitingForApproval], JobStatus.Finished),
        ["reject"] = Each([JobStatus.WaitingForApproval], JobStatus.Rejected),
        ["reschedule"] = new()
        {
            [JobStatus.Ready] = JobStatus.Ready,
            [JobStatus.Expired] = JobStatus.Ready,
            [JobStatus.WaitingForApproval] = JobStatus.WaitingForApproval,
        },
        ["delete"] = Each([JobStatus.Ready, JobStatus.WaitingForApproval, JobStatus.Rejected, JobStatus.Expired, JobStatus.Abend,
            JobStatus.Finished, JobStatus.Error, JobStatus.Canceled, JobStatus.Trapped, JobStatus.TrapPaused], null),
        ["trap skip"] = Each([JobStatus.Trapped, JobStatus.TrapPaused], JobStatus.Finished),
        ["pause trap"] = Each([JobStatus.Trapped], JobStatus.TrapPaused),
        ["resume trap"] = Each([JobStatus.TrapPaused], JobStatus.Trapped),
    };

    readonly JobHarness _jobs = fixture.Jobs;

    public static TheoryData<JobStatus, string> Cases()
    {
        var data = new TheoryData<JobStatus, string>();
        foreach (var status in JobStatuses.All)
            foreach (var command in Allowed.Keys)
                data.Add(status, command);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_command_is_applied_only_where_the_spec_allows_it(JobStatus status, string command)
    {
        var jobId = await _jobs.BringToAsync(status);
        var before = _jobs.Instance(jobId)!;
        var (version, step, exec) = (before.Version, before.Step, before.Exec);

        var (accepted, rejection) = await _jobs.SendAsync(JobStages.Command(command, jobId));

        if (Allowed[command].TryGetValue(status, out var next))
        {
            Assert.True(accepted, $"{command} in {status} was rejected: {rejection?.ReasonCode} {rejection?.Message}");
            if (next is { } reached)
                await _jobs.WaitUntilAsync(jobId, j => j.CurrentState == reached.StateName(), $"to reach {reached} after {command}");
            else
                await WaitGoneAsync(jobId);
            return;
        }

        Assert.False(accepted, $"{command} was accepted in {status}");
        Assert.Equal("not_allowed_in_status", rejection!.ReasonCode);
        var after = _jobs.Instance(jobId)!;
        Assert.Equal((status, version, step, exec), (after.Status(), after.Version, after.Step, after.Exec));
    }

    [Fact]
    public async Task A_command_for_an_unknown_job_is_rejected_and_creates_nothing()
    {
        var jobId = Guid.NewGuid();

        var (accepted, rejection) = await _jobs.SendAsync(new CancelJob { JobId = jobId, CommandId = Guid.NewGuid(), RequestedBy = SpecUsers.Operator });

        Assert.False(accepted);
        Assert.Equal("job_not_found", rejection!.ReasonCode);
        Assert.Null(_jobs.Instance(jobId));
    }

    [Fact]
    public async Task A_repeated_command_id_is_acknowledged_and_not_applied_twice()
    {
        var jobId = await _jobs.BringToAsync(JobStatus.Finished);
        var rerun = new RerunJob { JobId = jobId, CommandId = Guid.NewGuid(), RequestedBy = SpecUsers.Operator, Step = "POST" };
        Assert.True((await _jobs.SendAsync(rerun)).Accepted);
        await _jobs.WaitUntilAsync(jobId, j => j.Exec == 2 && j.CurrentState == JobStatus.Finished.StateName(), "execution 2 to finish");

        await _jobs.Bus.Bus.Publish(rerun);

        await _jobs.WaitUntilAsync(jobId, _ => _jobs.Bus.Published.Select<JobCommandAccepted>(x => x.Context.Message.CommandId == rerun.CommandId).Count() == 2, "the repeat to be acknowledged");
        Assert.True(_jobs.Bus.Published.Select<JobCommandAccepted>(x => x.Context.Message.CommandId == rerun.CommandId).Last().Context.Message.Duplicate);
        Assert.Equal(2, _jobs.Instance(jobId)!.Exec);
    }

    [Fact]
    public async Task A_stale_expected_version_is_rejected()
    {
        var jobId = await _jobs.BringToAsync(JobStatus.Ready);
        var version = _jobs.Instance(jobId)!.Version;

        var (accepted, rejection) = await _jobs.SendAsync(new CancelJob { JobId = jobId, CommandId = Guid.NewGuid(), RequestedBy = SpecUsers.Operator, ExpectedVersion = version - 1 });

        Assert.False(accepted);
        Assert.Equal("stale_version", rejection!.ReasonCode);
        Assert.Equal(JobStatus.Ready, _jobs.Instance(jobId)!.Status());
    }

    async Task WaitGoneAsync(Guid jobId) =>
        Assert.Null(await _jobs.Saga.NotExists(jobId));

    static Dictionary<JobStatus, JobStatus?> Each(JobStatus[] statuses, JobStatus? next) => statuses.ToDictionary(s => s, _ => next);
}
