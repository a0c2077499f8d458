using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;

namespace JobMonitor.Specs.Execution;

public sealed class OpOutcomeSpecs
{
    [Theory]
    [InlineData(OpErrorPolicy.Fail, OpOutcomes.Error)]
    [InlineData(OpErrorPolicy.Ignore, OpOutcomes.Warning)]
    [InlineData(OpErrorPolicy.Trap, OpOutcomes.Trapped)]
    public void A_failed_op_ends_as_its_on_error_policy_says(OpErrorPolicy onError, string outcome) =>
        Assert.Equal(outcome, OpRunner.OutcomeOf("boom", onError));

    [Theory]
    [InlineData(OpErrorPolicy.Fail)]
    [InlineData(OpErrorPolicy.Ignore)]
    [InlineData(OpErrorPolicy.Trap)]
    public void An_op_without_error_succeeds_whatever_its_policy(OpErrorPolicy onError) =>
        Assert.Equal(OpOutcomes.Success, OpRunner.OutcomeOf(null, onError));
}
