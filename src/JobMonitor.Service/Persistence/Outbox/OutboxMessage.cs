using MassTransit;
using MassTransit.Context;
using MassTransit.Metadata;
using MassTransit.Middleware;
using MassTransit.Serialization;

namespace JobMonitor.Service.Persistence.Outbox;

/// <summary>
/// One row of jobmonitor.outbox_messages: a message serialized as MassTransit would have sent it (envelope, headers,
/// transport properties such as the RabbitMQ priority), so that the relay sends exactly that message later.
/// </summary>
public sealed class OutboxMessage : OutboxMessageContext
{
    Headers? _headers;
    IReadOnlyDictionary<string, object>? _properties;

    public long SequenceNumber { get; init; }
    public Guid? JobId { get; init; }
    public required Guid MessageId { get; init; }
    public required Uri Destination { get; init; }

    /// <summary>The broker (host and vhost) of <see cref="Destination" />: only a relay whose bus is there may send it.</summary>
    public Uri Broker => BrokerOf(Destination);
    public required string MessageType { get; init; }
    public required string ContentType { get; init; }
    public required string Body { get; init; }
    public string? SerializedHeaders { get; init; }
    public string? SerializedProperties { get; init; }
    public Guid? ConversationId { get; init; }
    public Guid? CorrelationId { get; init; }
    public Guid? InitiatorId { get; init; }
    public Guid? RequestId { get; init; }
    public Uri? SourceAddress { get; init; }
    public Uri? ResponseAddress { get; init; }
    public Uri? FaultAddress { get; init; }
    public required DateTime SentTime { get; init; }
    public DateTime? ExpirationTime { get; init; }

    /// <summary>Captures what MassTransit built for a send: the serialized body and every header and property.</summary>
    public static OutboxMessage From<T>(SendContext<T> context) where T : class
    {
        if (context.MessageId is not { } messageId)
            throw new MessageException(typeof(T), "An outbox message needs a MessageId.");
        if (context.DestinationAddress is not { } destination)
            throw new MessageException(typeof(T), "An outbox message needs a DestinationAddress.");
        var now = DateTime.UtcNow;
        string? properties = null;
        if (context is TransportSendContext<T> transport)
        {
            var values = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            transport.WritePropertiesTo(values);
            properties = Serializer.SerializeDictionary(values);
        }
        return new OutboxMessage
        {
            JobId = MessageJobId.Of(context.Message),
            MessageId = messageId,
            Destination = destination,
            MessageType = string.Join(';', context.SupportedMessageTypes),
            ContentType = context.ContentType?.ToString() ?? context.Serialization.DefaultContentType.ToString(),
            Body = context.Serializer.GetMessageBody(context).GetString(),
            SerializedHeaders = Serializer.SerializeDictionary(context.Headers.GetAll()),
            SerializedProperties = properties,
            ConversationId = context.ConversationId,
            CorrelationId = context.CorrelationId,
            InitiatorId = context.InitiatorId,
            RequestId = context.RequestId,
            SourceAddress = context.SourceAddress,
            ResponseAddress = context.ResponseAddress,
            FaultAddress = context.FaultAddress,
            SentTime = Utc(context.SentTime ?? now),
            ExpirationTime = context.TimeToLive is { } ttl ? now + ttl : null,
        };
    }

    /// <summary>
    /// The broker part of an address of the bus: host and vhost, i.e. everything but the last segment (the exchange or
    /// queue) and the port (how this instance reaches the broker, not which broker it is).
    /// </summary>
    public static Uri BrokerOf(Uri address) => new UriBuilder(new Uri(address, ".")) { Port = -1, Query = "" }.Uri;

    static DateTime Utc(DateTime time) =>
        time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);

    static IObjectDeserializer Serializer => SystemTextJsonMessageSerializer.Instance;

    Guid? MessageContext.MessageId => MessageId;
    DateTime? MessageContext.SentTime => SentTime;
    Uri MessageContext.DestinationAddress => Destination;
    Headers MessageContext.Headers => _headers ??= Serializer.DeserializeDictionary<object?>(SerializedHeaders) is { } headers
        ? new DictionarySendHeaders(headers)
        : EmptyHeaders.Instance;
    HostInfo MessageContext.Host => HostMetadataCache.Host;
    IReadOnlyDictionary<string, object> OutboxMessageContext.Properties =>
        _properties ??= Serializer.DeserializeDictionary<object>(SerializedProperties) ?? new Dictionary<string, object>();
}
