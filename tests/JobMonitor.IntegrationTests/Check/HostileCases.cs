using System.Text.Json.Nodes;

namespace JobMonitor.IntegrationTests.Check;

/// <summary>Where a hostile input goes: raw JSON on the bus (to the command's exchange) or the action API.</summary>
public enum Via
{
    Bus,
    Http,
}

/// <summary>The jobs the hostile commands aim at, made once: one waiting for approval, one finished and deleted.</summary>
public sealed record Victims(Guid Waiting, Guid WaitingCreateCommand, Guid Deleted, Guid DeletedCreateCommand);

/// <summary>The ids of one case: a fresh job id and command id, and the victims.</summary>
public sealed record CaseIds(Guid JobId, Guid CommandId, Victims Victims);

/// <summary>
/// One hostile input and the answer it must get. <see cref="Command" /> is the contract name on the bus
/// (<c>CreateJob</c>, <c>CancelJob</c>...) or the path on the API (<c>{job}</c> stands for the waiting job).
/// <see cref="AnsweredAs" /> is the (jobId, commandId) the rejection carries: what could be read of the input.
/// </summary>
public sealed record HostileCase(
    string Name, Via Via, string Command, Func<CaseIds, string> Body, string Reason, string? Field,
    Func<CaseIds, (Guid JobId, Guid CommandId)>? AnsweredAs = null, string ContentType = "application/json")
{
    public (Guid JobId, Guid CommandId) Answer(CaseIds ids) =>
        AnsweredAs?.Invoke(ids) ?? (Command == "CreateJob" ? ids.JobId : ids.Victims.Waiting, ids.CommandId);

    public override string ToString() => Name;
}

/// <summary>The table of SPEC §12 cases: each refused with a specific reason and field, and changing nothing.</summary>
public static class HostileCases
{
    const string Create = "CreateJob";
    const string ApiCreate = "/api/jobs";
    static readonly string Far = "9999-12-31T12:00:00Z";

