using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using JobMonitor.Contracts;
using JobMonitor.Service.Contract;
using JobMonitor.Service.Jobs;

namespace JobMonitor.Specs.Contract;

/// <summary>
/// docs/asyncapi.json is what the contracts generate, names every contract, and its schemas are well-formed draft-07.
/// After changing a contract or CHECK's rules, rewrite the file with
/// <c>JOBMONITOR_WRITE_ASYNCAPI=1 dotnet test tests/JobMonitor.Specs --filter "FullyQualifiedName~AsyncApiDocumentSpecs"</c>.
/// </summary>
public sealed class AsyncApiDocumentSpecs
{
    [Fact]
    public void The_published_document_is_the_one_the_contracts_generate_with_default_limits()
    {
        var generated = AsyncApiDocument.Write(new JobLimits());
        if (Environment.GetEnvironmentVariable("JOBMONITOR_WRITE_ASYNCAPI") == "1")
            File.WriteAllText(PublishedContract.DocumentPath, generated);

        Assert.True(generated == File.ReadAllText(PublishedContract.DocumentPath),
            "docs/asyncapi.json is out of date: rewrite it with JOBMONITOR_WRITE_ASYNCAPI=1 (see this class's summary).");
    }

    [Fact]
    public void Every_contract_is_a_message_of_the_document_or_a_part_of_one()
    {
        var listed = ContractMessages.All.Select(m => m.Type).ToHashSet();
        var parts = listed.SelectMany(PartsOf).ToHashSet();
        var contracts = typeof(CreateJob).Assembly.GetExportedTypes().Where(t => !t.IsAbstract);

        Assert.Empty(contracts.Where(t => !listed.Contains(t) && !parts.Contains(t)).Select(t => t.Name));
        foreach (var message in ContractMessages.All)
            Assert.NotNull(PublishedContract.Document["channels"]![message.Type.Name]);
    }

    [Fact]
    public void Commands_are_received_and_events_sent_on_exchanges_named_after_their_type()
    {
        var channels = PublishedContract.Document["channels"]!.AsObject();
        var operations = PublishedContract.Document["operations"]!.AsObject();

        Assert.Equal("JobMonitor.Contracts:CreateJob", channels["CreateJob"]!["address"]!.GetValue<string>());
        Assert.Equal("receive", operations["receiveCreateJob"]!["action"]!.GetValue<string>());
        Assert.Equal("JobMonitor.Contracts:JobCommandRejected", channels["JobCommandRejected"]!["address"]!.GetValue<string>());
        Assert.Equal("send", operations["sendJobCommandRejected"]!["action"]!.GetValue<string>());
        // A command may come as plain JSON or in MassTransit's envelope; the service publishes envelopes only.
        Assert.Equal(["CreateJob", "CreateJobEnvelope"], channels["CreateJob"]!["messages"]!.AsObject().Select(m => m.Key));
        Assert.Equal(["JobCreated"], channels["JobCreated"]!["messages"]!.AsObject().Select(m => m.Key));
        Assert.Equal("application/json", PublishedContract.Document["components"]!["messages"]!["CreateJob"]!["contentType"]!.GetValue<string>());
    }

    [Fact]
    public void Every_object_of_every_message_schema_refuses_fields_it_does_not_list()
    {
        var open = new List<string>();
        foreach (var (name, schema) in PublishedContract.Schemas.Where(s => s.Key != "MassTransitEnvelope"))
            Walk(schema!, name, open);

        Assert.Empty(open);
    }

    [Fact]
    public void Every_message_schema_is_valid_draft_07()
    {
        var invalid = PublishedContract.Schemas
            .Where(s => !MetaSchemas.Draft7.Evaluate(JsonSerializer.SerializeToElement(s.Value)).IsValid)
            .Select(s => s.Key);

        Assert.Empty(invalid);
    }

    [Fact]
    public void Property_names_are_camel_case_as_the_service_reads_them()
    {
        var create = PublishedContract.Schemas["CreateJob"]!["properties"]!.AsObject().Select(p => p.Key);

        Assert.Contains("jobId", create);
        Assert.Contains("scheduledAt", create);
        Assert.All(create, name => Assert.True(char.IsLower(name[0]), name));
    }

    /// <summary>
    /// Where an object lists its properties, it must also close itself to others; the conditions under allOf, anyOf
    /// and if/then only narrow an object closed where it is defined.
    /// </summary>
    static void Walk(JsonNode node, string path, List<string> open)
    {
        if (node is JsonObject obj)
        {
            if (obj["properties"] is JsonObject && obj["type"] is not null
                && obj["additionalProperties"]?.GetValueKind() is not JsonValueKind.False)
                open.Add(path);
            foreach (var (key, child) in obj)
            {
                if (child is not null && key is not ("allOf" or "anyOf" or "if" or "then"))
                    Walk(child, $"{path}/{key}", open);
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
                Walk(array[i]!, $"{path}/{i}", open);
        }
    }

    static IEnumerable<Type> PartsOf(Type type) =>
        type.GetProperties().Select(p => p.PropertyType)
            .SelectMany(t => t.IsGenericType ? t.GetGenericArguments() : [t])
            .Where(t => t.Assembly == type.Assembly)
            .SelectMany(t => PartsOf(t).Append(t));
}
