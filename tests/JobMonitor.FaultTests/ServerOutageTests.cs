using JobMonitor.Faults;

namespace JobMonitor.FaultTests;

/// <summary>The broker or the database goes away under load and comes back: the workers were alive all along.</summary>
[Collection(FaultSuite.Name)]
public sealed class ServerOutageTests
{
    public const string RabbitMq = "RabbitMQ";
    public const string Postgres = "PostgreSQL";

    [FaultTheory]
    [InlineData(RabbitMq, 15)]
    [InlineData(RabbitMq, 60)]
    [InlineData(Postgres, 15)]
    [InlineData(Postgres, 60)]
    public async Task A_server_down_under_load_strands_no_job_abends_none_runs_no_op_twice_and_parks_nothing(string server, int seconds)
    {
        var outage = TimeSpan.FromSeconds(seconds);
        var figures = await FaultSuite.RunAsync(s => server == RabbitMq ? FaultRows.RabbitMqDownAsync(s, outage) : FaultRows.PostgresDownAsync(s, outage));

        // SPEC §11: 0 stranded, 0 Abend, every job final within 60 s of the return (the row's deadline), nothing parked.
        Assert.True(figures.Tally.Stranded == 0, $"jobs stranded (not final 60 s after the return): {figures}");
        Assert.True(figures.Tally.Count("Abend") == 0, $"Abend although every worker lived: {figures}");
        Assert.True(figures.Tally.Count("Finished") == figures.Jobs, $"jobs not Finished: {figures}");
        Assert.True(figures.Tally.OpsTwice == 0, $"ops run twice: {figures}");
        Assert.True(figures.ErrorQueueMessages == 0, $"messages parked in _error queues: {figures}");
    }
}
