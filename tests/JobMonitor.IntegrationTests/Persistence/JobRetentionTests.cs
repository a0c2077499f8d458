using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit;

namespace JobMonitor.IntegrationTests.Persistence;

/// <summary>
/// The retention sweep on a database of its own. A sweep takes every expired job of the database, so each test
/// asserts on its own jobs, and the counts against the whole list.
/// </summary>
public sealed class JobRetentionTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    static readonly TimeSpan Retention = TimeSpan.FromDays(90);
    static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    static readonly DateTimeOffset Cutoff = Now - Retention;
    static readonly IReadOnlyList<ScopePattern> Everything = [ScopePattern.Parse("*/*")];

    [Fact]
    public async Task An_ended_job_past_the_retention_leaves_with_its_log_runs_recovery_marks_and_triggers_and_its_audit_and_id_stay()
    {
        var dataSource = await database.DataSourceAsync();
        var job = await InsertAsync(dataSource, JobStatus.Finished, endedAgo: TimeSpan.FromDays(91));
        await AddExecutionRowsAsync(dataSource, job, pendingHangfireJob: "hf-" + job.ToString("N"));

        var purged = await JobRetention.SweepAsync(dataSource, Cutoff, batch: 100, Cancellation);

        Assert.True(purged.Jobs >= 1);
        // Its log line, step run, op run, reconciler mark and trigger at least (another test's expired job may go in the same sweep).
        Assert.True(purged.Rows >= 5);
        Assert.Contains("hf-" + job.ToString("N"), purged.PendingHangfireJobs);
        Assert.Equal(
            new Dictionary<string, long> { ["jobs"] = 0, ["job_log"] = 0, ["step_runs"] = 0, ["op_runs"] = 0, ["job_recoveries"] = 0, ["job_triggers"] = 0, ["job_audit"] = 1, ["deleted_jobs"] = 1 },
            await RowsOfAsync(dataSource, job));
    }

    [Fact]
    public async Task Open_jobs_and_jobs_ended_within_the_retention_are_kept_whatever_their_age()
    {
        var dataSource = await database.DataSourceAsync();
        var recent = await InsertAsync(dataSource, JobStatus.Error, endedAgo: TimeSpan.FromDays(89));
        // Created a year ago and never ended: open jobs are never purged, however old.
        var running = await InsertAsync(dataSource, JobStatus.Running, endedAgo: null);
        var trapped = await InsertAsync(dataSource, JobStatus.Trapped, endedAgo: null);
        // A job rerun after it ended keeps no end date; were one left, its status still keeps it.
        var rerun = await InsertAsync(dataSource, JobStatus.Ready, endedAgo: TimeSpan.FromDays(200));
        foreach (var job in new[] { recent, running, trapped, rerun })
            await AddExecutionRowsAsync(dataSource, job, pendingHangfireJob: null);

        await JobRetention.SweepAsync(dataSource, Cutoff, batch: 100, Cancellation);

        foreach (var job in new[] { recent, running, trapped, rerun })
            Assert.Equal(
                new Dictionary<string, long> { ["jobs"] = 1, ["job_log"] = 1, ["step_runs"] = 1, ["op_runs"] = 1, ["job_recoveries"] = 1, ["job_triggers"] = 1, ["job_audit"] = 1, ["deleted_jobs"] = 0 },
                await RowsOfAsync(dataSource, job));
    }

    [Fact]
    public async Task Every_ended_status_is_purged_in_batches_and_the_counts_still_match_the_list()
    {
        var dataSource = await database.DataSourceAsync();
        var expired = new List<Guid>();
        foreach (var status in JobRetention.EndedStatuses)
            expired.Add(await InsertAsync(dataSource, status, endedAgo: TimeSpan.FromDays(100)));
        await InsertAsync(dataSource, JobStatus.Finished, endedAgo: TimeSpan.FromDays(1));
        await JobCounts.FoldAsync(dataSource, Cancellation);

        var purged = await JobRetention.SweepAsync(dataSource, Cutoff, batch: 2, Cancellation);

        Assert.True(purged.Jobs >= expired.Count);
        foreach (var job in expired)
            Assert.Equal(0, (await RowsOfAsync(dataSource, job))["jobs"]);
        var store = new JobReadStore(dataSource);
        // Once unfolded, once folded: a count reads totals plus changes, exact either way.
        Assert.Equal(await CountListedAsync(dataSource), await store.CountAsync(new JobListFilter(), Everything, Cancellation));
        await JobCounts.FoldAsync(dataSource, Cancellation);
        Assert.Equal(await CountListedAsync(dataSource), await store.CountAsync(new JobListFilter(), Everything, Cancellation));
    }

    [Fact]
    public async Task While_another_instance_holds_the_turn_a_sweep_removes_nothing()
    {
        var dataSource = await database.DataSourceAsync();
        var job = await InsertAsync(dataSource, JobStatus.Canceled, endedAgo: TimeSpan.FromDays(120));

        await AssertKeptWhileHeldThenPurgedAsync(dataSource, job, "SELECT pg_advisory_xact_lock(hashtext('jobmonitor.job_retention'))");
    }

    [Fact]
    public async Task A_job_locked_by_a_saga_save_is_left_for_a_later_sweep()
    {
        var dataSource = await database.DataSourceAsync();
        var job = await InsertAsync(dataSource, JobStatus.Finished, endedAgo: TimeSpan.FromDays(95));

        await AssertKeptWhileHeldThenPurgedAsync(dataSource, job, "SELECT 1 FROM jobmonitor.jobs WHERE id = @id FOR UPDATE");
    }

    [Fact]
    public async Task A_retention_of_zero_keeps_every_job_and_the_sweeper_does_not_run()
    {
        var dataSource = await database.DataSourceAsync();
        var job = await InsertAsync(dataSource, JobStatus.Finished, endedAgo: TimeSpan.FromDays(3_000));
        var options = Options.Create(new JobRetentionOptions { Retention = TimeSpan.Zero });
        using var sweeper = new JobRetentionSweeper(dataSource, new RefusingHangfire(), options, TimeProvider.System, NullLogger<JobRetentionSweeper>.Instance);

        await sweeper.StartAsync(Cancellation);

        // An enabled sweeper runs until stopped: this wait would time out.
        await Assert.IsAssignableFrom<Task>(sweeper.ExecuteTask).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.Equal(1, (await RowsOfAsync(dataSource, job))["jobs"]);
        await sweeper.StopAsync(Cancellation);
    }

    /// <summary>
    /// While another transaction holds what <paramref name="holdSql"/> takes, a sweep neither waits nor removes the
    /// job; once it ends, the next sweep does.
    /// </summary>
    static async Task AssertKeptWhileHeldThenPurgedAsync(NpgsqlDataSource dataSource, Guid job, string holdSql)
    {
        await using (var other = await dataSource.OpenConnectionAsync(Cancellation))
        await using (var transaction = await other.BeginTransactionAsync(Cancellation))
        {
            await using var hold = new NpgsqlCommand(holdSql, other, transaction);
            hold.Parameters.AddWithValue("id", job);
            await hold.ExecuteNonQueryAsync(Cancellation);

            await JobRetention.SweepAsync(dataSource, Cutoff, batch: 100, Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
            Assert.Equal(1, (await RowsOfAsync(dataSource, job))["jobs"]);
        }

        await JobRetention.SweepAsync(dataSource, Cutoff, batch: 100, Cancellation);
        Assert.Equal(0, (await RowsOfAsync(dataSource, job))["jobs"]);
    }

    static async Task<Guid> InsertAsync(NpgsqlDataSource dataSource, JobStatus status, TimeSpan? endedAgo)
    {
        var job = JobSagaTransactionTests.NewJob(createdAt: Now - TimeSpan.FromDays(365));
        job.CurrentState = status.StateName();
        job.EndedAt = Now - endedAgo;
        job.PendingLog.Add(new JobLogEntry { JobId = job.CorrelationId, Exec = 1, Step = "Run", Level = JobLogLevel.Info, Text = "deployed", At = job.CreatedAt });
        job.PendingAudit.Add(new AuditEntry
        {
            JobId = job.CorrelationId, JobKey = job.Key, CommandId = Guid.NewGuid(), Action = "approve", User = "ana",
            FromStatus = JobStatus.WaitingForApproval.StateName(), ToStatus = JobStatus.Ready.StateName(), At = job.CreatedAt,
        });
        await using var transaction = await JobSagaTransaction.BeginAsync(dataSource, Cancellation);
        await transaction.InsertAsync(job, Cancellation);
        await transaction.CommitAsync();
        return job.CorrelationId;
    }

    static async Task AddExecutionRowsAsync(NpgsqlDataSource dataSource, Guid job, string? pendingHangfireJob)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO jobmonitor.step_runs (step_run_id, job_id, worker, claimed_at, heartbeat_at, finished_at)
            VALUES (@run, @job, 'w1', @at, @at, @at);
            INSERT INTO jobmonitor.op_runs (step_run_id, op_index, job_id, worker, started_at, ended_at, outcome)
            VALUES (@run, 0, @job, 'w1', @at, @at, 'success');
            INSERT INTO jobmonitor.job_recoveries (job_id, kind, recovered_at) VALUES (@job, 'Dispatch', @at);
            INSERT INTO jobmonitor.job_triggers (job_id, kind, job_key, due_at, token, hangfire_job_id, armed_at, fired_at)
            VALUES (@job, 'TrapTimeout', 'k', @at, 1, @hangfire, @at, NULL);
            """);
        command.Parameters.AddWithValue("run", Guid.NewGuid());
        command.Parameters.AddWithValue("job", job);
        command.Parameters.AddWithValue("at", Now - TimeSpan.FromDays(365));
        command.Parameters.AddWithValue("hangfire", (object?)pendingHangfireJob ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    static async Task<Dictionary<string, long>> RowsOfAsync(NpgsqlDataSource dataSource, Guid job)
    {
        string[] tables = ["jobs", "job_log", "step_runs", "op_runs", "job_recoveries", "job_triggers", "job_audit", "deleted_jobs"];
        var rows = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var command = dataSource.CreateCommand(
                $"SELECT count(*) FROM jobmonitor.{table} WHERE {(table == "jobs" ? "id" : "job_id")} = @job");
            command.Parameters.AddWithValue("job", job);
            rows[table] = (long)(await command.ExecuteScalarAsync(Cancellation))!;
        }
        return rows;
    }

    static async Task<Dictionary<JobStatus, long>> CountListedAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT status, count(*) FROM jobmonitor.jobs GROUP BY status");
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        var counts = new Dictionary<JobStatus, long>();
        while (await reader.ReadAsync(Cancellation))
            counts[JobStatuses.OfState(reader.GetString(0))] = reader.GetInt64(1);
        return counts;
    }

    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The sweeper's Hangfire client when it must not be reached.</summary>
    sealed class RefusingHangfire : IBackgroundJobClient
    {
        public string Create(Job job, IState state) => throw new InvalidOperationException("The sweeper must not schedule.");

        public bool ChangeState(string jobId, IState state, string expectedState) =>
            throw new InvalidOperationException("A disabled sweeper must not touch Hangfire.");
    }
}
