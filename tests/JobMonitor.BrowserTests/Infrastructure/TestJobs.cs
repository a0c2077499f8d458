using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.BrowserTests.Infrastructure;

/// <summary>Publishes jobs as an upstream system does (raw JSON CreateJob on the bus), each with a name of its own to search for.</summary>
public sealed class TestJobs(ServiceHostFixture service)
{
    public const string Quick = """
        {
          "pre":  [{ "name": "build", "kind": "log", "params": { "message": "built" } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deployed" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "notified" } }]
        }
        """;

    public const string NeedsApproval = """
        {
          "pre":  [{ "name": "ask", "kind": "approval", "params": { "approvers": ["ana"] } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deployed" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "notified" } }]
        }
        """;

    /// <summary>RUN's op fails once (flaky.sh, its marker file) and traps; a retry succeeds.</summary>
    public static string TrapsOnce(string marker) => $$"""
        {
          "pre":  [{ "name": "build", "kind": "log", "params": { "message": "built" } }],
          "run":  [{ "name": "deploy", "kind": "script", "params": { "script": "flaky", "args": [{{System.Text.Json.JsonSerializer.Serialize(marker)}}] },
                     "onError": "trap", "trapTimeout": "PT10M", "trapTimeoutAction": "abort" }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "notified" } }]
        }
        """;

    /// <summary>Publishes a create; returns the job id and its name (unique, to search the monitor for).</summary>
    public async Task<(Guid Id, string Name)> CreateAsync(string pipeline, string project = "shop", DateTimeOffset? scheduledAt = null)
    {
        var id = Guid.NewGuid();
        var name = $"web-{id.ToString("N")[..8]}";
        var schedule = scheduledAt is { } at ? $", \"scheduledAt\": \"{at:O}\"" : "";
        await service.PublishRawAsync("JobMonitor.Contracts:CreateJob", $$"""
            {
              "jobId": "{{id}}", "commandId": "{{Guid.NewGuid()}}", "requestedBy": "ci-bot",
              "name": "{{name}}", "project": "{{project}}", "environment": "PROD", "type": "Normal",
              "revisions": [{ "id": "a1b2c3", "author": "ana", "message": "fix cart", "paths": ["db/017.sql", "src/Cart.cs"] }],
              "pipeline": {{pipeline}}{{schedule}}
            }
            """);
        return (id, name);
    }
}
