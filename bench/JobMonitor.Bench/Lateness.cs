namespace JobMonitor.Bench;

/// <summary>Jobs whose RUN is due over the next seconds: how late (or early) RUN starts against its date.</summary>
public static class Lateness
{
    /// <summary>
    /// The first date is this far after publishing, so PRE has run when RUN is due: what is measured is the
    /// trigger, not a PRE still queued behind the others.
    /// </summary>
    static readonly TimeSpan Lead = TimeSpan.FromSeconds(2);

    /// <param name="PreLate">Jobs whose PRE ended after their date (late through PRE's queue, not the trigger).</param>
    /// <param name="TriggerP99">p99 over the other jobs: the trigger's own lateness.</param>
    /// <param name="Stranded">Jobs not in a final status when the run's deadline passed (their RUN, if it started, still counts).</param>
    /// <param name="NotStarted">Jobs whose RUN never started (stranded, or expired): the percentiles leave them out.</param>
    public sealed record Result(int Jobs, double P50, double P99, double Max, int Early, int PreLate, double TriggerP99,
        long Stranded, int NotStarted);

    public static async Task<Result> RunAsync(BenchHost host, RawPublisher publisher, int jobs, TimeSpan spread)
    {
        var start = DateTimeOffset.UtcNow + Lead;
        var ids = Enumerable.Range(0, jobs).Select(_ => Guid.NewGuid()).ToList();
        var messages = ids
            .Select((id, i) => new RawMessage(CreateJobs.DueAt(id, start + spread * i / jobs)))
            .ToList();
        await publisher.PublishAsync(CreateJobs.Exchange, "", messages);

        var table = new JobsTable(host.Database);
        var stranded = await table.WaitAllFinalAsync(ids, Lead + spread + Throughput.Timeout(jobs));
        var runs = await table.RunLatenessAsync(ids);
        var lateness = runs.Select(r => r.LatenessMs).Order().ToList();
        var triggered = runs.Where(r => !r.PreLate).Select(r => r.LatenessMs).Order().ToList();
        return new Result(jobs, Percentile(lateness, 0.50), Percentile(lateness, 0.99), lateness.Count == 0 ? double.NaN : lateness[^1],
            lateness.Count(ms => ms < 0), runs.Count(r => r.PreLate), Percentile(triggered, 0.99), stranded, jobs - runs.Count);
    }

    /// <summary>Nearest rank; NaN of nothing.</summary>
    internal static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
