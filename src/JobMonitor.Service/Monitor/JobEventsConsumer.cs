using JobMonitor.Contracts;
using MassTransit;

namespace JobMonitor.Service.Monitor;

/// <summary>Hears every job change on this instance's own queue and hands it to the <c>/api/events</c> subscribers.</summary>
public sealed class JobEventsConsumer(JobEventHub hub) :
    IConsumer<JobCreated>, IConsumer<JobStatusChanged>, IConsumer<JobStepStarted>, IConsumer<JobStepFinished>,
    IConsumer<JobOpFinished>, IConsumer<JobCommandAccepted>
{
    public Task Consume(ConsumeContext<JobCreated> context) => hub.JobChangedAsync(context.Message.JobId, context.CancellationToken);

    public Task Consume(ConsumeContext<JobStatusChanged> context) => hub.JobChangedAsync(context.Message.JobId, context.CancellationToken);

    public Task Consume(ConsumeContext<JobStepStarted> context) => hub.JobChangedAsync(context.Message.JobId, context.CancellationToken);

    public Task Consume(ConsumeContext<JobStepFinished> context) => hub.JobChangedAsync(context.Message.JobId, context.CancellationToken);

    public Task Consume(ConsumeContext<JobOpFinished> context) => hub.JobChangedAsync(context.Message.JobId, context.CancellationToken);

    /// <summary>A deletion publishes no status change: its acknowledgement is the only sign of it.</summary>
    public Task Consume(ConsumeContext<JobCommandAccepted> context) =>
        context.Message is { Command: nameof(DeleteJob), Duplicate: false }
            ? hub.JobDeletedAsync(context.Message.JobId, context.CancellationToken)
            : Task.CompletedTask;
}
