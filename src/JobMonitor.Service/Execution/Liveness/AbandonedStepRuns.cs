using System.Diagnostics;
using JobMonitor.Service.Persistence;
using Npgsql;

namespace JobMonitor.Service.Execution.Liveness;

/// <summary>Finds and marks the step runs whose lease expired or was released while their job still waits for them.</summary>
public sealed class AbandonedStepRuns(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Marks the step runs whose lease was released, or was last renewed more than <paramref name="threshold"/> before
    /// now, counting no renewal from before <paramref name="watchingSince"/> (null: judge no expiry) nor from before the
    /// database's own start; hands them to <paramref name="report"/> before committing: a failed report rolls the marks
    /// back for the next sweep. A sweep slower than <paramref name="longest"/> is rolled back too: a stall that delayed
    /// it may have delayed the renewals as well. A concurrent sweep waits on the row locks and then skips the rows
    /// (abandoned_at is set), so one instance reports.
    /// </summary>
    public async Task<LeaseSweep> SweepAsync(TimeSpan threshold, DateTimeOffset? watchingSince, TimeSpan longest,
        Func<IReadOnlyList<AbandonedStepRun>, Task> report, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        DateTimeOffset began;
        await using (var now = new NpgsqlCommand("SELECT now()", connection, transaction))
        await using (var reader = await now.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            began = reader.GetFieldValue<DateTimeOffset>(0);
        }
        var found = await StepRunLeases.MarkAbandonedAsync(connection, transaction, threshold, watchingSince, cancellationToken);
        if (clock.Elapsed > longest)
            return new LeaseSweep(began, 0, Stalled: true);
        if (found.Count == 0)
            return new LeaseSweep(began, 0, Stalled: false);
        await report(found);
        await transaction.CommitAsync(cancellationToken);
        return new LeaseSweep(began, found.Count, Stalled: false);
    }
}

/// <summary>One sweep: when it began (database clock), how many step runs it reported, whether it was too slow to count.</summary>
public sealed record LeaseSweep(DateTimeOffset Began, int Reported, bool Stalled);
