using System.Text.Json;

namespace JobMonitor.Cli;

/// <summary>One line out of an <c>application/problem+json</c> answer: its detail, its reason and each field's errors.</summary>
public static class Problem
{
    public static string Describe(string body)
    {
        JsonElement problem;
        try
        {
            problem = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return body.Length == 0 ? "no details" : body;
        }
        if (problem.ValueKind != JsonValueKind.Object)
            return body;
        var parts = new List<string>();
        if (Text(problem, "reason") is { } reason)
            parts.Add($"[{reason}]");
        if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in errors.EnumerateObject())
                parts.Add($"{field.Name}: {string.Join(" ", field.Value.EnumerateArray().Select(m => m.GetString()))}");
        }
        else if ((Text(problem, "detail") ?? Text(problem, "title")) is { } detail)
        {
            parts.Add(detail);
        }
        return string.Join(" ", parts);
    }

    static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
