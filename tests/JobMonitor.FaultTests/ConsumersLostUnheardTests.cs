using JobMonitor.Faults;

namespace JobMonitor.FaultTests;

/// <summary>
/// The broker stops delivering to the instance's consumers without telling it, as after a broker restart whose channel
/// shutdown the client never heard: the instance finds out by itself (its endpoint watchdog) and consumes again.
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class ConsumersLostUnheardTests
{
    [FaultFact]
    public async Task Consumers_cancelled_at_the_broker_unheard_are_restored_and_strand_no_job()
    {
        var figures = await FaultSuite.RunAsync(FaultRows.ConsumersLostUnheardAsync);

        // As for an outage: every job final within 60 s of the fault, none Abend (the worker lived), nothing parked.
        Assert.True(figures.Tally.Stranded == 0, $"jobs stranded (not final 60 s after the consumers were lost): {figures}");
        Assert.True(figures.Tally.Count("Abend") == 0, $"Abend although the worker lived: {figures}");
        Assert.True(figures.Tally.Count("Finished") == figures.Jobs, $"jobs not Finished: {figures}");
        Assert.True(figures.Tally.OpsTwice == 0, $"ops run twice: {figures}");
        Assert.True(figures.ErrorQueueMessages == 0, $"messages parked in _error queues: {figures}");
    }
}
