using System.Diagnostics;

namespace JobMonitor.Bench;

/// <summary>
/// Samples how long a work item queued to the thread pool waits before it runs. Long waits mean the pool is
/// starved (threads blocked in synchronous I/O) and every async continuation in the process waits as long.
/// The sampler is a dedicated thread so that starvation cannot delay the sampling itself. It also keeps the peak
/// resident set of the process (the service runs in it; the bench's own share is a few lists of ids).
/// </summary>
public sealed class ThreadPoolWatch : IDisposable
{
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    readonly Thread _sampler;
    readonly List<double> _waitsMs = [];
    readonly int _threadsAtStart = ThreadPool.ThreadCount;
    long _rssPeak;
    volatile bool _stopping;

    public ThreadPoolWatch()
    {
        _sampler = new Thread(Sample) { IsBackground = true, Name = "bench thread-pool watch" };
        _sampler.Start();
    }

    public sealed record Summary(int ThreadsAtStart, int ThreadsAtEnd, double WaitP50Ms, double WaitMaxMs, int Samples, double RssPeakMb);

    public Summary Stop()
    {
        _stopping = true;
        _sampler.Join();
        var sorted = _waitsMs.Order().ToList();
        return new Summary(_threadsAtStart, ThreadPool.ThreadCount,
            sorted.Count == 0 ? 0 : sorted[sorted.Count / 2], sorted.Count == 0 ? 0 : sorted[^1], sorted.Count,
            _rssPeak / (1024.0 * 1024.0));
    }

    public void Dispose()
    {
        if (!_stopping)
            Stop();
    }

    void Sample()
    {
        while (!_stopping)
        {
            var queued = Stopwatch.GetTimestamp();
            using var ran = new ManualResetEventSlim();
            ThreadPool.UnsafeQueueUserWorkItem(_ => ran.Set(), null);
            ran.Wait();
            _waitsMs.Add(Stopwatch.GetElapsedTime(queued).TotalMilliseconds);
            _rssPeak = Math.Max(_rssPeak, Environment.WorkingSet);
            Thread.Sleep(Interval);
        }
    }
}