    public static IReadOnlyList<HostileCase> All { get; } =
    [
        // Unknown fields, at every depth.
        Bad("A create with scheduleAt (a typo) one day ahead", Create, c => c.Set("scheduleAt", Tomorrow()), "unknown_field", "scheduleAt"),
        Bad("An op with parms instead of params", Create, c => c.Set("pipeline.run[0].parms", new JsonObject { ["message"] = "x" }), "unknown_field", "pipeline.run[0].parms"),
        Bad("A log op param mesage", Create, c => c.Set("pipeline.run[0].params.mesage", "x"), "unknown_field", "pipeline.run[0].params.mesage"),
        Bad("A rollback op with onErr", Create, c => c.Set("pipeline.rollback", new JsonObject { ["pre"] = new JsonArray(LogOp("undo")) }).Set("pipeline.rollback.pre[0].onErr", "trap"), "unknown_field", "pipeline.rollback.pre[0].onErr"),
        Bad("A revision with sha", Create, c => c.Set("revisions[0].sha", "abc"), "unknown_field", "revisions[0].sha"),
        Bad("A pipeline with a prep step", Create, c => c.Set("pipeline.prep", new JsonArray(LogOp("x"))), "unknown_field", "pipeline.prep"),
        Bad("A create with an unknown top-level field", Create, c => c.Set("priority", 1), "unknown_field", "priority"),
        // Wrong types.
        Bad("A log message that is a number", Create, c => c.Set("pipeline.run[0].params.message", 123), "invalid_type", "pipeline.run[0].params.message"),
        Bad("A type that is not Normal or Urgent", Create, c => c.Set("type", "Weird"), "invalid_field", "type"),
        Bad("A type that is a number", Create, c => c.Set("type", 5), "invalid_type", "type"),
        Bad("A pipeline that is a string", Create, c => c.Set("pipeline", "[]"), "invalid_type", "pipeline"),
        Bad("A run step that is an object", Create, c => c.Set("pipeline.run", new JsonObject()), "invalid_type", "pipeline.run"),
        Bad("needsRollback that is a string", Create, c => c.Set("pipeline.run[0].needsRollback", "yes"), "invalid_type", "pipeline.run[0].needsRollback"),
        Bad("expectedStatus that is a string", Create, c => c.Set("pipeline.run[0].params.expectedStatus", "200"), "invalid_type", "pipeline.run[0].params.expectedStatus"),
        Bad("expectedVersion that is a fraction", Create, c => c.Set("expectedVersion", 1.5), "invalid_type", "expectedVersion"),
        Bad("Revisions that are an object", Create, c => c.Set("revisions", new JsonObject()), "invalid_type", "revisions"),
        Bad("A revision path that is a number", Create, c => c.Set("revisions[0].paths[0]", 7), "invalid_type", "revisions[0].paths[0]"),
        Bad("An env value that is an object", Create, c => c.Set("pipeline.run[0].params.env", new JsonObject { ["A"] = new JsonObject() }), "invalid_type", "pipeline.run[0].params.env.A"),
        Bad("A null op", Create, c => c.Set("pipeline.run[0]", null), "missing_field", "pipeline.run[0]"),
        Bad("A jobId that is not a GUID", Create, c => c.Set("jobId", "not-a-guid"), "invalid_type", "jobId", ids => (Guid.Empty, ids.CommandId)),
        // Ids.
        Bad("A create without commandId", Create, c => c.Remove("commandId"), "missing_field", "commandId", ids => (ids.JobId, Guid.Empty)),
        Bad("A create whose commandId is all zeros", Create, c => c.Set("commandId", Guid.Empty.ToString()), "missing_field", "commandId", ids => (ids.JobId, Guid.Empty)),
        Bad("A create without jobId", Create, c => c.Remove("jobId"), "missing_field", "jobId", ids => (Guid.Empty, ids.CommandId)),
        Bad("A create replayed for a deleted job", Create, c => c.Set("jobId", c.Ids.Victims.Deleted.ToString()), "job_deleted", "jobId", ids => (ids.Victims.Deleted, ids.CommandId)),
        Bad("The very create of a deleted job, replayed", Create, c => c.Set("jobId", c.Ids.Victims.Deleted.ToString()).Set("commandId", c.Ids.Victims.DeletedCreateCommand.ToString()), "job_deleted", "jobId", ids => (ids.Victims.Deleted, ids.Victims.DeletedCreateCommand)),
        Bad("A create reusing the command id of another job's create", Create, c => c.Set("commandId", c.Ids.Victims.WaitingCreateCommand.ToString()), "command_id_in_use", "commandId", ids => (ids.JobId, ids.Victims.WaitingCreateCommand)),
        // Instants and durations.
        Bad("scheduledAt on 9999-12-31", Create, c => c.Set("scheduledAt", Far), "out_of_range", "scheduledAt"),
        Bad("scheduledAt in year 1", Create, c => c.Set("scheduledAt", "0001-01-01T00:00:00Z"), "out_of_range", "scheduledAt"),
        Bad("maxStartAt five years ahead", Create, c => c.Set("maxStartAt", DateTimeOffset.UtcNow.AddYears(5).ToString("O")), "out_of_range", "maxStartAt"),
        Bad("scheduledAt that is a word", Create, c => c.Set("scheduledAt", "tomorrow"), "invalid_date", "scheduledAt"),
        Bad("scheduledAt without an offset", Create, c => c.Set("scheduledAt", "2026-12-03T10:00:00"), "invalid_date", "scheduledAt"),
        Bad("A delay of P3000000D", Create, c => c.Set("pipeline.run[0]", DelayOp("P3000000D")), "out_of_range", "pipeline.run[0].params.duration"),
        Bad("A trapTimeout of P3000000D", Create, c => c.Set("pipeline.run[0].onError", "trap").Set("pipeline.run[0].trapTimeout", "P3000000D"), "out_of_range", "pipeline.run[0].trapTimeout"),
        Bad("A trapTimeout beyond what a TimeSpan holds", Create, c => c.Set("pipeline.run[0].trapTimeout", "P99999999999D"), "invalid_duration", "pipeline.run[0].trapTimeout"),
        Bad("A script timeout of 60 days (over 49.7)", Create, c => c.Set("pipeline.run[0]", ScriptOp("P60D")), "out_of_range", "pipeline.run[0].params.timeout"),
        Bad("A negative delay", Create, c => c.Set("pipeline.run[0]", DelayOp("-PT5S")), "invalid_duration", "pipeline.run[0].params.duration"),
        Bad("A delay of 9999 hours", Create, c => c.Set("pipeline.run[0]", DelayOp("9999:00:00")), "out_of_range", "pipeline.run[0].params.duration"),
        // Control characters and sizes.
        Bad("A name with CR/LF and a forged log line", Create, c => c.Set("name", "shop\r\n2026-12-01 INFO job finished"), "control_character", "name"),
        Bad("A requestedBy with LF", Create, c => c.Set("requestedBy", "ci-bot\nadmin"), "control_character", "requestedBy"),
        Bad("A comment with NUL", Create, c => c.Set("comment", "ok\u0000"), "control_character", "comment"),
        Bad("An op name with a Unicode line separator", Create, c => c.Set("pipeline.run[0].name", "deploy\u2028ok"), "control_character", "pipeline.run[0].name"),
        Bad("A revision author with an ANSI escape", Create, c => c.Set("revisions[0].author", "\u001b[31mana"), "control_character", "revisions[0].author"),
        Bad("A log message with a newline", Create, c => c.Set("pipeline.run[0].params.message", "line\nforged"), "control_character", "pipeline.run[0].params.message"),
        Bad("A name of 201 characters", Create, c => c.Set("name", new string('n', 201)), "field_too_long", "name"),
        // Not the contract at all.
        Raw("A create that is not JSON, ids legible", Create, ids => $$"""{ "jobId": "{{ids.JobId}}", "commandId": "{{ids.CommandId}}", "name": """, "malformed_json", null),
        Raw("A create that is not JSON at all", Create, _ => "hello, world", "malformed_json", null, _ => (Guid.Empty, Guid.Empty)),
        Raw("A create that is a JSON array", Create, _ => "[]", "invalid_type", null, _ => (Guid.Empty, Guid.Empty)),
        Raw("A create that is JSON null", Create, _ => "null", "invalid_type", null, _ => (Guid.Empty, Guid.Empty)),
        Bad("An unknown op kind", Create, c => c.Set("pipeline.run[0].kind", "shell"), "unknown_op_kind", "pipeline.run[0].kind"),
        Bad("An empty pipeline", Create, c => c.Set("pipeline", new JsonObject()), "empty_pipeline", "pipeline"),
        Bad("Two ops of one name", Create, c => c.Set("pipeline.run[1]", LogOp("deploy")), "duplicate_op_name", "pipeline.run[1].name"),
        Bad("A script that is not configured", Create, c => c.Set("pipeline.run[0]", ScriptOp(null, "rm-rf")), "unknown_script", "pipeline.run[0].params.script"),
        // The other commands.
        Cmd("A reschedule with scheduleAt", "RescheduleJob", ids => $"\"scheduleAt\": \"{Tomorrow()}\"", "unknown_field", "scheduleAt"),
        Cmd("A reschedule to 9999-12-31", "RescheduleJob", ids => $"\"scheduledAt\": \"{Far}\"", "out_of_range", "scheduledAt"),
        Cmd("A reschedule whose date is a number", "RescheduleJob", _ => "\"scheduledAt\": 20261203", "invalid_type", "scheduledAt"),
        Raw("A cancel without commandId", "CancelJob", ids => $$"""{ "jobId": "{{ids.Victims.Waiting}}", "requestedBy": "ci-bot" }""", "missing_field", "commandId", ids => (ids.Victims.Waiting, Guid.Empty)),
        Raw("A cancel whose commandId is all zeros", "CancelJob", ids => $$"""{ "jobId": "{{ids.Victims.Waiting}}", "commandId": "{{Guid.Empty}}", "requestedBy": "ci-bot" }""", "missing_field", "commandId", ids => (ids.Victims.Waiting, Guid.Empty)),
        Cmd("An approve with approved: true", "ApproveJob", _ => "\"approved\": true", "unknown_field", "approved"),
        Cmd("A reject whose comment has CR/LF", "RejectJob", _ => "\"comment\": \"no\\r\\nINFO approved by admin\"", "control_character", "comment"),
        Cmd("A rerun whose step is a number", "RerunJob", _ => "\"step\": 5", "invalid_type", "step"),
        Cmd("A rerun whose runNow is a string", "RerunJob", _ => "\"step\": \"RUN\", \"runNow\": \"yes\"", "invalid_type", "runNow"),
        Cmd("A trap answer that is an array", "RespondToTrap", _ => "\"action\": [\"retry\"]", "invalid_type", "action"),
        Cmd("A pause whose expectedVersion is a string", "PauseTrap", _ => "\"expectedVersion\": \"1\"", "invalid_type", "expectedVersion"),
        Raw("A resume from a user with a tab", "ResumeTrap", ids => $$"""{ "jobId": "{{ids.Victims.Waiting}}", "commandId": "{{ids.CommandId}}", "requestedBy": "ana\tadmin" }""", "control_character", "requestedBy"),
        Raw("A delete that is not JSON", "DeleteJob", ids => $$"""{ "jobId": "{{ids.Victims.Waiting}}", "commandId": "{{ids.CommandId}}", """, "malformed_json", null),
        Raw("A cancel whose jobId is a number", "CancelJob", ids => $$"""{ "jobId": 123, "commandId": "{{ids.CommandId}}" }""", "invalid_type", "jobId", ids => (Guid.Empty, ids.CommandId)),
        Raw("A cancel for a deleted job", "CancelJob", ids => $$"""{ "jobId": "{{ids.Victims.Deleted}}", "commandId": "{{ids.CommandId}}", "requestedBy": "ci-bot" }""", "job_deleted", "jobId", ids => (ids.Victims.Deleted, ids.CommandId)),
        Raw("A cancel reusing the command id of the job's create", "CancelJob", ids => $$"""{ "jobId": "{{ids.Victims.Waiting}}", "commandId": "{{ids.Victims.WaitingCreateCommand}}", "requestedBy": "ci-bot" }""", "command_id_in_use", "commandId", ids => (ids.Victims.Waiting, ids.Victims.WaitingCreateCommand)),
        new("A MassTransit envelope whose cancel has an unknown field", Via.Bus, "CancelJob", ids => $$"""
            { "messageId": "{{Guid.NewGuid()}}", "messageType": ["urn:message:JobMonitor.Contracts:CancelJob"],
              "message": { "jobId": "{{ids.Victims.Waiting}}", "commandId": "{{ids.CommandId}}", "requestedBy": "ci-bot", "reason": "x" } }
            """, "unknown_field", "reason", ContentType: "application/vnd.masstransit+json"),
        // The action API.
        Api("A create over HTTP with scheduleAt", ApiCreate, c => c.Set("scheduleAt", Tomorrow()), "unknown_field", "scheduleAt"),
        Api("A create over HTTP with parms", ApiCreate, c => c.Set("pipeline.run[0].parms", new JsonObject()), "unknown_field", "pipeline.run[0].parms"),
        Api("A create over HTTP whose message is a number", ApiCreate, c => c.Set("pipeline.run[0].params.message", 123), "invalid_type", "pipeline.run[0].params.message"),
        Api("A create over HTTP on 9999-12-31", ApiCreate, c => c.Set("scheduledAt", Far), "out_of_range", "scheduledAt"),
        Api("A create over HTTP whose name has CR/LF", ApiCreate, c => c.Set("name", "a\r\nb"), "control_character", "name"),
        Api("A create over HTTP with a trapTimeout of P3000000D", ApiCreate, c => c.Set("pipeline.run[0].trapTimeout", "P3000000D"), "out_of_range", "pipeline.run[0].trapTimeout"),
        new("A create over HTTP that is not JSON", Via.Http, ApiCreate, _ => "{ \"name\": ", "malformed_json", "body"),
        new("A reschedule over HTTP with scheduleAt", Via.Http, "/api/jobs/{job}/reschedule", _ => $$"""{ "scheduleAt": "{{Tomorrow()}}" }""", "unknown_field", "scheduleAt"),
        new("A reschedule over HTTP to 9999-12-31", Via.Http, "/api/jobs/{job}/reschedule", _ => $$"""{ "scheduledAt": "{{Far}}" }""", "out_of_range", "scheduledAt"),
        new("A cancel over HTTP whose comment has a newline", Via.Http, "/api/jobs/{job}/cancel", _ => """{ "comment": "a\nb" }""", "control_character", "comment"),
        new("A cancel over HTTP with a reason field", Via.Http, "/api/jobs/{job}/cancel", _ => """{ "reason": "x" }""", "unknown_field", "reason"),
        new("A rerun over HTTP whose step is a number", Via.Http, "/api/jobs/{job}/rerun", _ => """{ "step": 1 }""", "invalid_type", "step"),
        new("An approve over HTTP whose expectedVersion is a string", Via.Http, "/api/jobs/{job}/approve", _ => """{ "expectedVersion": "3" }""", "invalid_type", "expectedVersion"),
        new("A reject over HTTP that is not JSON", Via.Http, "/api/jobs/{job}/reject", _ => "comment=no", "malformed_json", "body"),
        new("A log comment over HTTP with txt for text", Via.Http, "/api/jobs/{job}/log", _ => """{ "txt": "hi" }""", "unknown_field", "txt"),
    ];

