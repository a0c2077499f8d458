using JobMonitor.Service.Persistence;
using Npgsql;

namespace JobMonitor.Service.Execution.Recovery;

/// <summary>A re-drive to send, and the trace of the job's execution it belongs to.</summary>
public sealed record OverdueMove(RecoverJob Message, string? TraceParent);

/// <summary>
/// Finds the jobs whose next move is overdue and takes the right to re-drive each one (job_recoveries: once per grace
/// time and kind, whatever the number of instances sweeping).
/// </summary>
public sealed class OverdueJobs(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Hands the overdue jobs to <paramref name="redrive"/> before committing their recovery marks: a failed
    /// re-drive rolls them back for the next sweep.
    /// </summary>
    public async Task<int> SweepAsync(TimeSpan grace, int batchSize, Func<IReadOnlyList<OverdueMove>, Task> redrive, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var found = (await JobRecoveryClaims.ClaimOverdueAsync(connection, transaction, grace, batchSize, cancellationToken))
            .Select(job => new OverdueMove(new RecoverJob
            {
                JobId = job.JobId,
                Kind = Enum.Parse<JobRecoveryKind>(job.Kind),
                StepRunId = job.StepRunId,
                Result = job.Result is null ? null : ExecutionLedger.ReadResult(job.Result),
            }, job.TraceParent))
            .ToList();
        if (found.Count == 0)
            return 0;
        await redrive(found);
        await transaction.CommitAsync(cancellationToken);
        return found.Count;
    }
}
