using System.Diagnostics;
using JobMonitor.IntegrationTests.Liveness;
using JobMonitor.IntegrationTests.Persistence;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Recovery;
using JobMonitor.Service.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace JobMonitor.IntegrationTests.Recovery;

/// <summary>The reconciler's sweep on a real database; the re-drives it publishes are seen on MassTransit's test harness.</summary>
public sealed class JobReconcilerTests(MigratedDatabase database) : SweepTestBase(database), IClassFixture<MigratedDatabase>
{
    static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    static readonly TimeSpan Overdue = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_step_dispatched_and_never_leased_past_the_grace_is_re_driven_once_however_many_instances_sweep()
    {
        var (jobId, stepRunId) = await JobAsync("Ready", "Pre", updatedAgo: Overdue);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ => await (await ReconcilerAsync()).SweepAsync(Ct)));
        await (await ReconcilerAsync()).SweepAsync(Ct);

        var redrive = Assert.Single(Redrives(jobId));
        Assert.Equal((JobRecoveryKind.Dispatch, stepRunId), (redrive.Kind, redrive.StepRunId));
    }

    [Fact]
    public async Task A_stored_result_the_saga_never_applied_is_sent_again()
    {
        var (jobId, stepRunId) = await JobAsync("Running", "Pre", updatedAgo: Overdue);
        var result = new StepRunFinished
        {
            JobId = jobId,
            StepRunId = stepRunId,
            Succeeded = false,
            Error = "op build failed: exit 3",
            Ops = [new OpResult { Index = 0, Name = "build", Outcome = "error", StartedAt = DateTimeOffset.UtcNow.AddMinutes(-3), EndedAt = DateTimeOffset.UtcNow.AddMinutes(-2), Error = "exit 3" }],
            Worker = "w1",
        };
        await LeaseAsync(stepRunId, jobId, finishedAgo: Overdue, result);

        await (await ReconcilerAsync()).SweepAsync(Ct);

        var redrive = Assert.Single(Redrives(jobId));
        Assert.Equal(JobRecoveryKind.Result, redrive.Kind);
        Assert.NotNull(redrive.Result);
        Assert.Equal((result.StepRunId, result.Succeeded, result.Error, "w1"), (redrive.Result.StepRunId, redrive.Result.Succeeded, redrive.Result.Error, redrive.Result.Worker));
        Assert.Equal("exit 3", Assert.Single(redrive.Result.Ops).Error);
    }

    [Fact]
    public async Task A_job_waiting_at_its_run_gate_past_the_scheduled_date_is_re_driven()
    {
        var (jobId, _) = await JobAsync("Ready", "Run", updatedAgo: Overdue, current: false);

        await (await ReconcilerAsync()).SweepAsync(Ct);

        Assert.Equal(JobRecoveryKind.RunGate, Assert.Single(Redrives(jobId)).Kind);
    }

    [Fact]
    public async Task A_re_drive_is_sent_from_a_span_in_the_trace_of_the_jobs_execution()
    {
        var (jobId, _) = await JobAsync("Ready", "Run", updatedAgo: Overdue, current: false);
        var execution = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        await using (var command = (await DataSourceAsync()).CreateCommand(
            "UPDATE jobmonitor.jobs SET data = jsonb_build_object('traceParent', @trace_parent::text) WHERE id = @job"))
        {
            command.Parameters.AddWithValue("trace_parent", $"00-{execution.TraceId}-{execution.SpanId}-01");
            command.Parameters.AddWithValue("job", jobId);
            await command.ExecuteNonQueryAsync(Ct);
        }
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == JobMonitorTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await (await ReconcilerAsync()).SweepAsync(Ct);

        Assert.Single(Redrives(jobId));
        var span = Assert.Single(spans, s => Equals(s.GetTagItem(JobTags.Id), jobId));
        Assert.Equal(("recover RunGate", execution.TraceId, execution.SpanId), (span.DisplayName, span.TraceId, span.ParentSpanId));
    }

    [Fact]
    public async Task A_leased_step_a_fresh_dispatch_and_a_fresh_result_are_left_alone()
    {
        var (leased, leasedRun) = await JobAsync("Running", "Pre", updatedAgo: Overdue);
        await LeaseAsync(leasedRun, leased, finishedAgo: null, result: null);
        var (fresh, _) = await JobAsync("Ready", "Pre", updatedAgo: TimeSpan.FromSeconds(1));
        var (finishing, finishingRun) = await JobAsync("Running", "Pre", updatedAgo: Overdue);
        await LeaseAsync(finishingRun, finishing, finishedAgo: TimeSpan.FromSeconds(1),
            new StepRunFinished { JobId = finishing, StepRunId = finishingRun, Succeeded = true, Ops = [] });

        await (await ReconcilerAsync()).SweepAsync(Ct);

        Assert.Empty(Redrives(leased));
        Assert.Empty(Redrives(fresh));
        Assert.Empty(Redrives(finishing));
    }

    List<RecoverJob> Redrives(Guid jobId) => PublishedFor<RecoverJob>(jobId, m => m.JobId);

    async Task<JobReconciler> ReconcilerAsync() => new(
        new OverdueJobs(await DataSourceAsync()),
        Harness.Bus,
        TimeProvider.System,
        Options.Create(new ReconcilerOptions { Grace = Grace }),
        NullLogger<JobReconciler>.Instance);

    /// <summary>A job last moved <paramref name="updatedAgo"/> ago, with a current step run unless <paramref name="current"/> is false.</summary>
    async Task<(Guid JobId, Guid StepRunId)> JobAsync(string status, string step, TimeSpan updatedAgo, bool current = true)
    {
        var stepRunId = Guid.NewGuid();
        return (await JobAsync(status, step, current ? stepRunId : null, updatedAgo), stepRunId);
    }

    async Task LeaseAsync(Guid stepRunId, Guid jobId, TimeSpan? finishedAgo, StepRunFinished? result)
    {
        const string sql = """
            INSERT INTO jobmonitor.step_runs (step_run_id, job_id, worker, claimed_at, heartbeat_at, finished_at, result)
            VALUES (@run, @job, 'w1', now() - interval '5 minutes', now(), now() - @finished_ago, @result::jsonb)
            """;
        await using var command = (await DataSourceAsync()).CreateCommand(sql);
        command.Parameters.AddWithValue("run", stepRunId);
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.Add(new Npgsql.NpgsqlParameter("finished_ago", NpgsqlTypes.NpgsqlDbType.Interval) { Value = (object?)finishedAgo ?? DBNull.Value });
        command.Parameters.Add(new Npgsql.NpgsqlParameter("result", NpgsqlTypes.NpgsqlDbType.Text)
        {
            Value = result is null ? DBNull.Value : ExecutionLedger.WriteResult(result),
        });
        await command.ExecuteNonQueryAsync(Ct);
    }
}