    public static HostileCase Named(string name) => All.Single(c => c.Name == name);

    /// <summary>A valid create of a job in project <c>hostile</c>, RUN tomorrow.</summary>
    public static JsonObject ValidCreate(CaseIds ids) => new()
    {
        ["jobId"] = ids.JobId.ToString(),
        ["commandId"] = ids.CommandId.ToString(),
        ["requestedBy"] = "ci-bot",
        ["name"] = "hostile-web 1.0",
        ["project"] = "hostile",
        ["environment"] = "PROD",
        ["type"] = "Normal",
        ["revisions"] = new JsonArray(new JsonObject { ["id"] = "a1b2c3", ["author"] = "ana", ["message"] = "fix", ["paths"] = new JsonArray("src/A.cs") }),
        ["pipeline"] = new JsonObject
        {
            ["pre"] = new JsonArray(LogOp("build")),
            ["run"] = new JsonArray(LogOp("deploy")),
            ["post"] = new JsonArray(LogOp("notify")),
        },
        ["scheduledAt"] = Tomorrow(),
    };

    static string Tomorrow() => DateTimeOffset.UtcNow.AddDays(1).ToString("O");

    static JsonObject LogOp(string name) => new() { ["name"] = name, ["kind"] = "log", ["params"] = new JsonObject { ["message"] = name } };

