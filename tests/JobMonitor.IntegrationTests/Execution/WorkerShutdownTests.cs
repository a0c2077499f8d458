using JobMonitor.Contracts;
using JobMonitor.Service.Jobs;
using Xunit;

namespace JobMonitor.IntegrationTests.Execution;

public sealed class WorkerShutdownTests
{
    [Fact]
    public async Task Stopping_the_worker_kills_running_scripts_and_reports_the_step_failed()
    {
        var host = new ExecutionHost();
        await host.InitializeAsync();
        var jobId = await host.CreateJobAsync();
        var step = await host.SendAsync(jobId, new OpDefinition { Name = "deploy", Kind = OpKind.Script, Params = new OpParams { Script = "tree" } });
        await ExecutionHost.WaitUntilAsync(
            async () => (await host.LogOfAsync(jobId)).Any(l => l.Text.StartsWith("child ", StringComparison.Ordinal)),
            "the script started");

        await host.DisposeAsync();

        var finished = Assert.Single(host.Reports.PublishedFinished, f => f.StepRunId == step.StepRunId);
        Assert.False(finished.Succeeded);
        Assert.Equal("worker test-worker is shutting down", Assert.Single(finished.Ops).Error);
    }
}
