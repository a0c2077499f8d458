using JobMonitor.Contracts;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Check;
using NJsonSchema;
using NJsonSchema.Generation;

namespace JobMonitor.Service.Contract;

/// <summary>
/// What CHECK (<see cref="JobDefinitionValidator" />) and the saga's command checks say about a message's shape, laid
/// on the schemas NJsonSchema generates from the contracts: the records keep every field optional so that a bad
/// command is answered with a reason instead of failing to deserialise, but a publisher should know up front what
/// will be refused. Bounds are the service's <see cref="JobLimits" />.
/// </summary>
sealed class CheckRules(JobLimits limits) : ISchemaProcessor
{
    const string GuidShape = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
    const string NotBlank = @"\S";

    public void Process(SchemaProcessorContext context)
    {
        var schema = context.Schema;
        // JSON has no int32 and says uuid, not guid; validators that do not know a format refuse the schema.
        if (schema.Format is JsonFormatStrings.Integer or JsonFormatStrings.Long)
            schema.Format = null;
        if (schema.Format == JsonFormatStrings.Guid)
        {
            schema.Format = "uuid";
            schema.Pattern = GuidShape;
        }
        if (schema.Type != JsonObjectType.Object || schema.Properties.Count == 0)
            return;

        var type = context.ContextualType.Type;
        if (type.IsAssignableTo(typeof(JobCommand)))
            Command(schema);
        if (type == typeof(CreateJob))
            CreateJob(schema);
        else if (type == typeof(RescheduleJob))
        {
            Instant(schema, "scheduledAt", required: true);
            Instant(schema, "maxStartAt", required: false);
        }
        else if (type == typeof(RerunJob))
            OneOf(schema, "step", required: true, [JobStep.Pre.Wire(), JobStep.Run.Wire(), JobStep.Post.Wire()]);
        else if (type == typeof(RespondToTrap))
            OneOf(schema, "action", required: true, LowerNames<TrapTimeoutAction>());
        else if (type == typeof(RevisionSpec))
            Revision(schema);
        else if (type == typeof(PipelineSpec))
            Pipeline(schema);
        else if (type == typeof(RollbackSpec))
        {
            MaxItems(schema, limits.OpsPerStep, "pre", "run");
            NoApproval(schema, "pre", "run");
        }
        else if (type == typeof(OpSpec))
            Op(schema);
        else if (type == typeof(OpParams))
            Params(schema);
    }

    static void Command(JsonSchema schema)
    {
        foreach (var id in new[] { "jobId", "commandId" })
        {
            var property = schema.Properties[id];
            property.IsRequired = true;
            property.Not = new JsonSchema { Enumeration = { Guid.Empty.ToString() } };
        }
        Text(schema.Properties["requestedBy"], required: true, maxLength: null);
    }

    void CreateJob(JsonSchema schema)
    {
        Text(schema.Properties["name"], required: true, limits.NameLength);
        foreach (var scope in new[] { "project", "environment" })
        {
            var property = schema.Properties[scope];
            Text(property, required: true, limits.ScopeLength);
            property.Pattern = JobDefinitionValidator.ScopeShape;
        }
        OneOf(schema, "type", required: false, Enum.GetNames<JobType>());
        MaxItems(schema, limits.Revisions, "revisions");
        Required(schema.Properties["pipeline"]);
        Instant(schema, "scheduledAt", required: false);
        Instant(schema, "maxStartAt", required: false);
    }

    void Revision(JsonSchema schema)
    {
        Text(schema.Properties["id"], required: true, limits.NameLength);
        schema.Properties["author"].MaxLength = limits.NameLength;
        schema.Properties["message"].MaxLength = limits.TextLength;
        var paths = schema.Properties["paths"];
        paths.MaxItems = limits.PathsPerRevision;
        Text(paths.Item!, required: false, limits.TextLength);
    }

    void Pipeline(JsonSchema schema)
    {
        string[] steps = ["pre", "run", "post"];
        MaxItems(schema, limits.OpsPerStep, steps);
        NoApproval(schema, "run", "post");
        // CHECK refuses a pipeline without a single op in pre, run or post (empty_pipeline).
        foreach (var step in steps)
            schema.AnyOf.Add(new JsonSchema
            {
                RequiredProperties = { step },
                Properties = { [step] = new JsonSchemaProperty { Type = JsonObjectType.Array, MinItems = 1 } },
            });
    }