    static JsonObject DelayOp(string duration) => new() { ["name"] = "wait", ["kind"] = "delay", ["params"] = new JsonObject { ["duration"] = duration } };

    static JsonObject ScriptOp(string? timeout, string script = "append") =>
        new() { ["name"] = "deploy", ["kind"] = "script", ["params"] = new JsonObject { ["script"] = script, ["timeout"] = timeout } };

    static HostileCase Bad(string name, string command, Func<CreateEdit, CreateEdit> edit, string reason, string? field,
        Func<CaseIds, (Guid, Guid)>? answeredAs = null) =>
        new(name, Via.Bus, command, ids => edit(new CreateEdit(ids)).Json, reason, field, answeredAs);

    static HostileCase Api(string name, string path, Func<CreateEdit, CreateEdit> edit, string reason, string field) =>
        new(name, Via.Http, path, ids => edit(new CreateEdit(ids)).Json, reason, field);

    static HostileCase Raw(string name, string command, Func<CaseIds, string> body, string reason, string? field,
        Func<CaseIds, (Guid, Guid)>? answeredAs = null) =>
        new(name, Via.Bus, command, body, reason, field, answeredAs);

    /// <summary>A command to the waiting job from ci-bot (who may do anything) with extra fields.</summary>
    static HostileCase Cmd(string name, string command, Func<CaseIds, string> fields, string reason, string field) =>
        new(name, Via.Bus, command, ids => $$"""
            { "jobId": "{{ids.Victims.Waiting}}", "commandId": "{{ids.CommandId}}", "requestedBy": "ci-bot", {{fields(ids)}} }
            """, reason, field);

