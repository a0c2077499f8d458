using JobMonitor.Faults;

namespace JobMonitor.FaultTests;

[Collection(FaultSuite.Name)]
public sealed class DuplicateDeliveryTests
{
    [FaultFact]
    public async Task Every_message_delivered_twice_has_no_double_effect()
    {
        var figures = await FaultSuite.RunAsync(FaultRows.DuplicateDeliveryAsync);

        Assert.True(figures.QueuesDoubled > 0 && figures.CopiesDelivered >= figures.Jobs, $"the messages were not doubled: {figures}");
        Assert.True(figures.Tally.Count("Finished") == figures.Jobs, $"jobs not Finished: {figures}");
        Assert.True(figures.Tally.OpsTwice == 0, $"ops run twice: {figures}");
        Assert.True(figures.Tally.LogLinesTwice == 0, $"log lines written twice: {figures}");
        Assert.True(figures.Tally.AuditTwice == 0, $"audit entries written twice: {figures}");
        Assert.True(figures.Tally.StepsTwice == 0, $"transitions applied twice: {figures}");
        Assert.True(figures.ErrorQueueMessages == 0, $"messages parked in _error queues: {figures}");
    }
}
