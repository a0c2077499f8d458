using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Lifecycle;

namespace JobMonitor.IntegrationTests.Actions;

/// <summary>Calls the action API as the test users, and follows the commands it answers with.</summary>
public sealed class ActionCalls(ServiceHostFixture host)
{
    readonly ConcurrentDictionary<string, HttpClient> _clients = new();

    public LifecycleJobs Jobs { get; } = new(host);

    public HttpClient As(string user) => _clients.GetOrAdd(user, host.ClientFor);

    public async Task<HttpResponseMessage> PostAsync(string user, string path, object? body = null) =>
        body is null ? await As(user).PostAsync(path, null) : await As(user).PostAsJsonAsync(path, body);

    /// <summary>Posts an action that must be taken (202); returns the command id from the Location header.</summary>
    public async Task<Guid> ActAsync(string user, Guid jobId, string action, object? body = null)
    {
        using var response = await PostAsync(user, $"/api/jobs/{jobId}/{action}", body);
        return await ReceiptAsync(response);
    }

    /// <summary>Creates a job through POST /api/jobs as admin; returns its id once the service accepted it.</summary>
    public async Task<Guid> CreateAsync(string project, string pipeline, DateTimeOffset? scheduledAt = null)
    {
        using var response = await PostAsync(TestUsers.Admin, "/api/jobs", CreateBody(project, pipeline, scheduledAt));
        var commandId = await ReceiptAsync(response);
        var command = await WaitForCommandAsync(commandId);
        Assert.Equal("accepted", command.GetProperty("status").GetString());
        return command.GetProperty("jobId").GetGuid();
    }

    public static JsonElement CreateBody(string project, string pipeline, DateTimeOffset? scheduledAt = null) => JsonDocument.Parse($$"""
        {
          "name": "{{project}}-web 2.4.1", "project": "{{project}}", "environment": "PROD",
          "revisions": {{LifecycleJobs.Revisions}}, "pipeline": {{pipeline}}
          {{(scheduledAt is { } at ? $", \"scheduledAt\": \"{at:O}\"" : "")}}
        }
        """).RootElement;

    /// <summary>Waits until the command is no longer pending; returns its status document.</summary>
    public async Task<JsonElement> WaitForCommandAsync(Guid commandId, string user = TestUsers.Admin)
    {
        JsonElement status = default;
        await ServiceHostFixture.WaitUntilAsync(async () =>
        {
            status = JsonDocument.Parse(await As(user).GetStringAsync($"/api/commands/{commandId}")).RootElement.Clone();
            return status.GetProperty("status").GetString() != "pending";
        }, TimeSpan.FromSeconds(20), $"command {commandId} to be answered");
        return status;
    }

    /// <summary>Takes the action and waits for the saga to accept it.</summary>
    public async Task AcceptedAsync(string user, Guid jobId, string action, object? body = null)
    {
        var command = await WaitForCommandAsync(await ActAsync(user, jobId, action, body), user);
        Assert.Equal("accepted", command.GetProperty("status").GetString());
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    static async Task<Guid> ReceiptAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {response.StatusCode}: {body}");
        var commandId = JsonDocument.Parse(body).RootElement.GetProperty("commandId").GetGuid();
        Assert.Equal($"/api/commands/{commandId}", response.Headers.Location?.OriginalString);
        return commandId;
    }
}
