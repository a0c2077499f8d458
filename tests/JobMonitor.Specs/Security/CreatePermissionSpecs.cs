using JobMonitor.Service.Jobs;
using JobMonitor.Specs.Jobs;
using static JobMonitor.Specs.Security.SpecUsers;

namespace JobMonitor.Specs.Security;

/// <summary>SPEC §8 for CreateJob on the bus: <c>action.job.create</c> on the job's project and environment, or nothing is created.</summary>
public sealed class CreatePermissionSpecs(JobHarnessFixture fixture) : IClassFixture<JobHarnessFixture>
{
    readonly JobHarness _jobs = fixture.Jobs;

    [Theory]
    [InlineData(Creator, "PROD")]
    [InlineData(Pipeline, "PROD")]
    [InlineData(DevOperator, "DEV")]
    [InlineData(Blind, "PROD")]
    /// <remarks>Creating needs no view_monitor: a pipeline may publish jobs it never looks at.</remarks>
    public async Task A_user_holding_create_on_the_scope_creates_the_job(string user, string environment)
    {
        var create = JobHarness.Create() with { RequestedBy = user, Environment = environment };

        await _jobs.Bus.Bus.Publish(create);

        await _jobs.WaitForAsync(create.JobId, m => m.Finished);
    }

    [Theory]
    [InlineData(Viewer)]
    [InlineData(Restarter)]
    [InlineData(DevOperator)]
    [InlineData(Stranger)]
    [InlineData(null)]
    public async Task A_user_without_create_on_the_scope_is_forbidden_and_nothing_is_created(string? user)
    {
        var create = JobHarness.Create() with { RequestedBy = user };

        var (accepted, rejection) = await _jobs.SendAsync(create);

        Assert.False(accepted);
        Assert.Equal(("forbidden", "requestedBy"), (rejection!.ReasonCode, rejection.Field));
        Assert.Null(_jobs.Instance(create.JobId));
    }
}
