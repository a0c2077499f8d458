using JobMonitor.Contracts;
using JobMonitor.Service.Jobs;
using Xunit;

namespace JobMonitor.IntegrationTests.Execution;

/// <summary>A shutdown drains: no new step, running steps go on to their end within Execution:DrainTimeout.</summary>
public sealed class WorkerShutdownTests
{
    static OpDefinition Delay(string name, TimeSpan duration) => new() { Name = name, Kind = OpKind.Delay, Duration = duration };

    [Fact]
    public async Task A_shutdown_lets_a_running_step_finish_and_report_it_and_takes_no_new_step()
    {
        var host = new ExecutionHost { ExtraSettings = new Dictionary<string, string?> { ["Execution:DrainTimeout"] = "00:00:20" } };
        await host.InitializeAsync();
        var runner = host.Runner;
        var jobId = await host.CreateJobAsync();
        var step = await host.SendAsync(jobId, Delay("deploy", TimeSpan.FromSeconds(2)));
        await ExecutionHost.WaitUntilAsync(async () => (await host.OpRunsOfAsync(step.StepRunId)).Count == 1, "the step started");

        var stopping = host.StopAsync();
        await ExecutionHost.WaitUntilAsync(() => Task.FromResult(runner.Draining), "the worker drains");
        var lateJob = await host.CreateJobAsync();
        var late = await host.SendAsync(lateJob, Delay("late", TimeSpan.FromMilliseconds(10)));
        await stopping;

        var finished = Assert.Single(host.Reports.PublishedFinished, f => f.StepRunId == step.StepRunId);
        Assert.True(finished.Succeeded, finished.Error);
        Assert.Null(await host.ScalarAsync<Guid?>("SELECT step_run_id FROM jobmonitor.step_runs WHERE step_run_id = @id", late.StepRunId));
        await host.DisposeAsync();
    }

    [Fact]
    public async Task A_step_still_running_at_the_drain_time_out_is_stopped_without_a_result_and_its_lease_released()
    {
        var host = new ExecutionHost { ExtraSettings = new Dictionary<string, string?> { ["Execution:DrainTimeout"] = "00:00:01" } };
        await host.InitializeAsync();
        var jobId = await host.CreateJobAsync();
        var step = await host.SendAsync(jobId, new OpDefinition { Name = "deploy", Kind = OpKind.Script, Params = new OpParams { Script = "tree" } });
        int[] pids = [];
        await ExecutionHost.WaitUntilAsync(async () =>
        {
            pids = [.. (await host.LogOfAsync(jobId)).Select(l => l.Text.Split(' ')).Where(p => p.Length == 2 && p[0] is "child" or "parent").Select(p => int.Parse(p[1]))];
            return pids.Length == 2;
        }, "the script started");

        await host.StopAsync();

        Assert.DoesNotContain(host.Reports.PublishedFinished, f => f.StepRunId == step.StepRunId);
        Assert.True(await host.ScalarAsync<bool>("SELECT released_at IS NOT NULL AND result IS NULL FROM jobmonitor.step_runs WHERE step_run_id = @id", step.StepRunId));
        Assert.All(pids, pid => Assert.False(File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal),
            $"pid {pid} should be gone"));
        await host.DisposeAsync();
    }
}
