using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;

namespace JobMonitor.IntegrationTests.Execution;

public sealed class TrapAndFirstOpTests(ExecutionHost host) : IClassFixture<ExecutionHost>
{
    static OpDefinition Log(string name) => new() { Name = name, Kind = OpKind.Log, Params = new OpParams { Message = $"{name} ran" } };

    static OpDefinition Failing(string name, OpErrorPolicy onError) =>
        new() { Name = name, Kind = OpKind.Script, Params = new OpParams { Script = "fail", Args = ["3"] }, OnError = onError };

    [Fact]
    public async Task A_failing_op_with_on_error_trap_stops_the_step_there_and_reports_the_trapped_op()
    {
        var jobId = await host.CreateJobAsync();

        var step = await host.SendAsync(jobId, Log("before"), Failing("deploy", OpErrorPolicy.Trap), Log("after"));
        var finished = await host.Reports.FinishedAsync(step.StepRunId);

        Assert.False(finished.Succeeded);
        Assert.Equal(1, finished.TrappedOp);
        Assert.Equal([OpOutcome.Success.Wire(), OpOutcome.Trapped.Wire()], finished.Ops.Select(o => o.Outcome));
        Assert.Contains("op deploy trapped", finished.Error, StringComparison.Ordinal);
        Assert.Equal(["before"], host.Reports.ProgressOf(step.StepRunId).Select(p => p.Op.Name));
        Assert.Equal([(0, OpOutcome.Success.Wire()), (1, OpOutcome.Trapped.Wire())], (await host.OpRunsOfAsync(step.StepRunId)).Select(r => (r.Index, r.Outcome)));
        Assert.DoesNotContain(await host.LogOfAsync(jobId), l => l.Op == "after");
    }

    [Fact]
    public async Task A_failed_step_without_trap_has_no_trapped_op()
    {
        var jobId = await host.CreateJobAsync();

        var step = await host.SendAsync(jobId, Failing("deploy", OpErrorPolicy.Fail));
        var finished = await host.Reports.FinishedAsync(step.StepRunId);

        Assert.False(finished.Succeeded);
        Assert.Null(finished.TrappedOp);
    }

    [Fact]
    public async Task A_step_run_starting_at_first_op_neither_runs_nor_reports_the_ops_before_it()
    {
        var jobId = await host.CreateJobAsync();
        var step = new RunJobStep
        {
            JobId = jobId,
            JobKey = $"N.TEST-{jobId:N}",
            StepRunId = Guid.NewGuid(),
            Exec = 1,
            Step = JobStep.Run,
            Ops = [Log("a"), Failing("b", OpErrorPolicy.Trap), Log("c"), Log("d")],
            FirstOp = 2,
        };

        await host.SendAsync(step);
        var finished = await host.Reports.FinishedAsync(step.StepRunId);

        Assert.True(finished.Succeeded, finished.Error);
        Assert.Equal([(2, "c"), (3, "d")], finished.Ops.Select(o => (o.Index, o.Name)));
        Assert.Equal(["c"], host.Reports.ProgressOf(step.StepRunId).Select(p => p.Op.Name));
        Assert.Equal([2, 3], (await host.OpRunsOfAsync(step.StepRunId)).Select(r => r.Index));
        var log = await host.LogOfAsync(jobId);
        Assert.DoesNotContain(log, l => l.Op is "a" or "b");
        Assert.Contains(log, l => l.Op == "c" && l.Text == "c ran");
    }
}
