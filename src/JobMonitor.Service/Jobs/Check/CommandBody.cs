using System.Text.Json;
using System.Text.RegularExpressions;
using JobMonitor.Contracts;
using MassTransit;

namespace JobMonitor.Service.Jobs.Check;

/// <summary>
/// A command as it arrived on the bus, read from its bytes: the bare JSON of a non-.NET publisher, or the
/// <c>message</c> of MassTransit's envelope. Judged against the contract before MassTransit deserialises it.
/// </summary>
public static partial class CommandBody
{
    const string EnvelopeMediaType = "application/vnd.masstransit+json";

    /// <summary>What is wrong with the command's JSON (shape, ids), or null when it may be deserialised.</summary>
    public static Rejection? Check<T>(ReceiveContext context) where T : JobCommand
    {
        try
        {
            using var document = JsonDocument.Parse(context.Body.GetBytes());
            if (Message(context, document.RootElement) is not { } message)
                return new Rejection(RejectionCodes.MissingField, "the envelope carries no message.", "message");
            return ContractShape.Check<T>(message) ?? RequiredIds(message);
        }
        catch (JsonException e)
        {
            return ContractShape.Malformed(e);
        }
    }

    /// <summary>The ids and user the command names, as far as they can be read (empty GUIDs where they cannot).</summary>
    public static (Guid JobId, Guid CommandId, string? RequestedBy) Ids(ReceiveContext context)
    {
        var bytes = context.Body.GetBytes();
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (Message(context, document.RootElement) is { ValueKind: JsonValueKind.Object } message)
                return (GuidOf(message, "jobId"), GuidOf(message, "commandId"), TextOf(message, "requestedBy"));
        }
        catch (JsonException)
        {
            // Not JSON: the ids may still be legible in the text.
            var text = System.Text.Encoding.UTF8.GetString(bytes);
            return (Scan(text, "jobId"), Scan(text, "commandId"), null);
        }
        return (Guid.Empty, Guid.Empty, null);
    }

    static JsonElement? Message(ReceiveContext context, JsonElement root) =>
        context.ContentType?.MediaType != EnvelopeMediaType ? root
        : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var message) ? message
        : null;

    static Rejection? RequiredIds(JsonElement message)
    {
        foreach (var field in new[] { "jobId", "commandId" })
        {
            if (GuidOf(message, field) == Guid.Empty)
                return new Rejection(RejectionCodes.MissingField, $"{field} is required (a GUID chosen by the publisher, not all zeros).", field);
        }
        return null;
    }

    static Guid GuidOf(JsonElement message, string name) =>
        Property(message, name) is { ValueKind: JsonValueKind.String } value && value.TryGetGuid(out var id) ? id : Guid.Empty;

    static string? TextOf(JsonElement message, string name) =>
        Property(message, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    static JsonElement? Property(JsonElement message, string name) =>
        message.EnumerateObject().Where(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault();

    static Guid Scan(string text, string name) =>
        IdPattern().Matches(text).FirstOrDefault(m => m.Groups[1].Value.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } match
            && Guid.TryParse(match.Groups[2].Value, out var id) ? id : Guid.Empty;

    [GeneratedRegex("\"(\\w+)\"\\s*:\\s*\"([0-9A-Fa-f-]{32,36})\"")]
    private static partial Regex IdPattern();
}