    void Op(JsonSchema schema)
    {
        Text(schema.Properties["name"], required: true, limits.NameLength);
        OneOf(schema, "kind", required: true, LowerNames<OpKind>());
        OneOf(schema, "onError", required: false, LowerNames<OpErrorPolicy>());
        OneOf(schema, "trapTimeoutAction", required: false, LowerNames<TrapTimeoutAction>());
        schema.Properties["trapTimeout"].Pattern = InstantAndDuration.DurationShape;
        MaxItems(schema, limits.ListItems, "secret");

        // What each kind needs in params (the rest of params is checked the same for every kind).
        var needs = new Dictionary<OpKind, (string Param, JsonSchemaProperty Shape)>
        {
            [OpKind.Log] = ("message", new() { Type = JsonObjectType.String, Pattern = NotBlank }),
            [OpKind.Delay] = ("duration", new() { Type = JsonObjectType.String }),
            [OpKind.Script] = ("script", new() { Type = JsonObjectType.String, Pattern = NotBlank }),
            [OpKind.Http] = ("url", new() { Type = JsonObjectType.String, Pattern = @"^[hH][tT][tT][pP][sS]?://[^/?#\s]" }),
            [OpKind.Approval] = ("approvers", new() { Type = JsonObjectType.Array, MinItems = 1 }),
            [OpKind.Dispatch] = ("queue", new() { Type = JsonObjectType.String, Pattern = JobDefinitionValidator.ScopeShape }),
        };
        foreach (var (kind, (param, shape)) in needs)
        {
            // NJsonSchema has no if/then of its own: they go in as extension keywords.
            var ofKind = new JsonSchema
            {
                RequiredProperties = { "kind" },
                Properties = { ["kind"] = new JsonSchemaProperty { Enumeration = { kind.ToString().ToLowerInvariant() } } },
            };
            var needed = new JsonSchema
            {
                RequiredProperties = { "params" },
                Properties =
                {
                    ["params"] = new JsonSchemaProperty { Type = JsonObjectType.Object, RequiredProperties = { param }, Properties = { [param] = shape } },
                },
            };
            schema.AllOf.Add(new JsonSchema { ExtensionData = new Dictionary<string, object?> { ["if"] = ofKind, ["then"] = needed } });
        }
    }

    void Params(JsonSchema schema)
    {
        var properties = schema.Properties;
        properties["message"].MaxLength = limits.TextLength;
        foreach (var level in LogLevels.OpLevels.Append<string?>(null))
            properties["level"].Enumeration.Add(level);
        foreach (var duration in new[] { "duration", "timeout" })
            properties[duration].Pattern = InstantAndDuration.DurationShape;
        foreach (var name in new[] { "script", "queue" })
            properties[name].MaxLength = limits.NameLength;
        properties["url"].MaxLength = limits.TextLength;
        foreach (var big in new[] { "body", "payload" })
            properties[big].MaxLength = limits.ParamLength;
        foreach (var list in new[] { "args", "approvers" })
        {
            properties[list].MaxItems = limits.ListItems;
            Text(properties[list].Item!, required: false, limits.TextLength);
        }
        foreach (var map in new[] { "env", "headers" })
        {
            var property = properties[map];
            property.MaxProperties = limits.ListItems;
            property.AdditionalPropertiesSchema!.MaxLength = limits.TextLength;
            (property.ExtensionData ??= new Dictionary<string, object?>())["propertyNames"] =
                new JsonSchema { MinLength = 1, MaxLength = limits.NameLength, Pattern = NotBlank };
        }
        properties["expectedStatus"].Minimum = 100;
        properties["expectedStatus"].Maximum = 599;
    }

    /// <summary>An approval waits before RUN: CHECK takes approval ops in PRE only, not in these lists.</summary>
    static void NoApproval(JsonSchema schema, params string[] steps)
    {
        var approval = new JsonSchema { Enumeration = { OpKind.Approval.ToString().ToLowerInvariant() } };
        var rule = new JsonSchema();
        foreach (var step in steps)
            rule.Properties[step] = new JsonSchemaProperty
            {
                // Types repeated from the step's own schema: ajv's strict mode wants them beside items and properties.
                Type = JsonObjectType.Array | JsonObjectType.Null,
                Item = new JsonSchema { Type = JsonObjectType.Object, Properties = { ["kind"] = new JsonSchemaProperty { Not = approval } } },
            };
        schema.AllOf.Add(rule);
    }

    /// <summary>CHECK's <c>Text</c>: present, not blank, at most so long.</summary>
    static void Text(JsonSchema property, bool required, int? maxLength)
    {
        if (required)
            Required(property);
        property.MinLength = 1;
        property.Pattern = NotBlank;
        property.MaxLength = maxLength;
    }

    static void Instant(JsonSchema schema, string name, bool required)
    {
        var property = schema.Properties[name];
        if (required)
            Required(property);
        property.Format = JsonFormatStrings.DateTime;
        property.Pattern = InstantAndDuration.InstantShape;
    }

    static void OneOf(JsonSchema schema, string name, bool required, IEnumerable<string> values)
    {
        var property = schema.Properties[name];
        if (required)
            Required(property);
        foreach (var value in values)
            property.Enumeration.Add(value);
        if (property.Type.HasFlag(JsonObjectType.Null))
            property.Enumeration.Add(null);
    }

    static void MaxItems(JsonSchema schema, int max, params string[] names)
    {
        foreach (var name in names)
            schema.Properties[name].MaxItems = max;
    }

    /// <summary>Present and not null: a required field's null is refused like its absence.</summary>
    static void Required(JsonSchema property)
    {
        if (property is JsonSchemaProperty { } member)
            member.IsRequired = true;
        property.Type &= ~JsonObjectType.Null;
        foreach (var nothing in property.OneOf.Where(s => s.Type == JsonObjectType.Null).ToList())
            property.OneOf.Remove(nothing);
    }

    static IEnumerable<string> LowerNames<T>() where T : struct, Enum => Enum.GetNames<T>().Select(n => n.ToLowerInvariant());
}
