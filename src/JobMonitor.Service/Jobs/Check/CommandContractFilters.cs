using JobMonitor.Contracts;
using JobMonitor.Service.Telemetry;
using MassTransit;
using MassTransit.Middleware;

namespace JobMonitor.Service.Jobs.Check;

/// <summary>A command refused by the contract check before any consumer saw it.</summary>
public sealed class CommandRefusedException(Rejection rejection) : Exception(rejection.Message)
{
    public Rejection Rejection { get; } = rejection;
}

/// <summary>
/// Runs before the consumer: refuses unknown fields, wrong types and missing ids by throwing
/// <see cref="CommandRefusedException" />, which <see cref="CommandRefusalFilter{T}" /> answers.
/// </summary>
public sealed class CommandContractFilter<T> : IFilter<ConsumeContext> where T : JobCommand
{
    public Task Send(ConsumeContext context, IPipe<ConsumeContext> next) =>
        CommandBody.Check<T>(context.ReceiveContext) is { } rejection
            ? throw new CommandRefusedException(rejection)
            : next.Send(context);

    public void Probe(ProbeContext context) => context.CreateFilterScope("command-contract");
}

/// <summary>
/// The error pipe of a command endpoint. A command refused by the contract, or too broken to deserialise (not JSON,
/// a wrong type, null),
/// is answered with <see cref="JobCommandRejected" /> carrying whatever ids could be read, counted, logged, and
/// dropped: it never sits in the <c>_error</c> queue unanswered. Any other failure (the database down, say) takes
/// MassTransit's usual way: a fault and the <c>_error</c> queue.
/// </summary>
public sealed class CommandRefusalFilter<T>(ILogger logger) : IFilter<ExceptionReceiveContext> where T : JobCommand
{
    public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        // A body that breaks the contract explains whatever failed on it (MassTransit's deserialiser throws on a wrong
        // type or a JSON null before the contract filter runs); a body that keeps it failed for another reason.
        var rejection = (context.Exception as CommandRefusedException)?.Rejection ?? CommandBody.Check<T>(context);
        if (rejection is null)
        {
            await next.Send(context);
            return;
        }

        var (jobId, commandId, requestedBy) = CommandBody.Ids(context);
        var command = typeof(T).Name;
        logger.LogWarning("{Command} {CommandId} for job {JobId} from {User} refused before it was read: {Reason} at {Field}: {Message}",
            command, commandId, jobId, requestedBy is null ? null : InputBounds.Clip(requestedBy), rejection.Code, rejection.Field, rejection.Message);
        JobMonitorTelemetry.CommandsUnreadable.Add(1, new(JobTags.Command, command), new(JobTags.Reason, rejection.Code));
        JobMonitorTelemetry.CommandsRejected.Add(1, new(JobTags.Command, command), new(JobTags.Reason, rejection.Code));
        var endpoint = await context.PublishEndpointProvider.GetPublishSendEndpoint<JobCommandRejected>();
        await endpoint.Send(new JobCommandRejected
        {
            JobId = jobId,
            CommandId = commandId,
            Command = command,
            ReasonCode = rejection.Code,
            Message = rejection.Message,
            Field = rejection.Field,
            RequestedBy = requestedBy,
        }, context.CancellationToken);
        // Handled, and marked so: a message neither consumed nor faulted would be moved to the _skipped queue.
        await context.NotifyFaulted(context.Exception);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("command-refusal");
}

/// <summary>
/// The receive endpoint of a command (<typeparamref name="TCommand" />): the contract check in front of the consumer,
/// the refusal filter in front of the usual error handling.
/// </summary>
public sealed class CommandEndpointDefinition<TConsumer, TCommand> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer<TCommand>
    where TCommand : JobCommand
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        var logger = context.GetRequiredService<ILoggerFactory>().CreateLogger($"{typeof(CommandRefusedException).Namespace}.CommandRefusal");
        endpointConfigurator.UseFilter(new CommandContractFilter<TCommand>());
        endpointConfigurator.ConfigureError(error =>
        {
            error.UseFilter(new CommandRefusalFilter<TCommand>(logger));
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new ErrorTransportFilter());
        });
    }
}
