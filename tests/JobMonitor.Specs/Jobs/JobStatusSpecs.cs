using JobMonitor.Service.Jobs;

namespace JobMonitor.Specs.Jobs;

/// <summary>A status's two names: the saga's state (stored, compared in SQL) and the spec's display name (the API, the audit).</summary>
public sealed class JobStatusSpecs(JobHarnessFixture fixture) : IClassFixture<JobHarnessFixture>
{
    [Fact]
    public void The_state_names_are_the_state_machines_states() =>
        Assert.Equal(fixture.Jobs.Machine.States.Select(s => s.Name).Except(["Initial", "Final"]).Order(StringComparer.Ordinal),
            JobStatuses.StateNames(JobStatuses.All).Order(StringComparer.Ordinal));

    [Fact]
    public void The_display_names_are_the_specs_in_its_order() =>
        Assert.Equal(["Ready", "Running", "Waiting for Approval", "Rejected", "Expired", "Abend", "Rollback", "Finished", "Error",
            "Canceled", "Trapped", "Trap Paused"], JobStatuses.All.Select(s => s.Display()));

    [Theory]
    [InlineData("Waiting for Approval", JobStatus.WaitingForApproval)]
    [InlineData("waitingforapproval", JobStatus.WaitingForApproval)]
    [InlineData("TRAP PAUSED", JobStatus.TrapPaused)]
    [InlineData("Ready", JobStatus.Ready)]
    public void Parse_takes_a_state_or_display_name_in_any_case(string text, JobStatus expected) =>
        Assert.Equal(expected, JobStatuses.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("Deleted")]
    [InlineData("Initial")]
    [InlineData("3")]
    [InlineData("Ready,Running")]
    public void Parse_refuses_anything_else(string text) => Assert.Null(JobStatuses.Parse(text));
}
