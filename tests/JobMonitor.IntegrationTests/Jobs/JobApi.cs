using System.Net;
using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Jobs;

/// <summary>Reads jobs the way an operator's tool does: through the monitor read API.</summary>
public sealed class JobApi(ServiceHostFixture host)
{
    public async Task<JsonElement?> FindAsync(Guid jobId)
    {
        using var response = await host.Client.GetAsync($"/api/jobs/{jobId}");
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task<JsonElement> WaitForStatusAsync(Guid jobId, string status, TimeSpan? timeout = null)
    {
        JsonElement? job = null;
        try
        {
            await ServiceHostFixture.WaitUntilAsync(async () =>
            {
                job = await FindAsync(jobId);
                return job?.GetProperty("status").GetString() == status;
            }, timeout ?? TimeSpan.FromSeconds(30), $"job {jobId} to be {status}");
        }
        catch (TimeoutException e)
        {
            // The last reading, not the one before the wait began.
            throw new TimeoutException($"{e.Message} Last seen: {job?.GetProperty("status").GetString() ?? "absent"}.", e);
        }
        return job!.Value;
    }

    public async Task<IReadOnlyList<JsonElement>> LogAsync(Guid jobId)
    {
        var body = await host.Client.GetStringAsync($"/api/jobs/{jobId}/log?limit=5000");
        return JsonDocument.Parse(body).RootElement.GetProperty("lines").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    public static string CreateJson(Guid jobId, Guid commandId, string pipeline, DateTimeOffset? scheduledAt = null) => $$"""
        {
          "jobId": "{{jobId}}", "commandId": "{{commandId}}", "requestedBy": "ci-bot",
          "name": "shop-web 2.4.1", "project": "shop", "environment": "PROD", "type": "Normal",
          "revisions": [{ "id": "a1b2c3", "author": "ana", "message": "fix cart", "paths": ["db/017.sql", "src/Cart.cs"] }],
          "pipeline": {{pipeline}}
          {{(scheduledAt is { } at ? $", \"scheduledAt\": \"{at:O}\"" : "")}}
        }
        """;
}
