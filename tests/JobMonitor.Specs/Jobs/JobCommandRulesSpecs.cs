using JobMonitor.Service.Jobs;

namespace JobMonitor.Specs.Jobs;

/// <summary>
/// The API's table (<see cref="JobCommandRules" />) allows a command exactly where the saga accepts it: the saga declares
/// its commands per status (it reads the table only for the step of a reschedule in Ready), so the two are held
/// together here.
/// </summary>
public sealed class JobCommandRulesSpecs(JobHarnessFixture fixture) : IClassFixture<JobHarnessFixture>
{
    /// <summary>The matrix's command names (<see cref="JobStages.Command" />) → the rule each one is checked by.</summary>
    static readonly Dictionary<string, OperatorCommand> Rules = new()
    {
        ["rerun POST"] = OperatorCommand.Rerun,
        ["cancel"] = OperatorCommand.Cancel,
        ["approve"] = OperatorCommand.Approve,
        ["reject"] = OperatorCommand.Reject,
        ["reschedule"] = OperatorCommand.Reschedule,
        ["delete"] = OperatorCommand.Delete,
        ["trap skip"] = OperatorCommand.RespondToTrap,
        ["pause trap"] = OperatorCommand.PauseTrap,
        ["resume trap"] = OperatorCommand.ResumeTrap,
    };

    readonly JobHarness _jobs = fixture.Jobs;

    [Fact]
    public void The_commands_keep_the_names_the_api_the_audit_and_the_permissions_use() =>
        Assert.Equal(["rerun", "cancel", "approve", "reject", "reschedule", "delete", "trap", "pause", "resume"],
            JobCommandRules.All.Select(c => c.Wire()));

    [Theory]
    [MemberData(nameof(TransitionMatrixSpecs.Cases), MemberType = typeof(TransitionMatrixSpecs))]
    public async Task The_rules_allow_a_command_where_the_saga_accepts_it(JobStatus status, string command)
    {
        var jobId = await _jobs.BringToAsync(status);
        var job = _jobs.Instance(jobId)!;
        var allowed = JobCommandRules.Allows(Rules[command], job.Status(), job.Step);

        var (accepted, rejection) = await _jobs.SendAsync(JobStages.Command(command, jobId));

        Assert.True(allowed == accepted,
            $"{command} in {status} (step {job.Step.Wire()}): the rules say {allowed}, the saga {(accepted ? "accepted it" : $"refused it ({rejection?.ReasonCode})")}");
    }
}
