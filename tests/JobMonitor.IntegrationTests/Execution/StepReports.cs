using System.Collections.Concurrent;
using JobMonitor.Service.Execution;
using MassTransit;

namespace JobMonitor.IntegrationTests.Execution;

/// <summary>What the worker reported: as consumed, and as published (which a stopping in-memory bus may not deliver).</summary>
public sealed class StepReports : IPublishObserver
{
    public ConcurrentQueue<StepRunFinished> Finished { get; } = new();
    public ConcurrentQueue<StepRunFinished> PublishedFinished { get; } = new();
    public ConcurrentQueue<StepRunProgressed> Progressed { get; } = new();

    public IReadOnlyList<StepRunFinished> FinishedOf(Guid stepRunId) => [.. Finished.Where(f => f.StepRunId == stepRunId)];

    public IReadOnlyList<StepRunProgressed> ProgressOf(Guid stepRunId) => [.. Progressed.Where(p => p.StepRunId == stepRunId)];

    public async Task<StepRunFinished> FinishedAsync(Guid stepRunId, TimeSpan? within = null)
    {
        await ExecutionHost.WaitUntilAsync(() => Task.FromResult(FinishedOf(stepRunId).Count > 0), $"step run {stepRunId} finished", within);
        return FinishedOf(stepRunId)[0];
    }

    public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context) where T : class
    {
        if (context.Message is StepRunFinished finished)
            PublishedFinished.Enqueue(finished);
        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}

public sealed class StepReportRecorder(StepReports reports) : IConsumer<StepRunFinished>, IConsumer<StepRunProgressed>
{
    public Task Consume(ConsumeContext<StepRunFinished> context)
    {
        reports.Finished.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<StepRunProgressed> context)
    {
        reports.Progressed.Enqueue(context.Message);
        return Task.CompletedTask;
    }
}

/// <summary>Counts RunJobStep deliveries the consumer has finished with (leased and handed over, or not claimed).</summary>
public sealed class DeliveryCounter : IConsumeObserver
{
    readonly ConcurrentDictionary<Guid, int> done = new();

    public int DoneFor(Guid stepRunId) => done.GetValueOrDefault(stepRunId);

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.Message is RunJobStep step)
            done.AddOrUpdate(step.StepRunId, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
