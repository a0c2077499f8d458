using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace JobMonitor.Faults;

/// <summary>A vhost of its own on the fault node, made and read through the node's management API.</summary>
public sealed class FaultBroker : IAsyncDisposable
{
    const string TwinSuffix = "_twice";
    static readonly TimeSpan ShovelsStart = TimeSpan.FromSeconds(60);

    readonly HttpClient http;
    readonly string escaped;

    FaultBroker(HttpClient http, string name, Uri amqp)
    {
        this.http = http;
        Name = name;
        escaped = Uri.EscapeDataString(name);
        Amqp = amqp;
    }

    /// <summary>The vhost's name.</summary>
    public string Name { get; }

    /// <summary>The AMQP URI of the vhost, for the service instances and the publisher.</summary>
    public Uri Amqp { get; }

    public static async Task<FaultBroker> CreateAsync(FaultServers servers, string purpose)
    {
        var amqp = servers.RabbitMq;
        var credentials = Uri.UnescapeDataString(amqp.UserInfo);
        var http = new HttpClient { BaseAddress = servers.RabbitMqManagement, Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        var name = $"jm-faults-{purpose}-{Guid.NewGuid():N}";
        var broker = new FaultBroker(http, name, new UriBuilder(amqp) { Path = "/" + Uri.EscapeDataString(name) }.Uri);
        (await http.PutAsJsonAsync($"api/vhosts/{broker.escaped}", new { })).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync($"api/permissions/{broker.escaped}/{Uri.EscapeDataString(credentials.Split(':')[0])}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return broker;
    }

    /// <summary>
    /// Messages parked in the vhost's <c>_error</c> queues, counted by AMQP (a passive declare is exact; the
    /// management API's figures lag by seconds).
    /// </summary>
    public async Task<long> ErrorQueueMessagesAsync()
    {
        var errorQueues = (await QueuesAsync()).Where(q => q.EndsWith("_error", StringComparison.Ordinal)).ToList();
        if (errorQueues.Count == 0)
            return 0;
        await using var connection = await new ConnectionFactory { Uri = Amqp }.CreateConnectionAsync("jobmonitor-faults");
        await using var channel = await connection.CreateChannelAsync();
        long parked = 0;
        foreach (var queue in errorQueues)
            parked += (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        return parked;
    }

    /// <summary>
    /// Makes the broker deliver every message twice, the way an at-least-once transport may: beside each queue Q
    /// that exists now, a queue Q_twice bound to Q's exchange (MassTransit sends and publishes to a queue through
    /// an exchange of the same name) takes a copy of each message, and a shovel moves the copy into Q, properties
    /// and message id unchanged. Q then holds every message twice, the copy a few milliseconds behind. Returns the
    /// number of queues doubled, once every shovel runs.
    /// </summary>
    public async Task<int> DeliverEveryMessageTwiceAsync()
    {
        var queues = (await QueuesAsync())
            .Where(q => !q.EndsWith("_error", StringComparison.Ordinal) && !q.EndsWith("_skipped", StringComparison.Ordinal))
            .ToList();
        // A shovel's "amqp:///vhost" is a direct connection to this node's vhost.
        var here = $"amqp:///{escaped}";
        foreach (var queue in queues)
        {
            var twin = queue + TwinSuffix;
            var escapedQueue = Uri.EscapeDataString(queue);
            var escapedTwin = Uri.EscapeDataString(twin);
            (await http.PutAsJsonAsync($"api/queues/{escaped}/{escapedTwin}", new { durable = true })).EnsureSuccessStatusCode();
            (await http.PostAsJsonAsync($"api/bindings/{escaped}/e/{escapedQueue}/q/{escapedTwin}", new { routing_key = "" })).EnsureSuccessStatusCode();
            (await http.PutAsJsonAsync($"api/parameters/shovel/{escaped}/{escapedTwin}", new
            {
                value = new Dictionary<string, object>
                {
                    ["src-protocol"] = "amqp091",
                    ["src-uri"] = here,
                    ["src-queue"] = twin,
                    ["dest-protocol"] = "amqp091",
                    ["dest-uri"] = here,
                    // Through the default exchange: a shovel declares a destination queue, which fails on an
                    // instance's exclusive queues.
                    ["dest-exchange"] = "",
                    ["dest-exchange-key"] = queue,
                    ["ack-mode"] = "on-confirm",
                },
            })).EnsureSuccessStatusCode();
        }
        await Polling.WaitUntilAsync(async () => await RunningShovelsAsync() == queues.Count, ShovelsStart, "the duplicating shovels to run");
        return queues.Count;
    }

    /// <summary>
    /// Copies the shovels delivered (acknowledged from the twins once the broker confirmed them into their queue),
    /// so a row can show that the duplication really happened. The management API's figures lag by ~5 s.
    /// </summary>
    public async Task<long> CopiesDeliveredAsync()
    {
        using var queues = await GetAsync($"api/queues/{escaped}?columns=name,message_stats.ack");
        return queues.RootElement.EnumerateArray()
            .Where(q => q.GetProperty("name").GetString()!.EndsWith(TwinSuffix, StringComparison.Ordinal))
            .Sum(q => q.TryGetProperty("message_stats", out var stats) && stats.ValueKind == JsonValueKind.Object
                && stats.TryGetProperty("ack", out var ack) ? ack.GetInt64() : 0);
    }

    /// <summary>Each queue holding messages or without a consumer: ready, unacknowledged, consumers (the management API's figures).</summary>
    public async Task<string> QueueDepthsAsync()
    {
        using var queues = await GetAsync($"api/queues/{escaped}?columns=name,messages_ready,messages_unacknowledged,consumers");
        var depths = queues.RootElement.EnumerateArray()
            .Select(q => (Name: q.GetProperty("name").GetString()!, Ready: Count(q, "messages_ready"),
                Unacked: Count(q, "messages_unacknowledged"), Consumers: Count(q, "consumers")))
            .Where(q => q.Ready + q.Unacked > 0 || q.Consumers == 0)
            .Select(q => $"{q.Name} {q.Ready} ready, {q.Unacked} unacked, {q.Consumers} consumers");
        return string.Join("; ", depths);

        static long Count(JsonElement queue, string property) =>
            queue.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;
    }

    public async ValueTask DisposeAsync()
    {
        using (http)
            await http.DeleteAsync(new Uri($"api/vhosts/{escaped}", UriKind.Relative));
    }

    async Task<IReadOnlyList<string>> QueuesAsync()
    {
        using var queues = await GetAsync($"api/queues/{escaped}?columns=name");
        return [.. queues.RootElement.EnumerateArray()
            .Select(q => q.GetProperty("name").GetString()!)
            .Where(q => !q.EndsWith(TwinSuffix, StringComparison.Ordinal))];
    }

    async Task<int> RunningShovelsAsync()
    {
        using var shovels = await GetAsync($"api/shovels/{escaped}");
        return shovels.RootElement.EnumerateArray().Count(s => s.GetProperty("state").GetString() == "running");
    }

    async Task<JsonDocument> GetAsync(string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
    }
}
