using MassTransit;
using JobMonitor.Service.Jobs.Check;

namespace JobMonitor.Service.Jobs;

/// <summary>
/// Jobs whose RUN date is still ahead open no more than <see cref="OpeningOrder.Width" /> at a time (as many as CHECK
/// checks): in a burst of scheduled creates, the saga's other places stay free for the jobs under way, so a RUN falling
/// due is not handled among dozens of openings competing for the database. A job due now has no time to wait and is
/// not held back. An opening held here has no transaction yet: the outbox's filter comes after this one.
/// </summary>
public sealed class ScheduledOpeningLimit(TimeProvider clock) : IFilter<ConsumeContext<OpenJob>>, IDisposable
{
    readonly SemaphoreSlim _places = new(OpeningOrder.Width);

    public Task Send(ConsumeContext<OpenJob> context, IPipe<ConsumeContext<OpenJob>> next) =>
        OpenAsync(context.Message.Definition.ScheduledAt, () => next.Send(context), context.CancellationToken);

    /// <summary>Runs <paramref name="open" /> at once for a job due now, else when one of the places is free.</summary>
    public async Task OpenAsync(DateTimeOffset scheduledAt, Func<Task> open, CancellationToken cancellationToken)
    {
        if (scheduledAt <= clock.GetUtcNow())
        {
            await open();
            return;
        }
        await _places.WaitAsync(cancellationToken);
        try
        {
            await open();
        }
        finally
        {
            _places.Release();
        }
    }

    public void Dispose() => _places.Dispose();

    public void Probe(ProbeContext context) => context.CreateFilterScope("scheduledOpeningLimit").Add("places", OpeningOrder.Width);
}
