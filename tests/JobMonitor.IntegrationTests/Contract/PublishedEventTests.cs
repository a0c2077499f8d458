using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Jobs;
using JobMonitor.Service.Contract;
using RabbitMQ.Client;

namespace JobMonitor.IntegrationTests.Contract;

/// <summary>
/// The events the running service publishes, read raw off RabbitMQ, are what docs/asyncapi.json says field for field
/// (the schemas refuse fields they do not list), evaluated by JsonSchema.Net with formats asserted; their envelopes are
/// compact JSON.
/// </summary>
[Collection(ServiceHostCollection.Name)]
public sealed class PublishedEventTests(ServiceHostFixture host)
{
    static readonly string[] Events =
        [nameof(JobCreated), nameof(JobStatusChanged), nameof(JobStepStarted), nameof(JobStepFinished), nameof(JobOpFinished), nameof(JobCommandRejected)];

    const string Pipeline = """
        {
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying cart" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "done", "level": "info" } }]
        }
        """;

    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_events_of_a_job_and_of_a_refused_create_match_their_schemas_in_compact_envelopes()
    {
        var factory = new ConnectionFactory { Uri = host.Broker };
        await using var connection = await factory.CreateConnectionAsync(Cancel);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancel);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: Cancel)).QueueName;
        foreach (var name in Events)
        {
            // Declared as MassTransit declares it, in case the service has not published this event yet.
            var exchange = ContractMessages.All.Single(m => m.Type.Name == name).Address;
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, cancellationToken: Cancel);
            await channel.QueueBindAsync(queue, exchange, "", cancellationToken: Cancel);
        }

        var created = Guid.NewGuid();
        var refused = Guid.NewGuid();
        const string exchangeOfCreate = "JobMonitor.Contracts:CreateJob";
        await host.PublishRawAsync(exchangeOfCreate, JobApi.CreateJson(created, Guid.NewGuid(), Pipeline), Cancel);
        await host.PublishRawAsync(exchangeOfCreate, JobApi.CreateJson(refused, Guid.NewGuid(), """{ "run": [] }"""), Cancel);
        await new JobApi(host).WaitForStatusAsync(created, "Finished");

        var seen = new HashSet<string>();
        var failures = new List<string>();
        await ServiceHostFixture.WaitUntilAsync(async () =>
        {
            for (var got = await channel.BasicGetAsync(queue, autoAck: true, Cancel); got is not null;
                 got = await channel.BasicGetAsync(queue, autoAck: true, Cancel))
            {
                var envelope = JsonNode.Parse(got.Body.Span)!;
                var message = envelope["message"]!;
                if (!Guid.TryParse(message["jobId"]?.GetValue<string>(), out var jobId) || (jobId != created && jobId != refused))
                    continue;
                var name = envelope["messageType"]![0]!.GetValue<string>().Split(':')[^1];
                seen.Add(name);
                // Written compact: indented, about a fifth of every message the outbox stores and the broker carries is white space.
                if (got.Body.Span.IndexOf((byte)'\n') >= 0)
                    failures.Add($"{name} is indented JSON");
                var results = Schema(name).Evaluate(JsonSerializer.SerializeToElement(message), Strict);
                if (!results.IsValid)
                    failures.Add($"{name} {message.ToJsonString()}: {string.Join(", ", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation} {string.Join("; ", d.Errors!.Values)}"))}");
            }
            return Events.All(seen.Contains);
        }, TimeSpan.FromSeconds(30), "an event of every kind for the two jobs");

        Assert.Empty(failures);
    }

    static readonly EvaluationOptions Strict = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    static readonly Lazy<JsonObject> Schemas = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "asyncapi.json")))!["components"]!["schemas"]!.AsObject());

    static JsonSchema Schema(string name) =>
        JsonSchema.FromText(Schemas.Value[name]!.ToJsonString(), new BuildOptions { Dialect = Dialect.Draft07, SchemaRegistry = new SchemaRegistry() },
            new Uri($"urn:jobmonitor:contract:{name}"));
}
