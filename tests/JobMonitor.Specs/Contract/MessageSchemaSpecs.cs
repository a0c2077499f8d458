using System.Text.Json;
using System.Text.Json.Nodes;
using JobMonitor.Contracts;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Check;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace JobMonitor.Specs.Contract;

/// <summary>
/// The published schemas accept the samples and refuse what CHECK refuses, so a publisher in any language can
/// validate a message before sending it.
/// </summary>
public sealed class MessageSchemaSpecs
{
    static readonly DateTimeOffset Now = new(2026, 12, 1, 21, 0, 0, TimeSpan.Zero);
    static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web);

    readonly JobDefinitionValidator _check = new(
        Options.Create(new JobOptions()),
        new ConfigurationBuilder().AddInMemoryCollection(
            new[] { "build", "deploy", "undeploy", "notify" }.ToDictionary(s => $"Execution:Scripts:{s}:Path", _ => (string?)"/bin/true")).Build());

    public static TheoryData<string> Samples() =>
        [.. Directory.GetFiles(Path.Combine(PublishedContract.Root, "samples"), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_sample_validates_against_the_schema_of_the_contract_it_is_named_after(string file)
    {
        // create-job.json is a CreateJob.
        var contract = string.Concat(Path.GetFileNameWithoutExtension(file).Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
        Assert.True(PublishedContract.Schemas.ContainsKey(contract), $"samples/{file} names no contract ({contract}).");

        var results = PublishedContract.Evaluate(contract, PublishedContract.Sample(file));

        Assert.True(results.IsValid, string.Join(", ", PublishedContract.FailedLocations(results)));
    }

    [Fact]
    public void The_create_sample_also_passes_CHECK()
    {
        var (_, rejection) = _check.Validate(Deserialised(PublishedContract.Sample("create-job.json")), Now);

        Assert.Null(rejection);
    }

    [Theory]
    [InlineData("a typo'd field", "/scheduleAt")]
    [InlineData("a wrong type", "/pipeline/post/1/params/message")]
    public void A_malformed_create_is_refused_at_the_field_at_fault(string malformed, string location)
    {
        var create = PublishedContract.Sample("create-job.json");
        if (malformed == "a typo'd field")
        {
            create["scheduleAt"] = create["scheduledAt"]!.DeepClone();
            create.Remove("scheduledAt");
        }
        else
            create["pipeline"]!["post"]![1]!["params"]!["message"] = 123;

        var results = PublishedContract.Evaluate("CreateJob", create);

        Assert.False(results.IsValid);
        Assert.Contains(location, PublishedContract.FailedLocations(results));
    }

    [Fact]
    public void A_command_without_requestedBy_is_refused()
    {
        var approve = PublishedContract.Sample("approve-job.json");
        approve.Remove("requestedBy");

        Assert.False(PublishedContract.Evaluate("ApproveJob", approve).IsValid);
    }

    [Theory]
    [InlineData("RerunJob", "step", "LATER")]
    [InlineData("RespondToTrap", "action", "ignore")]
    [InlineData("RescheduleJob", "scheduledAt", "next monday")]
    public void A_command_field_with_a_value_the_saga_refuses_is_refused(string contract, string field, string value)
    {
        var command = new JsonObject
        {
            ["jobId"] = Guid.NewGuid().ToString(),
            ["commandId"] = Guid.NewGuid().ToString(),
            ["requestedBy"] = "ana",
            [field] = value,
        };

        Assert.False(PublishedContract.Evaluate(contract, command).IsValid);
    }

    /// <summary>Each breaks one rule of CHECK in the valid create sample.</summary>
    static readonly Dictionary<string, Action<JsonObject>> Breaks = new()
    {
        ["an empty job id"] = c => c["jobId"] = Guid.Empty.ToString(),
        ["no name"] = c => c.Remove("name"),
        ["a blank name"] = c => c["name"] = "   ",
        ["a name over 200 characters"] = c => c["name"] = new string('x', 201),
        ["a project with a space"] = c => c["project"] = "web shop",
        ["an unknown type"] = c => c["type"] = "Fast",
        ["a revision without id"] = c => c["revisions"]![0]!.AsObject().Remove("id"),
        ["no pipeline"] = c => c.Remove("pipeline"),
        ["a pipeline without ops"] = c => c["pipeline"] = new JsonObject { ["pre"] = new JsonArray(), ["run"] = new JsonArray() },
        ["an unknown op kind"] = c => c["pipeline"]!["pre"]![0]!["kind"] = "shell",
        ["an op without name"] = c => c["pipeline"]!["pre"]![0]!.AsObject().Remove("name"),
        ["a log op without message"] = c => c["pipeline"]!["post"]![1]!["params"]!.AsObject().Remove("message"),
        ["a log level that is none"] = c => c["pipeline"]!["post"]![1]!["params"]!["level"] = "loud",
        ["a script op without script"] = c => c["pipeline"]!["pre"]![0]!["params"]!.AsObject().Remove("script"),
        ["a delay without duration"] = c => c["pipeline"]!["run"]![0] = Op("delay", new JsonObject()),
        ["a delay of 'ten minutes'"] = c => c["pipeline"]!["run"]![0] = Op("delay", new JsonObject { ["duration"] = "ten minutes" }),
        ["an approval without approvers"] = c => c["pipeline"]!["pre"]![0] = Op("approval", new JsonObject { ["approvers"] = new JsonArray() }),
        ["an approval in run"] = c => c["pipeline"]!["run"]![0] = Op("approval", new JsonObject { ["approvers"] = new JsonArray("ana") }),
        ["an approval among the rollback ops"] = c => c["pipeline"]!["rollback"]!["run"]![0] = Op("approval", new JsonObject { ["approvers"] = new JsonArray("ana") }),
        ["an http op with a relative url"] = c => c["pipeline"]!["run"]![0] = Op("http", new JsonObject { ["url"] = "/deploy" }),
        ["an http status of 42"] = c => c["pipeline"]!["run"]![0] = Op("http", new JsonObject { ["url"] = "https://ci.example/hook", ["expectedStatus"] = 42 }),
        ["a dispatch queue with a slash"] = c => c["pipeline"]!["run"]![0] = Op("dispatch", new JsonObject { ["queue"] = "db/agent" }),
        ["an onError that is none"] = c => c["pipeline"]!["run"]![0]!["onError"] = "explode",
        ["a trap time-out of 'half an hour'"] = c => c["pipeline"]!["run"]![0]!["trapTimeout"] = "half an hour",
        ["a trapTimeoutAction that is none"] = c => c["pipeline"]!["run"]![0]!["trapTimeoutAction"] = "panic",
        ["a scheduledAt without offset"] = c => c["scheduledAt"] = "2026-12-01T22:00:00",
        ["a maxStartAt of 'tomorrow'"] = c => c["maxStartAt"] = "tomorrow",
    };

    public static TheoryData<string> Broken() => [.. Breaks.Keys];

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_create_CHECK_refuses_is_refused_by_the_schema_too(string broken)
    {
        var create = PublishedContract.Sample("create-job.json");
        Breaks[broken](create);

        var (_, rejection) = _check.Validate(Deserialised(create), Now);
        var results = PublishedContract.Evaluate("CreateJob", create);

        Assert.NotNull(rejection);
        Assert.False(results.IsValid, $"the schema accepts {broken}, which CHECK refuses ({rejection.Code} at {rejection.Field}).");
    }

    [Theory]
    [InlineData("PT90S")]
    [InlineData("PT5M")]
    [InlineData("PT1H30M")]
    [InlineData("P1D")]
    [InlineData("P1DT2H")]
    [InlineData("PT0.5S")]
    [InlineData("00:05:00")]
    [InlineData("1:30:00")]
    [InlineData("23:59:59.5")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("5M")]
    [InlineData("PT5m")]
    [InlineData("-PT5M")]
    [InlineData("5 minutes")]
    [InlineData("00:61:00")]
    [InlineData("300")]
    public void The_duration_shape_and_CHECK_agree(string text)
    {
        var create = PublishedContract.Sample("create-job.json");
        create["pipeline"]!["run"]![0]!["trapTimeout"] = text;

        Assert.Equal(InstantAndDuration.TryParseDuration(text, out _), PublishedContract.Evaluate("CreateJob", create).IsValid);
    }

    [Theory]
    [InlineData("2026-12-01T22:00:00Z")]
    [InlineData("2026-12-01T22:00:00.123+01:00")]
    [InlineData("2026-12-01T22:00:00-05:30")]
    [InlineData("2026-12-01T22:00:00")]
    [InlineData("2026-12-01 22:00:00Z")]
    [InlineData("2026-12-01")]
    [InlineData("2026-13-01T22:00:00Z")]
    [InlineData("01/12/2026 22:00")]
    public void The_instant_shape_and_CHECK_agree(string text)
    {
        var create = PublishedContract.Sample("create-job.json");
        create["scheduledAt"] = text;
        create.Remove("maxStartAt");

        Assert.Equal(InstantAndDuration.TryParseInstant(text, out _), PublishedContract.Evaluate("CreateJob", create).IsValid);
    }

    static JsonObject Op(string kind, JsonObject parameters) => new() { ["name"] = "op", ["kind"] = kind, ["params"] = parameters };

    /// <summary>As the service's raw JSON deserialiser reads a body: camelCase, case-insensitive.</summary>
    static CreateJob Deserialised(JsonObject create) =>
        create.Deserialize<CreateJob>(Wire)!;
}
