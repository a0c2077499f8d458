using JobMonitor.Contracts;
using MassTransit;

namespace JobMonitor.Service.Monitor;

/// <summary>Records the service's answers to commands (the saga's, and CHECK's rejections of creates) in command_status.</summary>
public sealed class CommandResultConsumer(CommandStatusStore statuses) : IConsumer<JobCommandAccepted>, IConsumer<JobCommandRejected>
{
    /// <summary>One shared queue: each answer is recorded once, by whichever instance takes it.</summary>
    public const string QueueName = "command-results";

    public Task Consume(ConsumeContext<JobCommandAccepted> context) =>
        statuses.RecordAsync(context.Message.CommandId, CommandStates.Accepted, null, null, null,
            context.Message.Duplicate, context.CancellationToken);

    public Task Consume(ConsumeContext<JobCommandRejected> context) =>
        statuses.RecordAsync(context.Message.CommandId, CommandStates.Rejected, context.Message.ReasonCode,
            context.Message.Field, context.Message.Message, false, context.CancellationToken);
}
