using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;
using Xunit;

namespace JobMonitor.IntegrationTests.Execution;

public sealed class StepRunnerTests(ExecutionHost host) : IClassFixture<ExecutionHost>
{
    static OpDefinition Log(string name, string message, string? level = null) =>
        new() { Name = name, Kind = OpKind.Log, Params = new OpParams { Message = message, Level = level } };

    static OpDefinition Delay(string name, TimeSpan duration) =>
        new() { Name = name, Kind = OpKind.Delay, Duration = duration };

    static OpDefinition Script(string name, string script, IReadOnlyList<string>? args = null,
        IReadOnlyDictionary<string, string>? env = null, OpErrorPolicy onError = OpErrorPolicy.Fail, IReadOnlyList<string>? secret = null) =>
        new()
        {
            Name = name,
            Kind = OpKind.Script,
            Params = new OpParams { Script = script, Args = args, Env = env },
            OnError = onError,
            Secret = secret ?? [],
        };

    [Fact]
    public async Task A_step_of_log_script_and_delay_runs_its_ops_in_order_and_reports_them()
    {
        var jobId = await host.CreateJobAsync();

        var step = await host.SendAsync(jobId,
            Log("greet", "hello from the op", "warn"),
            Script("build", "streams", ["alpha", "beta"]),
            Delay("settle", TimeSpan.FromMilliseconds(100)));
        var finished = await host.Reports.FinishedAsync(step.StepRunId);

        Assert.True(finished.Succeeded, finished.Error);
        Assert.Equal(["greet", "build", "settle"], finished.Ops.Select(o => o.Name));
        Assert.All(finished.Ops, o => Assert.Equal(OpOutcome.Success.Wire(), o.Outcome));
        Assert.Equal(["greet", "build"], host.Reports.ProgressOf(step.StepRunId).Select(p => p.Op.Name));

        var opRuns = await host.OpRunsOfAsync(step.StepRunId);
        Assert.Equal([0, 1, 2], opRuns.Select(r => r.Index));
        Assert.All(opRuns, r => Assert.True(r.Ended && r.Outcome == OpOutcome.Success.Wire() && r.Worker == "test-worker"));

        var log = await host.LogOfAsync(jobId);
        Assert.All(log, l => Assert.Equal("PRE", l.Step));
        Assert.Contains(new LogLine("PRE", "greet", "warn", "hello from the op"), log);
        var started = log.Where(l => l.Text.EndsWith(" started", StringComparison.Ordinal)).Select(l => l.Op);
        Assert.Equal(["greet", "build", "settle"], started);
        Assert.Contains(log, l => l.Op == "settle" && l.Text.StartsWith("op settle succeeded in ", StringComparison.Ordinal));
        Assert.NotNull(await host.ScalarAsync<DateTime?>("SELECT finished_at FROM jobmonitor.step_runs WHERE step_run_id = @id", step.StepRunId));
    }

    [Fact]
    public async Task A_step_ends_and_reports_even_when_the_database_refuses_its_last_log_lines()
    {
        var jobId = await host.CreateJobAsync();

        // PostgreSQL refuses a NUL character in text: the lines that would be written with the step's end are dropped.
        var step = await host.SendAsync(jobId, Log("nul", "before\u0000after"));
        var finished = await host.Reports.FinishedAsync(step.StepRunId);

        Assert.True(finished.Succeeded, finished.Error);
        Assert.True(Assert.Single(await host.OpRunsOfAsync(step.StepRunId)).Ended);
        Assert.NotNull(await host.ScalarAsync<string>(
            "SELECT result::text FROM jobmonitor.step_runs WHERE step_run_id = @id AND finished_at IS NOT NULL", step.StepRunId));
        Assert.DoesNotContain(await host.LogOfAsync(jobId), l => l.Op == "nul");
    }

