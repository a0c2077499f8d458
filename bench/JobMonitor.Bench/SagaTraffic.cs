using System.Collections.Concurrent;
using MassTransit;

namespace JobMonitor.Bench;

/// <summary>
/// Counts what the saga endpoint receives (one per delivery) and how often its consume pipe runs and faults:
/// the consume observer sits inside the endpoint's retry filter, so attempts beyond deliveries are retries.
/// </summary>
public sealed class SagaTraffic : IReceiveObserver, IConsumeObserver
{
    const string SagaQueue = "deployment-job-state";

    long _received;
    long _attempts;
    readonly ConcurrentDictionary<string, long> _faults = new();

    public long Received => Interlocked.Read(ref _received);
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Failed consume attempts by exception type.</summary>
    public IReadOnlyDictionary<string, long> Faults => _faults;

    public void Reset()
    {
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _attempts, 0);
        _faults.Clear();
    }

    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context)
    {
        if (IsSaga(context))
            Interlocked.Increment(ref _received);
        return Task.CompletedTask;
    }

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        if (IsSaga(context))
            Interlocked.Increment(ref _received);
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class =>
        Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class => Task.CompletedTask;

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (IsSaga(context.ReceiveContext))
            Interlocked.Increment(ref _attempts);
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        if (IsSaga(context.ReceiveContext))
            _faults.AddOrUpdate(exception.GetType().Name, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    static bool IsSaga(ReceiveContext context) =>
        context.InputAddress.AbsolutePath.EndsWith(SagaQueue, StringComparison.Ordinal);
}
