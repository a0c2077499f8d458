using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;

namespace JobMonitor.Specs.Execution;

public sealed class OpOutcomeSpecs
{
    [Theory]
    [InlineData(OpErrorPolicy.Fail, OpOutcome.Error)]
    [InlineData(OpErrorPolicy.Ignore, OpOutcome.Warning)]
    [InlineData(OpErrorPolicy.Trap, OpOutcome.Trapped)]
    public void A_failed_op_ends_as_its_on_error_policy_says(OpErrorPolicy onError, OpOutcome outcome) =>
        Assert.Equal(outcome, OpRunner.OutcomeOf("boom", onError));

    [Theory]
    [InlineData(OpErrorPolicy.Fail)]
    [InlineData(OpErrorPolicy.Ignore)]
    [InlineData(OpErrorPolicy.Trap)]
    public void An_op_without_error_succeeds_whatever_its_policy(OpErrorPolicy onError) =>
        Assert.Equal(OpOutcome.Success, OpRunner.OutcomeOf(null, onError));
}

public sealed class OpOutcomeDocumentSpecs
{
    [Fact]
    public void The_job_document_keeps_the_lower_case_names_and_reads_them_back()
    {
        var step = new StepRecord { Outcome = OpOutcome.Warning, Ops = [new OpRecord { Outcome = OpOutcome.Trapped }] };

        var json = System.Text.Json.JsonSerializer.Serialize(step, JobMonitor.Service.Persistence.JobJson.Options);
        var read = System.Text.Json.JsonSerializer.Deserialize<StepRecord>(
            """{"outcome":"skipped","ops":[{"outcome":"success"},{"outcome":"pending"}]}""", JobMonitor.Service.Persistence.JobJson.Options);

        Assert.Contains("\"outcome\":\"warning\"", json, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"trapped\"", json, StringComparison.Ordinal);
        Assert.Equal(OpOutcome.Skipped, read!.Outcome);
        Assert.Equal([OpOutcome.Success, OpOutcome.Pending], read.Ops.Select(o => o.Outcome));
    }

    [Fact]
    public void Every_outcome_reads_back_from_its_wire_name_and_an_unknown_one_is_refused()
    {
        Assert.All(Enum.GetValues<OpOutcome>(), o => Assert.Equal(o, OpOutcomes.Parse(o.Wire())));
        Assert.Throws<FormatException>(() => OpOutcomes.Parse("Success"));
    }
}
