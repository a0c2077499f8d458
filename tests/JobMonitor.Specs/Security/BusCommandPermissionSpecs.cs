using JobMonitor.Contracts;
using JobMonitor.Service.Jobs;
using JobMonitor.Specs.Jobs;
using MassTransit.Testing;
using static JobMonitor.Specs.Security.SpecUsers;

namespace JobMonitor.Specs.Security;

/// <summary>
/// SPEC §8 on the bus: every command × every kind of user, on a <c>shop/PROD</c> job in a status that allows the
/// command. A permitted sender's command is applied; any other is rejected as <c>forbidden</c> and changes nothing.
/// The expectations are written out here, apart from the permission table the service uses.
/// </summary>
public sealed class BusCommandPermissionSpecs(JobHarnessFixture fixture) : IClassFixture<JobHarnessFixture>
{
    /// <summary>command → the status it is tried in, and who (besides the operators) may send it there.</summary>
    static readonly Dictionary<string, (JobStatus Status, string[] Senders)> Permitted = new()
    {
        ["rerun POST"] = (JobStatus.Finished, [Restarter]),
        ["cancel"] = (JobStatus.Ready, [Canceller]),
        ["approve"] = (JobStatus.WaitingForApproval, [ApproverOfAll, NamedApprover, ReleaseManager]),
        ["reject"] = (JobStatus.WaitingForApproval, [ApproverOfAll, NamedApprover, ReleaseManager]),
        ["reschedule"] = (JobStatus.Ready, [Restarter, Creator]),
        ["delete"] = (JobStatus.Finished, [Deleter]),
        ["trap skip"] = (JobStatus.Trapped, [Restarter]),
        ["pause trap"] = (JobStatus.Trapped, [Restarter]),
        ["resume trap"] = (JobStatus.TrapPaused, [Restarter]),
    };

    static readonly string[] Senders =
        [Viewer, Restarter, Canceller, Deleter, ApproverOfAll, Creator, DevOperator, Blind, NamedApprover, ReleaseManager, UnseeingApprover, Stranger];

    readonly JobHarness _jobs = fixture.Jobs;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in Permitted.Keys)
            foreach (var sender in Senders)
                data.Add(command, sender);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_command_is_applied_only_when_its_sender_holds_the_permission_on_the_jobs_scope(string command, string sender)
    {
        var (status, senders) = Permitted[command];

        if (senders.Contains(sender))
        {
            var fresh = await _jobs.BringToAsync(status);
            var (accepted, rejection) = await _jobs.SendAsync(JobStages.Command(command, fresh, sender));
            Assert.True(accepted, $"{command} by {sender} was rejected: {rejection?.ReasonCode} {rejection?.Message}");
            return;
        }

        var jobId = await fixture.SharedAsync(status);
        await AssertForbiddenAsync(JobStages.Command(command, jobId, sender));
    }

    [Fact]
    public async Task A_forbidden_command_with_a_stale_version_is_rejected_as_forbidden()
    {
        var jobId = await fixture.SharedAsync(JobStatus.Ready);

        var cancel = new CancelJob { JobId = jobId, CommandId = Guid.NewGuid(), RequestedBy = Viewer, ExpectedVersion = -1 };

        await AssertForbiddenAsync(cancel);
    }

    [Fact]
    public async Task A_command_without_a_sender_is_forbidden()
    {
        var jobId = await fixture.SharedAsync(JobStatus.Ready);

        await AssertForbiddenAsync(new CancelJob { JobId = jobId, CommandId = Guid.NewGuid() });
    }

    [Fact]
    public async Task A_repeat_of_an_accepted_command_is_acknowledged_whoever_resends_it()
    {
        var jobId = await _jobs.BringToAsync(JobStatus.Ready);
        var cancel = new CancelJob { JobId = jobId, CommandId = Guid.NewGuid(), RequestedBy = Canceller };
        Assert.True((await _jobs.SendAsync(cancel)).Accepted);

        await _jobs.Bus.Bus.Publish(cancel with { RequestedBy = Viewer });

        await _jobs.WaitUntilAsync(jobId, _ => Acceptances(cancel.CommandId) == 2, "the repeat to be acknowledged");
        Assert.False(_jobs.Bus.Published.Select<JobCommandRejected>(x => x.Context.Message.CommandId == cancel.CommandId).Any());
    }

    async Task AssertForbiddenAsync(JobCommand command)
    {
        var before = _jobs.Instance(command.JobId)!;
        var (status, version, step, exec, approvals, audit) =
            (before.CurrentState, before.Version, before.Step, before.Exec, before.Approvals.Count, before.PendingAudit.Count);

        var (accepted, rejection) = await _jobs.SendAsync(command);

        Assert.False(accepted, $"{command.GetType().Name} by {command.RequestedBy} was accepted");
        Assert.Equal(("forbidden", "requestedBy"), (rejection!.ReasonCode, rejection.Field));
        var after = _jobs.Instance(command.JobId)!;
        Assert.Equal((status, version, step, exec, approvals, audit),
            (after.CurrentState, after.Version, after.Step, after.Exec, after.Approvals.Count, after.PendingAudit.Count));
        Assert.DoesNotContain(command.CommandId, after.SeenCommands);
    }

    int Acceptances(Guid commandId) =>
        _jobs.Bus.Published.Select<JobCommandAccepted>(x => x.Context.Message.CommandId == commandId).Count();
}
