using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JobMonitor.IntegrationTests.Lifecycle;

/// <summary>
/// Drives jobs through their lifecycle the way upstream systems and operators do: raw JSON commands on the broker,
/// reads through the monitor API. The database is read only for what the API does not show (trap deadline, audit).
/// </summary>
public sealed class LifecycleJobs(ServiceHostFixture host)
{
    public const string Revisions = """[{ "id": "a1b2c3", "author": "ana", "message": "fix cart", "paths": ["db/017.sql", "src/Cart.cs"] }]""";

    /// <summary>PRE, RUN and POST with one log op each: a job whose only interest is its dates and statuses.</summary>
    public const string LogOnlyPipeline = """
        {
          "pre":  [{ "name": "build", "kind": "log", "params": { "message": "built" } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying cart" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }]
        }
        """;

    public JobApi Api { get; } = new(host);

    public ServiceHostFixture Host => host;

    /// <summary>Publishes a CreateJob for a new job id and returns it.</summary>
    public async Task<Guid> CreateAsync(string pipeline, DateTimeOffset? scheduledAt = null, DateTimeOffset? maxStartAt = null)
    {
        var jobId = Guid.NewGuid();
        var dates = (scheduledAt is { } at ? $", \"scheduledAt\": \"{at:O}\"" : "")
            + (maxStartAt is { } max ? $", \"maxStartAt\": \"{max:O}\"" : "");
        await host.PublishRawAsync("JobMonitor.Contracts:CreateJob", $$"""
            {
              "jobId": "{{jobId}}", "commandId": "{{Guid.NewGuid()}}", "requestedBy": "ci-bot",
              "name": "shop-web 2.4.1", "project": "shop", "environment": "PROD", "type": "Normal",
              "revisions": {{Revisions}}, "pipeline": {{pipeline}}{{dates}}
            }
            """);
        return jobId;
    }

    /// <summary>Publishes the command <paramref name="command"/> (e.g. <c>ApproveJob</c>) with extra JSON fields; returns its command id.</summary>
    public async Task<Guid> SendAsync(string command, Guid jobId, string fields = "")
    {
        var commandId = Guid.NewGuid();
        await SendAsync(command, jobId, commandId, fields);
        return commandId;
    }

    public Task SendAsync(string command, Guid jobId, Guid commandId, string fields = "") =>
        host.PublishRawAsync($"JobMonitor.Contracts:{command}", $$"""
            { "jobId": "{{jobId}}", "commandId": "{{commandId}}", "requestedBy": "ana"{{(fields.Length == 0 ? "" : ", " + fields)}} }
            """);

    public async Task<IReadOnlyList<string>> LogTextsAsync(Guid jobId) =>
        (await Api.LogAsync(jobId)).Select(l => l.GetProperty("text").GetString() ?? "").ToList();

    /// <summary>Waits for the job to have <paramref name="status"/> (display name); the failure names the last status seen.</summary>
    public Task<JsonElement> WaitForStatusAsync(Guid jobId, string status, TimeSpan? timeout = null) =>
        WaitForAsync(jobId, status, step: null, timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>Waits for the job to rest at the RUN gate: Ready in step RUN (Ready in PRE only means PRE is queued).</summary>
    public Task<JsonElement> WaitAtRunGateAsync(Guid jobId) => WaitForAsync(jobId, "Ready", "RUN", TimeSpan.FromSeconds(30));

    async Task<JsonElement> WaitForAsync(Guid jobId, string status, string? step, TimeSpan timeout)
    {
        JsonElement? job = null;
        await Polling.WaitUntilAsync(
            async () => (job = await Api.FindAsync(jobId)) is { } found && found.GetProperty("status").GetString() == status
                && (step is null || found.GetProperty("step").GetString() == step),
            timeout,
            () => $"job {jobId} to be {status}{(step is null ? "" : $" in step {step}")} (last seen: {job?.ToString() ?? "absent"})",
            every: TimeSpan.FromMilliseconds(20));
        return job!.Value;
    }

    /// <summary>
    /// Polls the API every 5 ms (no back-off) until the job has <paramref name="status"/>: the instant returned is
    /// when this test saw it, at most one poll (a few ms) after the service stored it.
    /// </summary>
    public async Task<(JsonElement Job, DateTimeOffset SeenAt)> SeeStatusAsync(Guid jobId, string status, TimeSpan timeout)
    {
        JsonElement? job = null;
        var seenAt = DateTimeOffset.MinValue;
        await Polling.WaitUntilAsync(async () =>
        {
            job = await Api.FindAsync(jobId);
            seenAt = DateTimeOffset.UtcNow;
            return job?.GetProperty("status").GetString() == status;
        }, timeout, () => $"job {jobId} to be {status} (last seen: {job?.GetProperty("status").GetString() ?? "absent"})",
            every: TimeSpan.FromMilliseconds(5));
        return (job!.Value, seenAt);
    }

    /// <summary>The stored deadline of the job's trap (the API does not show it), or null.</summary>
    public async Task<DateTimeOffset?> TrapDeadlineAsync(Guid jobId)
    {
        var text = await ScalarAsync<string>("SELECT data->'trap'->>'deadline' FROM jobmonitor.jobs WHERE id = @id", jobId);
        return text is null ? null : DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<T?> ScalarAsync<T>(string sql, Guid id)
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        var value = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>(action, comment, from, to, at) of the job's audit rows, oldest first.</summary>
    public async Task<IReadOnlyList<(string Action, string? Comment, string From, string To, DateTimeOffset At)>> AuditAsync(Guid jobId)
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT action, comment, from_status, to_status, at FROM jobmonitor.job_audit WHERE job_id = @id ORDER BY id");
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<(string, string?, string, string, DateTimeOffset)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        return rows;
    }

    /// <summary>A step's runs, as the dashboard shows them (one per execution and start).</summary>
    public static IReadOnlyList<JsonElement> Steps(JsonElement job, string step) =>
        job.GetProperty("steps").EnumerateArray().Where(s => s.GetProperty("step").GetString() == step).ToList();

    public static void Print(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
