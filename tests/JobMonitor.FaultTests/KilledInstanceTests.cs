using JobMonitor.Faults;

namespace JobMonitor.FaultTests;

[Collection(FaultSuite.Name)]
public sealed class KilledInstanceTests
{
    [FaultFact]
    public async Task Kill_9_of_one_of_two_instances_abends_its_steps_within_20_s_and_the_survivor_finishes_every_other_job()
    {
        var figures = await FaultSuite.RunAsync(FaultRows.KillOneOfTwoAsync);

        Assert.True(figures.KilledSteps > 0, $"the killed instance ran no step: {figures}");
        Assert.True(figures.KilledStepsFinalSeconds <= FaultRows.AbendWithin.TotalSeconds, $"the killed instance's steps were not final within 20 s: {figures}");
        Assert.True(figures.Tally.Stranded == 0, $"jobs stranded: {figures}");
        Assert.True(figures.Tally.UnexpectedAbend == 0, $"Abend for a job whose worker lived: {figures}");
        Assert.True(figures.Tally.Count("Finished") + figures.Tally.Count("Abend") == figures.Jobs, $"jobs neither Finished nor Abend: {figures}");
        Assert.True(figures.Tally.OpsTwice == 0, $"ops run twice: {figures}");
        Assert.True(figures.ErrorQueueMessages == 0, $"messages parked in _error queues: {figures}");
    }
}
