using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Dispatch;
using JobMonitor.Service.Jobs;

namespace JobMonitor.IntegrationTests.Execution;

public sealed class DispatchOpTests(ExecutionHost host) : IClassFixture<ExecutionHost>
{
    static OpDefinition Dispatch(string payload, TimeSpan? timeout = null) => new()
    {
        Name = "remote",
        Kind = OpKind.Dispatch,
        Params = new OpParams { Queue = TestAgent.QueueName, Payload = payload },
        Duration = timeout,
    };

    static OpDefinition Log(string name) => new() { Name = name, Kind = OpKind.Log, Params = new OpParams { Message = name } };

    [Fact]
    public async Task A_dispatched_op_streams_the_agent_lines_into_the_job_log_and_succeeds_when_the_agent_does()
    {
        var jobId = await host.CreateJobAsync();

        var step = await host.SendAsync(jobId, Log("first"), Dispatch("ok"));
        var finished = await host.Reports.FinishedAsync(step.StepRunId);

        Assert.True(finished.Succeeded, finished.Error);
        var request = Assert.Single(host.Agent.Received, r => r.StepRunId == step.StepRunId);
        Assert.Equal((jobId, 1, "remote", "PRE", "ok"), (request.JobId, request.OpIndex, request.OpName, request.Step, request.Payload));
        Assert.Equal(step.JobKey, request.JobKey);

        var agentLines = (await host.LogOfAsync(jobId)).Where(l => l.Text.StartsWith("agent line", StringComparison.Ordinal) || l.Text == "not for this op").ToList();
        Assert.Equal([new LogLine("PRE", "remote", "info", "agent line one for remote"), new LogLine("PRE", "remote", "warn", "agent line two")], agentLines);
        Assert.Equal(0, host.Get<PendingDispatches>().Count);
    }

    [Fact]
    public async Task An_agent_reporting_failure_fails_the_op_with_its_error()
    {
        var jobId = await host.CreateJobAsync();

        var step = await host.SendAsync(jobId, Dispatch("fail"));
        var finished = await host.Reports.FinishedAsync(step.StepRunId);

        Assert.False(finished.Succeeded);
        Assert.Contains("disk full on the agent", finished.Ops.Single().Error, StringComparison.Ordinal);
        Assert.Equal(2, (await host.LogOfAsync(jobId)).Count(l => l.Text.StartsWith("agent line", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_agent_that_never_answers_fails_the_op_at_its_time_out()
    {
        var jobId = await host.CreateJobAsync();

        var step = await host.SendAsync(jobId, Dispatch("silent", TimeSpan.FromMilliseconds(500)));
        var finished = await host.Reports.FinishedAsync(step.StepRunId);

        Assert.False(finished.Succeeded);
        var op = finished.Ops.Single();
        Assert.Contains("did not complete the op within", op.Error, StringComparison.Ordinal);
        Assert.InRange(op.EndedAt - op.StartedAt, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(8));
        Assert.Equal(0, host.Get<PendingDispatches>().Count);
    }
}
