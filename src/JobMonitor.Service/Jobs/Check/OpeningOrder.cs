namespace JobMonitor.Service.Jobs.Check;

/// <summary>
/// The order in which CHECK takes the creates it holds: the earliest RUN date first. A burst of creates reaches the
/// queue in any order (an upstream that publishes on several channels interleaves them), and whatever CHECK opens first
/// runs its PRE first. CHECK prefetches a burst and checks <see cref="Width" /> creates at a time; the others wait here,
/// unacknowledged, so a job due in two seconds is opened before one due in a minute whichever came first.
/// </summary>
public sealed class OpeningOrder
{
    /// <summary>Creates checked at once (each is a few database round trips and a publish), and scheduled jobs the saga opens at once.</summary>
    public const int Width = 4;

    /// <summary>Creates CHECK holds at once: how much of a burst is put in date order.</summary>
    public const int Depth = 1024;

    readonly Lock gate = new();
    readonly PriorityQueue<TaskCompletionSource<Turn>, (DateTimeOffset Due, long Arrival)> waiting = new();
    long arrivals;
    int free = Width;

    /// <summary>Waits until the create due at <paramref name="due" /> is the earliest one held and a place is free.</summary>
    public async Task<Turn> EnterAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        TaskCompletionSource<Turn> place;
        lock (gate)
        {
            if (free > 0 && waiting.Count == 0)
            {
                free--;
                return new Turn(this);
            }
            place = new TaskCompletionSource<Turn>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting.Enqueue(place, (due, arrivals++));
        }
        // A cancelled waiter stays queued and is skipped when its turn comes (TrySetResult fails on it).
        await using (cancellationToken.Register(() => place.TrySetCanceled(cancellationToken)))
            return await place.Task;
    }

    void Release()
    {
        lock (gate)
        {
            var turn = new Turn(this);
            while (waiting.TryDequeue(out var next, out _))
            {
                if (next.TrySetResult(turn))
                    return;
            }
            free++;
        }
    }

    /// <summary>A place taken in CHECK; disposing it gives the place to the earliest create waiting.</summary>
    public sealed class Turn(OpeningOrder order) : IDisposable
    {
        int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
                order.Release();
        }
    }
}
