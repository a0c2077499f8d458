using System.Globalization;
using System.Text.Json;

namespace JobMonitor.Cli;

/// <summary>How answers are written: aligned tables and short lines for a person, JSON for a script.</summary>
public static class Output
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Json(TextWriter writer, JsonElement element, bool indented = true) =>
        writer.WriteLine(JsonSerializer.Serialize(element, indented ? Indented : JsonSerializerOptions.Default));

    public static void Table(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(headers).ToList();
        var widths = headers.Select((_, i) => all.Max(row => row[i].Length)).ToArray();
        foreach (var row in all)
            writer.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
    }

    /// <summary><c>[######----]  60%</c>: progress is 0..1.</summary>
    public static string ProgressBar(double progress, int width = 20)
    {
        var filled = (int)Math.Round(Math.Clamp(progress, 0, 1) * width);
        return $"[{new string('#', filled)}{new string('-', width - filled)}] {progress * 100,3:0}%";
    }

    /// <summary>A log line as <c>12:00:01  RUN   info     deploy: text</c> (op and user when there are), in local time.</summary>
    public static string LogLine(JsonElement line)
    {
        var at = line.GetProperty("at").GetDateTimeOffset().ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var op = Text(line, "op");
        var user = Text(line, "user");
        return $"{at}  {Text(line, "step"),-4}  {Text(line, "level"),-7}  {(op.Length == 0 ? "" : op + ": ")}{(user.Length == 0 ? "" : user + ": ")}{Text(line, "text")}";
    }

    public static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            _ => value.GetRawText(),
        } : "";

    /// <summary>An instant of the API as local time, <c>2026-12-02 22:00</c>; empty when absent.</summary>
    public static string Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetDateTimeOffset().ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : "";
}
