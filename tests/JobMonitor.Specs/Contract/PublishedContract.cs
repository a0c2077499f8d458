using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace JobMonitor.Specs.Contract;

/// <summary>
/// docs/asyncapi.json as a publisher gets it, its message schemas read by JsonSchema.Net (not by NJsonSchema, which
/// wrote them), as draft-07 with formats asserted, the way ajv with ajv-formats or Python's jsonschema reads them.
/// </summary>
static class PublishedContract
{
    public static string Root { get; } = FindRoot();

    public static string DocumentPath => Path.Combine(Root, "docs", "asyncapi.json");

    public static JsonObject Document => Parsed.Value;

    static readonly Lazy<JsonObject> Parsed = new(() => JsonNode.Parse(File.ReadAllText(DocumentPath))!.AsObject());

    public static JsonObject Schemas => Document["components"]!["schemas"]!.AsObject();

    static readonly ConcurrentDictionary<string, JsonSchema> Built = new();

    static readonly EvaluationOptions Strict = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>The message <paramref name="message" /> evaluated against the schema of contract <paramref name="contract" />.</summary>
    public static EvaluationResults Evaluate(string contract, JsonNode message) =>
        Schema(contract).Evaluate(JsonSerializer.SerializeToElement(message), Strict);

    /// <summary>Where the failures are (JSON pointers into the message), for assertions and messages.</summary>
    public static IReadOnlyList<string> FailedLocations(EvaluationResults results) =>
        [.. (results.Details ?? []).Where(d => !d.IsValid && d.Errors is { Count: > 0 }).Select(d => d.InstanceLocation.ToString()).Distinct()];

    public static JsonSchema Schema(string contract) => Built.GetOrAdd(contract, name =>
    {
        var text = Schemas[name]?.ToJsonString() ?? throw new InvalidOperationException($"docs/asyncapi.json has no schema {name}.");
        var options = new BuildOptions { Dialect = Dialect.Draft07, SchemaRegistry = new SchemaRegistry() };
        return JsonSchema.FromText(text, options, new Uri($"urn:jobmonitor:contract:{name}"));
    });

    /// <summary>A file of samples/ with its placeholders filled as scripts/up fills them.</summary>
    public static JsonObject Sample(string file)
    {
        var text = File.ReadAllText(Path.Combine(Root, "samples", file))
            .Replace("{{jobId}}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{{commandId}}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{{scheduledAt}}", "2026-12-01T22:00:00Z", StringComparison.Ordinal)
            .Replace("{{maxStartAt}}", "2026-12-01T23:00:00Z", StringComparison.Ordinal);
        return JsonNode.Parse(text)!.AsObject();
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JobMonitor.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No JobMonitor.sln above {AppContext.BaseDirectory}.");
    }
}
