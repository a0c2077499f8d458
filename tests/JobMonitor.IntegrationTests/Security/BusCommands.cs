using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Lifecycle;

namespace JobMonitor.IntegrationTests.Security;

/// <summary>Raw JSON commands on the broker from a given <c>requestedBy</c>, and the service's answers to them.</summary>
public sealed class BusCommands(ServiceHostFixture host, CommandAnswers answers)
{
    /// <summary>The <c>pipeline</c> of a job that stops in a trap (its RUN op fails, onError trap).</summary>
    public const string TrappingPipeline = """
        {
          "pre":  [{ "name": "build", "kind": "log", "params": { "message": "built" } }],
          "run":  [{ "name": "deploy", "kind": "script", "params": { "script": "fail", "args": ["5"] }, "onError": "trap" }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }]
        }
        """;

    /// <summary>The <c>pipeline</c> of a job that waits for the approval of <paramref name="approvers" /> after PRE.</summary>
    public static string ApprovalPipeline(params string[] approvers) => $$"""
        {
          "pre":  [{ "name": "ask", "kind": "approval", "params": { "approvers": {{System.Text.Json.JsonSerializer.Serialize(approvers)}} } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }]
        }
        """;

    /// <summary>Publishes a CreateJob for a new job id in <paramref name="project" />/PROD; returns (jobId, commandId).</summary>
    public async Task<(Guid JobId, Guid CommandId)> CreateAsync(string user, string project, string pipeline, DateTimeOffset? scheduledAt = null)
    {
        var (jobId, commandId) = (Guid.NewGuid(), Guid.NewGuid());
        await host.PublishRawAsync("JobMonitor.Contracts:CreateJob", $$"""
            {
              "jobId": "{{jobId}}", "commandId": "{{commandId}}", "requestedBy": "{{user}}",
              "name": "{{project}}-web 1.0", "project": "{{project}}", "environment": "PROD",
              "pipeline": {{pipeline}}{{(scheduledAt is { } at ? $", \"scheduledAt\": \"{at:O}\"" : "")}}
            }
            """);
        return (jobId, commandId);
    }

    /// <summary>Publishes <paramref name="command" /> (e.g. <c>CancelJob</c>) from <paramref name="user" />; returns its command id.</summary>
    public async Task<Guid> SendAsync(string user, string command, Guid jobId, string fields = "")
    {
        var commandId = Guid.NewGuid();
        await host.PublishRawAsync($"JobMonitor.Contracts:{command}", $$"""
            { "jobId": "{{jobId}}", "commandId": "{{commandId}}", "requestedBy": "{{user}}"{{(fields.Length == 0 ? "" : ", " + fields)}} }
            """);
        return commandId;
    }

    /// <summary>Sends the command and waits for it to be accepted; the failure names the rejection.</summary>
    public async Task AcceptedAsync(string user, string command, Guid jobId, string fields = "")
    {
        var commandId = await SendAsync(user, command, jobId, fields);
        var answer = Assert.Single(await answers.WaitForAsync(commandId));
        Assert.True(answer is JobCommandAccepted,
            $"{command} by {user} was rejected: {(answer as JobCommandRejected)?.ReasonCode} {(answer as JobCommandRejected)?.Message}");
    }
}
