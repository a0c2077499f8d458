using System.Globalization;
using System.Text.Json;

namespace JobMonitor.Cli;

/// <summary>Reads a job's log page by page (<c>after</c> → <c>nextAfter</c>) to its current end.</summary>
public static class JobLogPages
{
    const int PageSize = 5000;

    /// <summary>Hands every line after <paramref name="after" /> to <paramref name="print" />; returns the last seq read.</summary>
    public static async Task<long> ReadAsync(
        ApiClient api, string logPath, long after, string filters, Action<JsonElement> print, CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await api.GetAsync(
                string.Create(CultureInfo.InvariantCulture, $"{logPath}?after={after}&limit={PageSize}{filters}"), cancellationToken);
            foreach (var line in page.GetProperty("lines").EnumerateArray())
            {
                print(line);
                after = line.GetProperty("seq").GetInt64();
            }
            if (page.GetProperty("nextAfter").ValueKind != JsonValueKind.Number)
                return after;
        }
    }
}
