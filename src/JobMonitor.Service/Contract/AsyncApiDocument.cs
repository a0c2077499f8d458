using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using JobMonitor.Service.Jobs;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Contract;

/// <summary>
/// The AsyncAPI 3.0 document of the bus contract (<c>GET /asyncapi.json</c>, <c>docs/asyncapi.json</c>): a channel per
/// exchange, an operation per direction, and each message's schema from <see cref="MessageSchemas" />. No AsyncAPI
/// library is at hand, so the few objects around the schemas are written here.
/// </summary>
public sealed class AsyncApiDocument(IOptions<JobOptions> options)
{
    const string Raw = "application/json";
    const string Envelope = "application/vnd.masstransit+json";
    const string Draft07 = "application/schema+json;version=draft-07";
    const string AmqpBinding = "0.3.0";

    static readonly JsonSerializerOptions Written = new()
    {
        WriteIndented = true,
        // Patterns stay readable ('+' rather than \u002B); the document is served as JSON, never inside HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    readonly Lazy<string> _json = new(() => Write(options.Value.Limits));

    /// <summary>The document as served, for the limits this instance's CHECK applies.</summary>
    public string Json => _json.Value;

    public static string Write(JobLimits limits)
    {
        var channels = new JsonObject();
        var operations = new JsonObject();
        var messages = new JsonObject();
        var schemas = new JsonObject { ["MassTransitEnvelope"] = EnvelopeSchema() };
        foreach (var contract in ContractMessages.All)
        {
            var name = contract.Type.Name;
            var schema = MessageSchemas.For(contract.Type, limits);
            // The XML doc's summary, its source line breaks undone.
            var summary = string.Join(' ', (schema["description"]?.GetValue<string>() ?? name).Split('\n', StringSplitOptions.TrimEntries));
            schemas[name] = schema;

            var carried = new JsonObject();
            if (contract.Received)
            {
                messages[name] = Message(name, name, summary, Raw, Ref($"#/components/schemas/{name}"),
                    "The message itself as the body, with the AMQP property content_type: application/json.");
                carried[name] = Ref($"#/components/messages/{name}");
            }
            var enveloped = contract.Received ? name + "Envelope" : name;
            messages[enveloped] = Message(enveloped, name, summary, Envelope, EnvelopeOf(contract),
                "MassTransit's envelope (what a .NET publisher using MassTransit sends); the message is its 'message'.");
            carried[enveloped] = Ref($"#/components/messages/{enveloped}");

            channels[name] = Channel(contract, carried);
            operations[(contract.Received ? "receive" : "send") + name] = new JsonObject
            {
                ["action"] = contract.Received ? "receive" : "send",
                ["channel"] = Ref($"#/channels/{name}"),
                ["summary"] = contract.Received
                    ? $"The service consumes {name}."
                    : $"The service publishes {name}.",
                ["messages"] = new JsonArray([.. carried.Select(m => Ref($"#/channels/{name}/messages/{m.Key}"))]),
            };
        }

        var document = new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = "JobMonitor bus contract",
                ["version"] = "1.0.0",
                ["description"] = """
                    Commands that upstream systems publish to JobMonitor over RabbitMQ, the events it publishes, and the
                    messages of dispatch agents (docs/agent-contract.md). Every exchange is a durable fanout exchange named
                    after the contract type; routing keys are ignored. A command may be plain JSON (content_type
                    application/json, camelCase, the command itself as the body) or a MassTransit envelope. Each command is
                    answered by JobCommandAccepted or JobCommandRejected (reasonCode, field, message) with its commandId.
                    The schemas say what CHECK refuses about shape: required fields, types, allowed values, lengths and
                    counts (for the Jobs:Limits of the service that wrote this document), and no field beyond those listed.
                    What only the service knows (configured scripts, allowed URLs, permissions, the job's status) is not
                    in them.
                    """,
            },
            ["defaultContentType"] = Raw,
            ["channels"] = channels,
            ["operations"] = operations,
            ["components"] = new JsonObject { ["schemas"] = schemas, ["messages"] = messages },
        };
        return document.ToJsonString(Written) + "\n";
    }

    static JsonObject Channel(ContractMessage contract, JsonObject messages)
    {
        var channel = new JsonObject
        {
            ["address"] = contract.Address,
            ["messages"] = messages,
        };
        if (contract.Address == "{queue}")
        {
            channel["description"] = "The exchange and durable queue named by the dispatch op's params.queue; the agent consumes the queue.";
            channel["parameters"] = new JsonObject { ["queue"] = new JsonObject { ["description"] = "params.queue of the dispatch op." } };
            channel["bindings"] = new JsonObject
            {
                ["amqp"] = new JsonObject { ["is"] = "queue", ["queue"] = new JsonObject { ["durable"] = true, ["autoDelete"] = false }, ["bindingVersion"] = AmqpBinding },
            };
            return channel;
        }
        channel["bindings"] = new JsonObject
        {
            ["amqp"] = new JsonObject
            {
                ["is"] = "routingKey",
                ["exchange"] = new JsonObject { ["name"] = contract.Address, ["type"] = "fanout", ["durable"] = true, ["autoDelete"] = false },
                ["bindingVersion"] = AmqpBinding,
            },
        };
        return channel;
    }

    static JsonObject Message(string name, string title, string summary, string contentType, JsonObject schema, string description) => new()
    {
        ["name"] = name,
        ["title"] = title,
        ["summary"] = summary,
        ["description"] = description,
        ["contentType"] = contentType,
        ["payload"] = new JsonObject { ["schemaFormat"] = Draft07, ["schema"] = schema },
    };

    static JsonObject EnvelopeOf(ContractMessage contract) => new()
    {
        ["allOf"] = new JsonArray(
            Ref("#/components/schemas/MassTransitEnvelope"),
            new JsonObject
            {
                ["properties"] = new JsonObject
                {
                    ["messageType"] = new JsonObject { ["contains"] = new JsonObject { ["const"] = contract.Urn } },
                    ["message"] = Ref($"#/components/schemas/{contract.Type.Name}"),
                },
            }),
    };

    /// <summary>MassTransit's envelope, as far as a publisher needs it; MassTransit owns it, so other fields may appear.</summary>
    static JsonObject EnvelopeSchema()
    {
        var uuid = new JsonObject { ["type"] = "string", ["format"] = "uuid" };
        var text = new JsonObject { ["type"] = "string" };
        var instant = new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        return new JsonObject
        {
            ["type"] = "object",
            ["description"] = "MassTransit's JSON envelope: the message is in 'message', its type URNs in 'messageType'.",
            ["required"] = new JsonArray("messageType", "message"),
            ["properties"] = new JsonObject
            {
                ["messageId"] = uuid.DeepClone(),
                ["correlationId"] = uuid.DeepClone(),
                ["conversationId"] = uuid.DeepClone(),
                ["initiatorId"] = uuid.DeepClone(),
                ["sourceAddress"] = text.DeepClone(),
                ["destinationAddress"] = text.DeepClone(),
                ["messageType"] = new JsonObject { ["type"] = "array", ["items"] = text.DeepClone(), ["minItems"] = 1 },
                ["message"] = new JsonObject { ["type"] = "object" },
                ["expirationTime"] = instant.DeepClone(),
                ["sentTime"] = instant.DeepClone(),
                ["headers"] = new JsonObject { ["type"] = "object" },
            },
        };
    }

    static JsonObject Ref(string target) => new() { ["$ref"] = target };
}
