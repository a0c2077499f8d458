using System.Runtime.CompilerServices;
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
/// A command type as the bus carries it: the exchange it is published to, and the contract its body must keep.
/// </summary>
public sealed record CommandRoute(string Name, string Exchange, Func<ReceiveContext, Rejection?> Check)
{
    public static CommandRoute Of<T>() where T : JobCommand =>
        new(typeof(T).Name, $"{typeof(T).Namespace}:{typeof(T).Name}", CommandBody.Check<T>);

    /// <summary>The exchange the message was published to (kept by RabbitMQ through exchange-to-exchange bindings).</summary>
    public static string? ExchangeOf(ReceiveContext context) =>
        context.TryGetPayload<RabbitMqBasicConsumeContext>(out var delivery) ? delivery.Exchange : null;
}

/// <summary>
/// Runs before the consumer: refuses unknown fields, wrong types and missing ids by throwing
/// <see cref="CommandRefusedException" />, which <see cref="CommandRefusalFilter" /> answers. A message that is no
/// command of the endpoint (published to another exchange) is not judged: no consumer takes it, and it is set aside.
/// </summary>
public sealed class CommandContractFilter(Func<ReceiveContext, CommandRoute?> route) : IFilter<ConsumeContext>
{
    public Task Send(ConsumeContext context, IPipe<ConsumeContext> next) =>
        route(context.ReceiveContext) is not { } command
            ? throw new InvalidOperationException($"Message {context.MessageId} came from exchange '{CommandRoute.ExchangeOf(context.ReceiveContext)}', which carries no command of {context.ReceiveContext.InputAddress.AbsolutePath.Trim('/')}.")
            : command.Check(context.ReceiveContext) is { } rejection
                ? throw new CommandRefusedException(rejection)
                : next.Send(context);

    public void Probe(ProbeContext context) => context.CreateFilterScope("command-contract");
}

/// <summary>
/// The error pipe of a command endpoint. A command refused by the contract, or too broken to deserialise (not JSON,
/// a wrong type, null),
/// is answered with <see cref="JobCommandRejected" /> carrying whatever ids could be read, counted, logged, and
/// dropped: it never sits in the <c>_error</c> queue unanswered. Any other failure takes MassTransit's usual way: a
/// fault and the <c>_error</c> queue.
/// </summary>
public sealed class CommandRefusalFilter(Func<ReceiveContext, CommandRoute?> route, ILogger logger) : IFilter<ExceptionReceiveContext>
{
    public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        // A body that breaks the contract explains whatever failed on it (MassTransit's deserialiser throws on a wrong
        // type or a JSON null before the contract filter runs); a body that keeps it failed for another reason.
        var command = route(context);
        var rejection = (context.Exception as CommandRefusedException)?.Rejection ?? command?.Check(context);
        if (command is null || rejection is null)
        {
            await next.Send(context);
            return;
        }

        var (jobId, commandId, requestedBy) = CommandBody.Ids(context);
        logger.LogWarning("{Command} {CommandId} for job {JobId} from {User} refused before it was read: {Reason} at {Field}: {Message}",
            command.Name, commandId, jobId, requestedBy is null ? null : InputBounds.Clip(requestedBy), rejection.Code, rejection.Field, rejection.Message);
        JobMonitorTelemetry.CommandsUnreadable.Add(1, new(JobTags.Command, command.Name), new(JobTags.Reason, rejection.Code));
        JobMonitorTelemetry.CommandsRejected.Add(1, new(JobTags.Command, command.Name), new(JobTags.Reason, rejection.Code));
        var endpoint = await context.PublishEndpointProvider.GetPublishSendEndpoint<JobCommandRejected>();
        await endpoint.Send(new JobCommandRejected
        {
            JobId = jobId,
            CommandId = commandId,
            Command = command.Name,
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

public static class CommandContractExtensions
{
    static readonly ConditionalWeakTable<IReceiveEndpointConfigurator, object> Configured = new();

    /// <summary>
    /// The contract check in front of the endpoint's consumers, the refusal filter in front of the usual error
    /// handling; <paramref name="route" /> tells which command a message is. Once per endpoint, however many command
    /// consumers share it.
    /// </summary>
    public static void UseCommandContract(this IReceiveEndpointConfigurator endpoint, IRegistrationContext context,
        Func<ReceiveContext, CommandRoute?> route)
    {
        if (!Configured.TryAdd(endpoint, route))
            return;
        var logger = context.GetRequiredService<ILoggerFactory>().CreateLogger($"{typeof(CommandRefusedException).Namespace}.CommandRefusal");
        endpoint.UseFilter(new CommandContractFilter(route));
        endpoint.ConfigureError(error =>
        {
            error.UseFilter(new CommandRefusalFilter(route, logger));
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new ErrorTransportFilter());
        });
    }
}

/// <summary>The receive endpoint of the create command: CHECK behind the contract.</summary>
public sealed class CreateJobEndpointDefinition : ConsumerDefinition<CreateJobConsumer>
{
    static readonly CommandRoute Create = CommandRoute.Of<CreateJob>();

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CreateJobConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // A burst is held (unacknowledged) so that OpeningOrder can check it earliest date first.
        endpointConfigurator.PrefetchCount = OpeningOrder.Depth;
        endpointConfigurator.ConcurrentMessageLimit = OpeningOrder.Depth;
        endpointConfigurator.UseCommandContract(context, _ => Create);
    }
}
