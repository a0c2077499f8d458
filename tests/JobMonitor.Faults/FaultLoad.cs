using System.Text;
using RabbitMQ.Client;

namespace JobMonitor.Faults;

/// <summary>
/// The load of issue 10's measurement: jobs published as raw JSON by an upstream system, each PRE one 3 s
/// <c>delay</c> op, RUN and POST one <c>log</c> op. Published in order, one confirmed message at a time.
/// </summary>
public sealed class FaultLoad(IConnection connection) : IAsyncDisposable
{
    /// <summary>"Under load" in SPEC §11: at least this many jobs in flight.</summary>
    public const int Jobs = 200;

    /// <summary>Ops in each load job's pipeline, all distinct.</summary>
    public const int OpsPerJob = 3;

    const string Pipeline = """
        {
          "pre":  [{ "name": "hold", "kind": "delay", "params": { "duration": "PT3S" } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "done" } }]
        }
        """;

    // The test users' pipeline account (see TestUsers): it may create and reschedule.
    const string RequestedBy = "ci-bot";

    public static async Task<FaultLoad> ConnectAsync(Uri amqp) =>
        new(await new ConnectionFactory { Uri = amqp }.CreateConnectionAsync("jobmonitor-faults-load"));

    /// <summary>Publishes <see cref="Jobs"/> CreateJob commands, RUN due at <paramref name="scheduledAt"/> (now when null).</summary>
    public async Task<IReadOnlyList<Guid>> CreateJobsAsync(DateTimeOffset? scheduledAt = null)
    {
        var ids = Enumerable.Range(0, Jobs).Select(_ => Guid.NewGuid()).ToList();
        await PublishAsync("CreateJob", ids.Select(id => Command(id, $$"""
            "name": "fault load {{id:N}}", "project": "faults", "environment": "PROD", "type": "Normal",
            "pipeline": {{Pipeline}}{{(scheduledAt is { } at ? $", \"scheduledAt\": \"{at:O}\"" : "")}}
            """)));
        return ids;
    }

    /// <summary>Publishes, job after job, one RescheduleJob per date of <paramref name="dates"/>, in that order.</summary>
    public Task RescheduleAsync(IEnumerable<Guid> ids, params DateTimeOffset[] dates) =>
        PublishAsync("RescheduleJob", ids.SelectMany(id => dates.Select(at => Command(id, $"\"scheduledAt\": \"{at:O}\""))));

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    static string Command(Guid jobId, string fields) =>
        $$"""{ "jobId": "{{jobId}}", "commandId": "{{Guid.NewGuid()}}", "requestedBy": "{{RequestedBy}}", {{fields}} }""";

    async Task PublishAsync(string contract, IEnumerable<string> bodies)
    {
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        foreach (var body in bodies)
        {
            var properties = new BasicProperties
            {
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                MessageId = Guid.NewGuid().ToString(),
            };
            await channel.BasicPublishAsync($"JobMonitor.Contracts:{contract}", "", false, properties, Encoding.UTF8.GetBytes(body));
        }
    }
}