    [Fact]
    public async Task Script_stdout_and_stderr_lines_reach_the_job_log_with_secrets_masked()
    {
        var jobId = await host.CreateJobAsync();
        var env = new Dictionary<string, string> { ["TOKEN"] = "tok-123" };

        var step = await host.SendAsync(jobId, Script("build", "streams", ["alpha", "beta"], env, secret: ["TOKEN"]));
        Assert.True((await host.Reports.FinishedAsync(step.StepRunId)).Succeeded);

        var log = await host.LogOfAsync(jobId);
        Assert.Contains(new LogLine("PRE", "build", "info", "out: alpha"), log);
        Assert.Contains(new LogLine("PRE", "build", "warn", "err: beta"), log);
        Assert.Contains(new LogLine("PRE", "build", "info", "token ***"), log);
        Assert.DoesNotContain(log, l => l.Text.Contains("tok-123", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_script_fails_the_step_and_later_ops_do_not_run()
    {
        var jobId = await host.CreateJobAsync();

        var step = await host.SendAsync(jobId, Script("deploy", "fail", ["3"]), Log("after", "must not appear"));
        var finished = await host.Reports.FinishedAsync(step.StepRunId);

        Assert.False(finished.Succeeded);
        Assert.Contains("script 'fail' exited with code 3", finished.Error, StringComparison.Ordinal);
        var op = Assert.Single(finished.Ops);
        Assert.Equal(OpOutcome.Error.Wire(), op.Outcome);
        Assert.Equal("script 'fail' exited with code 3", op.Error);
        var opRun = Assert.Single(await host.OpRunsOfAsync(step.StepRunId));
        Assert.Equal(OpOutcome.Error.Wire(), opRun.Outcome);
        var log = await host.LogOfAsync(jobId);
        Assert.Contains(log, l => l.Op == "deploy" && l.Level == "error" && l.Text.Contains("exited with code 3", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Op == "after");
    }

    [Fact]
    public async Task An_ignored_failure_is_a_warning_and_the_step_goes_on()
    {
        var jobId = await host.CreateJobAsync();

        var step = await host.SendAsync(jobId, Script("probe", "fail", ["2"], onError: OpErrorPolicy.Ignore), Log("after", "still here"));
        var finished = await host.Reports.FinishedAsync(step.StepRunId);

        Assert.True(finished.Succeeded, finished.Error);
        Assert.Equal([OpOutcome.Warning.Wire(), OpOutcome.Success.Wire()], finished.Ops.Select(o => o.Outcome));
        Assert.Equal("script 'fail' exited with code 2", finished.Ops[0].Error);
        Assert.Contains(new LogLine("PRE", "after", "info", "still here"), await host.LogOfAsync(jobId));
    }

    [Fact]
    public async Task A_kind_this_worker_cannot_run_fails_the_op_with_a_clear_message()
    {
        var jobId = await host.CreateJobAsync();

        var step = await host.SendAsync(jobId, new OpDefinition { Name = "call", Kind = (OpKind)99 });
        var finished = await host.Reports.FinishedAsync(step.StepRunId);

        Assert.False(finished.Succeeded);
        Assert.Equal("op kind 99 is not supported by this worker", Assert.Single(finished.Ops).Error);
    }

    [Fact]
    public async Task A_redelivered_step_run_runs_each_op_exactly_once()
    {
        var jobId = await host.CreateJobAsync();
        var sideEffects = Path.Combine(Path.GetTempPath(), $"jm-side-{Guid.NewGuid():N}");
        var env = new Dictionary<string, string> { ["SIDE_EFFECT_FILE"] = sideEffects };
        var step = new RunJobStep
        {
            JobId = jobId,
            JobKey = "N.TEST-redelivered",
            StepRunId = Guid.NewGuid(),
            Exec = 1,
            Step = JobStep.Run,
            Ops = [Script("touch", "append", env: env), Delay("wait", TimeSpan.FromMilliseconds(300)), Script("touch-again", "append", env: env)],
        };

        // Two deliveries at once, then one after the step ended: the lease is taken once, the others claim nothing.
        await host.SendAsync(step);
        await host.SendAsync(step);
        await host.Reports.FinishedAsync(step.StepRunId);
        await host.SendAsync(step);
        await ExecutionHost.WaitUntilAsync(
            () => Task.FromResult(host.Deliveries.DoneFor(step.StepRunId) == 3 && host.Runner.RunningCount == 0),
            "every delivery was handled");

        Assert.Equal(3, (await host.OpRunsOfAsync(step.StepRunId)).Count);
        Assert.Equal(2, (await File.ReadAllLinesAsync(sideEffects, TestContext.Current.CancellationToken)).Length);
        Assert.Single(host.Reports.FinishedOf(step.StepRunId));
        File.Delete(sideEffects);
    }

    [Fact]
    public async Task A_step_run_that_is_not_its_jobs_current_one_is_not_claimed_and_runs_nothing()
    {
        var jobId = await host.CreateJobAsync();
        var step = new RunJobStep
        {
            JobId = jobId,
            JobKey = "N.TEST-superseded",
            StepRunId = Guid.NewGuid(),
            Exec = 1,
            Step = JobStep.Pre,
            Ops = [Log("greet", "must not appear")],
        };

        await host.SendAsync(step, current: false);
        await ExecutionHost.WaitUntilAsync(() => Task.FromResult(host.Deliveries.DoneFor(step.StepRunId) == 1), "the delivery was handled");

        Assert.Empty(await host.OpRunsOfAsync(step.StepRunId));
        Assert.Null(await host.ScalarAsync<Guid?>("SELECT step_run_id FROM jobmonitor.step_runs WHERE step_run_id = @id", step.StepRunId));
        Assert.Empty(await host.LogOfAsync(jobId));
        Assert.Empty(host.Reports.FinishedOf(step.StepRunId));
    }

    [Fact]
    public async Task A_finished_step_run_keeps_its_result_with_its_lease()
    {
        var jobId = await host.CreateJobAsync();

        var step = await host.SendAsync(jobId, Log("greet", "hello"), Script("deploy", "fail", ["4"]));
        var published = await host.Reports.FinishedAsync(step.StepRunId);

        var stored = ExecutionLedger.ReadResult((await host.ScalarAsync<string>(
            "SELECT result::text FROM jobmonitor.step_runs WHERE step_run_id = @id AND finished_at IS NOT NULL", step.StepRunId))!);
        Assert.NotNull(stored);
        Assert.Equal(published.Succeeded, stored.Succeeded);
        Assert.Equal(published.Error, stored.Error);
        Assert.Equal(published.Ops.Select(o => (o.Index, o.Outcome)), stored.Ops.Select(o => (o.Index, o.Outcome)));
        Assert.Equal([OpOutcome.Success.Wire(), OpOutcome.Error.Wire()], (await host.OpRunsOfAsync(step.StepRunId)).Select(r => r.Outcome));
    }

    [Fact]
    public async Task Canceling_a_step_run_kills_the_script_process_tree()
    {
        var jobId = await host.CreateJobAsync();

        var step = await host.SendAsync(jobId, Script("deploy", "tree"), Log("after", "must not appear"));
        var pids = await PidsPrintedAsync(jobId);
        Assert.All(pids, pid => Assert.True(IsAlive(pid), $"pid {pid} should be running before the cancel"));

        Assert.True(host.Runner.Cancel(step.StepRunId));
        var finished = await host.Reports.FinishedAsync(step.StepRunId);

        Assert.False(finished.Succeeded);
        Assert.Equal("canceled", Assert.Single(finished.Ops).Error);
        await ExecutionHost.WaitUntilAsync(() => Task.FromResult(!pids.Any(IsAlive)), "the script and its child are gone", TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(await host.LogOfAsync(jobId), l => l.Text == "must not appear");
        Assert.Single(await host.OpRunsOfAsync(step.StepRunId));
    }

    [Fact]
    public async Task When_the_job_moves_on_mid_step_the_lease_renewal_stops_the_running_op_and_the_next_does_not_run()
    {
        var jobId = await host.CreateJobAsync();

        // No cancel message: the job row alone tells the worker, as after a broker restart that lost the broadcast.
        var step = await host.SendAsync(jobId, Log("first", "one"), Delay("wait", TimeSpan.FromMinutes(5)), Log("last", "must not appear"));
        await ExecutionHost.WaitUntilAsync(async () => (await host.OpRunsOfAsync(step.StepRunId)).Count == 2, "the delay op started");
        await host.SetJobStatusAsync(jobId, JobStatus.Canceled);
        await ExecutionHost.WaitUntilAsync(
            async () => await host.ScalarAsync<DateTime?>("SELECT finished_at FROM jobmonitor.step_runs WHERE step_run_id = @id", step.StepRunId) is not null,
            "the step run ended");

        var opRuns = await host.OpRunsOfAsync(step.StepRunId);
        Assert.Equal([0, 1], opRuns.Select(r => r.Index));
        Assert.Equal((OpOutcome.Error.Wire(), "the job moved on"), (opRuns[1].Outcome, opRuns[1].Error));
        Assert.DoesNotContain(await host.LogOfAsync(jobId), l => l.Text == "must not appear");
        Assert.Empty(host.Reports.FinishedOf(step.StepRunId));
        Assert.Null(await host.ScalarAsync<string>("SELECT result::text FROM jobmonitor.step_runs WHERE step_run_id = @id", step.StepRunId));
    }

    [Fact]
    public async Task A_running_step_renews_its_lease()
    {
        var jobId = await host.CreateJobAsync();

        var step = await host.SendAsync(jobId, Delay("wait", TimeSpan.FromSeconds(1)));
        await ExecutionHost.WaitUntilAsync(
            async () => await host.ScalarAsync<bool?>(
                "SELECT heartbeat_at > claimed_at + interval '300 milliseconds' FROM jobmonitor.step_runs WHERE step_run_id = @id AND finished_at IS NULL",
                step.StepRunId) == true,
            "the lease was renewed while the step runs");

        Assert.True((await host.Reports.FinishedAsync(step.StepRunId)).Succeeded);
    }

    async Task<int[]> PidsPrintedAsync(Guid jobId)
    {
        int[] pids = [];
        await ExecutionHost.WaitUntilAsync(async () =>
        {
            var log = await host.LogOfAsync(jobId);
            pids = [.. log.Select(l => l.Text.Split(' ')).Where(p => p.Length == 2 && p[0] is "child" or "parent").Select(p => int.Parse(p[1]))];
            return pids.Length == 2;
        }, "the script printed its pids");
        return pids;
    }

    /// <summary>A killed child may linger as a zombie until something reaps it; that is dead all the same.</summary>
    static bool IsAlive(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
        return state != "Z";
    }
}
