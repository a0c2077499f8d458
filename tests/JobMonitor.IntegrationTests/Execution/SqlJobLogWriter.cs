using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using Npgsql;

namespace JobMonitor.IntegrationTests.Execution;

/// <summary>Stands in for persistence's log store.</summary>
public sealed class SqlJobLogWriter(NpgsqlDataSource database) : IJobLogWriter
{
    public async Task AppendAsync(IReadOnlyList<JobLogEntry> entries, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        foreach (var e in entries)
        {
            var command = new NpgsqlBatchCommand(
                "INSERT INTO jobmonitor.job_log (job_id, exec, step, op, level, text, at, trace_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
            command.Parameters.Add(new NpgsqlParameter { Value = e.JobId });
            command.Parameters.Add(new NpgsqlParameter { Value = e.Exec });
            command.Parameters.Add(new NpgsqlParameter { Value = e.Step });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.Op ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = e.Level.Wire() });
            command.Parameters.Add(new NpgsqlParameter { Value = e.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = e.At });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.TraceId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
