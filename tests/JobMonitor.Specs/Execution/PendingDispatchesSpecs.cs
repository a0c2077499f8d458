using JobMonitor.Contracts;
using JobMonitor.Service.Execution.Dispatch;
using JobMonitor.Service.Execution.Ops;

namespace JobMonitor.Specs.Execution;

public sealed class PendingDispatchesSpecs
{
    sealed class RecordingLog : IOpLog
    {
        public List<(JobLogLevel Level, string Text)> Lines { get; } = [];
        public void Write(JobLogLevel level, string text) => Lines.Add((level, text));
        public void WriteOutput(JobLogLevel level, string text) => Lines.Add((level, text));
    }

    [Fact]
    public async Task A_completion_for_the_registered_op_completes_its_waiter()
    {
        var pending = new PendingDispatches();
        var run = Guid.NewGuid();
        using var waiter = pending.Register(run, 2, new RecordingLog());

        Assert.True(pending.TryComplete(new AgentOpCompleted { StepRunId = run, OpIndex = 2, Succeeded = true }));

        Assert.True((await waiter.Completion).Succeeded);
    }

    [Fact]
    public void Messages_for_another_op_or_step_run_are_ignored()
    {
        var pending = new PendingDispatches();
        var run = Guid.NewGuid();
        var log = new RecordingLog();
        using var waiter = pending.Register(run, 2, log);

        Assert.False(pending.TryComplete(new AgentOpCompleted { StepRunId = run, OpIndex = 3 }));
        Assert.False(pending.TryComplete(new AgentOpCompleted { StepRunId = Guid.NewGuid(), OpIndex = 2 }));
        Assert.False(pending.TryLog(new AgentOpLogged { StepRunId = Guid.NewGuid(), OpIndex = 2, Text = "not mine" }));

        Assert.False(waiter.Completion.IsCompleted);
        Assert.Empty(log.Lines);
    }

    [Fact]
    public void Agent_lines_go_to_the_op_log_at_their_level_info_by_default()
    {
        var pending = new PendingDispatches();
        var run = Guid.NewGuid();
        var log = new RecordingLog();
        using var waiter = pending.Register(run, 0, log);

        pending.TryLog(new AgentOpLogged { StepRunId = run, OpIndex = 0, Text = "one" });
        pending.TryLog(new AgentOpLogged { StepRunId = run, OpIndex = 0, Level = "WARNING", Text = "two" });
        pending.TryLog(new AgentOpLogged { StepRunId = run, OpIndex = 0, Level = "loud", Text = "three" });

        Assert.Equal([(JobLogLevel.Info, "one"), (JobLogLevel.Warn, "two"), (JobLogLevel.Info, "three")], log.Lines);
    }

    [Fact]
    public void A_disposed_waiter_hears_nothing_more()
    {
        var pending = new PendingDispatches();
        var run = Guid.NewGuid();
        pending.Register(run, 0, new RecordingLog()).Dispose();

        Assert.False(pending.TryComplete(new AgentOpCompleted { StepRunId = run, OpIndex = 0 }));
        Assert.Equal(0, pending.Count);
    }
}