    /// <summary>A valid create, edited at JSON paths such as <c>pipeline.run[0].parms</c>.</summary>
    public sealed class CreateEdit(CaseIds ids)
    {
        readonly JsonObject _root = ValidCreate(ids);

        public CaseIds Ids => ids;

        public string Json => _root.ToJsonString();

        public CreateEdit Set(string path, JsonNode? value)
        {
            var (parent, last) = Walk(path);
            if (last.Index is { } index)
            {
                var array = parent.AsArray();
                if (index == array.Count)
                    array.Add(value);
                else
                    array[index] = value;
            }
            else
                parent.AsObject()[last.Name] = value;
            return this;
        }

        public CreateEdit Remove(string name)
        {
            _root.Remove(name);
            return this;
        }

        (JsonNode Parent, (string Name, int? Index) Last) Walk(string path)
        {
            var steps = path.Split('.').SelectMany(Segment).ToList();
            JsonNode node = _root;
            foreach (var (name, index) in steps[..^1])
                node = index is { } i ? node.AsArray()[i]! : node.AsObject()[name]!;
            return (node, steps[^1]);
        }

        static IEnumerable<(string Name, int? Index)> Segment(string part)
        {
            var bracket = part.IndexOf('[');
            if (bracket < 0)
            {
                yield return (part, null);
                yield break;
            }
            yield return (part[..bracket], null);
            yield return ("", int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
