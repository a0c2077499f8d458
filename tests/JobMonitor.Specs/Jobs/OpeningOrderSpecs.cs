using JobMonitor.Service.Jobs.Check;

namespace JobMonitor.Specs.Jobs;

public sealed class OpeningOrderSpecs
{
    static readonly DateTimeOffset Noon = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    readonly OpeningOrder _order = new();

    static CancellationToken Test => TestContext.Current.CancellationToken;

    async Task<List<OpeningOrder.Turn>> TakeEveryPlaceAsync()
    {
        var turns = new List<OpeningOrder.Turn>();
        for (var i = 0; i < OpeningOrder.Width; i++)
            turns.Add(await _order.EnterAsync(Noon, Test));
        return turns;
    }

    [Fact]
    public async Task Held_creates_are_let_in_earliest_date_first_whatever_order_they_came_in()
    {
        var taken = await TakeEveryPlaceAsync();
        var dueInSeconds = new[] { 30, 2, 59, 2, 10 };
        var waiters = dueInSeconds.Select(seconds => _order.EnterAsync(Noon.AddSeconds(seconds), Test)).ToList();
        Assert.DoesNotContain(waiters, w => w.IsCompleted);

        var entered = new List<int>();
        var place = taken[0];
        foreach (var _ in waiters)
        {
            // One place is given back at a time, so exactly one waiter can get in.
            place.Dispose();
            var next = await Task.WhenAny(waiters.Where((_, i) => !entered.Contains(i)));
            entered.Add(waiters.IndexOf(next));
            place = await next;
        }

        // The two due at the same instant keep their arrival order.
        Assert.Equal([1, 3, 4, 0, 2], entered);
    }

    [Fact]
    public async Task A_create_cancelled_while_waiting_gives_its_turn_to_the_next_one()
    {
        var taken = await TakeEveryPlaceAsync();
        using var shutdown = new CancellationTokenSource();
        var cancelled = _order.EnterAsync(Noon.AddSeconds(1), shutdown.Token);
        var later = _order.EnterAsync(Noon.AddSeconds(5), Test);

        await shutdown.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(later.IsCompleted);

        taken[0].Dispose();
        (await later).Dispose();
        taken.Skip(1).ToList().ForEach(t => t.Dispose());

        // Every place is free again, and a turn disposed twice frees only one.
        taken[0].Dispose();
        var again = Enumerable.Range(0, OpeningOrder.Width + 1).Select(_ => _order.EnterAsync(Noon, Test)).ToList();
        Assert.All(again.Take(OpeningOrder.Width), t => Assert.True(t.IsCompletedSuccessfully));
        Assert.False(again[^1].IsCompleted);
    }
}
