using JobMonitor.Faults;

namespace JobMonitor.FaultTests;

[Collection(FaultSuite.Name)]
public sealed class InstancesOnOneBrokerTests
{
    [FaultFact]
    public async Task Two_instances_apply_each_jobs_commands_in_published_order_and_fire_each_trigger_once()
    {
        var figures = await FaultSuite.RunAsync(FaultRows.CommandOrderAsync);

        Assert.True(figures.Reordered == 0, $"commands applied out of order: {figures}");
        Assert.True(figures.TriggersLost == 0, $"triggers lost: {figures}");
        Assert.True(figures.Tally.Count("Finished") == figures.Jobs, $"jobs not Finished: {figures}");
        Assert.True(figures.Tally.OpsTwice == 0, $"triggers fired twice (ops run twice): {figures}");
        Assert.True(figures.Tally.AuditTwice == 0, $"commands applied twice: {figures}");
        Assert.True(figures.ErrorQueueMessages == 0, $"messages parked in _error queues: {figures}");
    }
}
