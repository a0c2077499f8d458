using JobMonitor.Faults;

namespace JobMonitor.FaultTests;

/// <summary>The broker or the database goes away under load and comes back: the workers were alive all along.</summary>
[Collection(FaultSuite.Name)]
public sealed class ServerOutageTests
{
    [Fact(Skip = FaultSuite.Off, SkipUnless = nameof(FaultSuite.Enabled), SkipType = typeof(FaultSuite))]
    public async Task RabbitMQ_down_15_s_under_load_strands_no_job_and_abends_none() =>
        AssertRecovered(await FaultSuite.RunAsync(s => FaultRows.RabbitMqDownAsync(s, TimeSpan.FromSeconds(15))));

    [Fact(Skip = FaultSuite.Off, SkipUnless = nameof(FaultSuite.Enabled), SkipType = typeof(FaultSuite))]
    public async Task RabbitMQ_down_60_s_under_load_strands_no_job_and_abends_none() =>
        AssertRecovered(await FaultSuite.RunAsync(s => FaultRows.RabbitMqDownAsync(s, TimeSpan.FromSeconds(60))));

    [Fact(Skip = FaultSuite.Off, SkipUnless = nameof(FaultSuite.Enabled), SkipType = typeof(FaultSuite))]
    public async Task PostgreSQL_down_15_s_under_load_strands_no_job_abends_none_and_parks_nothing() =>
        AssertRecovered(await FaultSuite.RunAsync(s => FaultRows.PostgresDownAsync(s, TimeSpan.FromSeconds(15))));

    [Fact(Skip = FaultSuite.Off, SkipUnless = nameof(FaultSuite.Enabled), SkipType = typeof(FaultSuite))]
    public async Task PostgreSQL_down_60_s_under_load_strands_no_job_abends_none_and_parks_nothing() =>
        AssertRecovered(await FaultSuite.RunAsync(s => FaultRows.PostgresDownAsync(s, TimeSpan.FromSeconds(60))));

    // SPEC §11: 0 stranded, 0 Abend, every job final within 60 s of the return (the row's deadline), nothing parked.
    static void AssertRecovered(FaultFigures figures)
    {
        Assert.True(figures.Tally.Stranded == 0, $"jobs stranded (not final 60 s after the return): {figures}");
        Assert.True(figures.Tally.Count("Abend") == 0, $"Abend although every worker lived: {figures}");
        Assert.True(figures.Tally.Count("Finished") == figures.Jobs, $"jobs not Finished: {figures}");
        Assert.True(figures.Tally.OpsTwice == 0, $"ops run twice: {figures}");
        Assert.True(figures.ErrorQueueMessages == 0, $"messages parked in _error queues: {figures}");
    }
}
