using JobMonitor.Faults;

namespace JobMonitor.FaultTests;

[Collection(FaultSuite.Name)]
public sealed class RollingRestartTests
{
    [FaultFact]
    public async Task SIGTERM_of_an_instance_running_steps_takes_no_new_work_lets_its_steps_finish_and_fails_no_job()
    {
        var figures = await FaultSuite.RunAsync(FaultRows.RollingRestartAsync);

        Assert.True(figures.ExitSeconds is not null, $"the instance did not stop within its drain time-out: {figures}");
        Assert.True(figures.ClaimedAfterSignal == 0, $"the instance took new work after SIGTERM: {figures}");
        Assert.True(figures.Tally.Count("Finished") == figures.Jobs, $"jobs not Finished (failed or left by the restart): {figures}");
        Assert.True(figures.Tally.OpsTwice == 0, $"ops run twice: {figures}");
        Assert.True(figures.ErrorQueueMessages == 0, $"messages parked in _error queues: {figures}");
    }
}
