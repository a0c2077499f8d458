using System.Collections.Concurrent;
using MassTransit;

namespace JobMonitor.Bench;

/// <summary>
/// What the service's bus does during a run. The saga endpoint's deliveries are counted once each; the consume
/// observer sits inside the endpoint's retry filter, so saga attempts beyond deliveries are retries. Every
/// consumer's time is summed by consumer and message type, to show where the time goes.
/// </summary>
public sealed class BusTraffic : IReceiveObserver, IConsumeObserver
{
    const string SagaQueue = "deployment-job-state";

    long _sagaReceived;
    long _sagaAttempts;
    readonly ConcurrentDictionary<string, long> _sagaFaults = new();
    readonly ConcurrentDictionary<string, ConsumerTime> _consumers = new();

    public long SagaReceived => Interlocked.Read(ref _sagaReceived);
    public long SagaAttempts => Interlocked.Read(ref _sagaAttempts);

    /// <summary>Failed saga consume attempts by exception type.</summary>
    public IReadOnlyDictionary<string, long> SagaFaults => _sagaFaults;

    /// <summary>By consumer and message type.</summary>
    public IReadOnlyDictionary<string, ConsumerTime> Consumers => _consumers;

    public void Reset()
    {
        Interlocked.Exchange(ref _sagaReceived, 0);
        Interlocked.Exchange(ref _sagaAttempts, 0);
        _sagaFaults.Clear();
        _consumers.Clear();
    }

    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context)
    {
        if (IsSaga(context))
            Interlocked.Increment(ref _sagaReceived);
        return Task.CompletedTask;
    }

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        if (IsSaga(context))
            Interlocked.Increment(ref _sagaReceived);
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class
    {
        Time<T>(consumerType, duration);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class
    {
        Time<T>(consumerType, duration);
        return Task.CompletedTask;
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (IsSaga(context.ReceiveContext))
            Interlocked.Increment(ref _sagaAttempts);
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        if (IsSaga(context.ReceiveContext))
            _sagaFaults.AddOrUpdate(exception.GetType().Name, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    void Time<T>(string consumerType, TimeSpan duration)
    {
        var name = $"{consumerType[(consumerType.LastIndexOf('.') + 1)..]} <- {typeof(T).Name}";
        _consumers.GetOrAdd(name, _ => new ConsumerTime()).Add(duration);
    }

    static bool IsSaga(ReceiveContext context) =>
        context.InputAddress.AbsolutePath.EndsWith(SagaQueue, StringComparison.Ordinal);
}

/// <summary>How many messages a consumer took and how long it spent on them.</summary>
public sealed class ConsumerTime
{
    long _count;
    long _totalTicks;
    long _maxTicks;

    public long Count => Interlocked.Read(ref _count);
    public TimeSpan Total => TimeSpan.FromTicks(Interlocked.Read(ref _totalTicks));
    public TimeSpan Max => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks));
    public TimeSpan Mean => Count == 0 ? TimeSpan.Zero : Total / Count;

    /// <summary>The figures so far, no longer updated.</summary>
    public ConsumerTime Copy()
    {
        var copy = new ConsumerTime();
        (copy._count, copy._totalTicks, copy._maxTicks) = (Count, Total.Ticks, Max.Ticks);
        return copy;
    }

    public void Add(TimeSpan duration)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _totalTicks, duration.Ticks);
        var max = Interlocked.Read(ref _maxTicks);
        while (duration.Ticks > max && Interlocked.CompareExchange(ref _maxTicks, duration.Ticks, max) != max)
            max = Interlocked.Read(ref _maxTicks);
    }
}
