using System.Text;
using JobMonitor.Contracts;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Monitor;

namespace JobMonitor.Specs.Check;

/// <summary>The strict contract check on raw JSON: unknown fields and wrong types named by their path, any depth.</summary>
public sealed class ContractShapeSpecs
{
    const string ValidCreate = """
        {
          "jobId": "5b0c2f6e-8d1a-4a57-9a3e-2f1c0d7b9e11", "commandId": "9e1f4b2a-7c3d-4e5f-8a9b-0c1d2e3f4a5b",
          "requestedBy": "ci-bot", "name": "shop-web", "project": "shop", "environment": "PROD", "type": "Normal",
          "revisions": [{ "id": "a1", "author": "ana", "message": "fix", "paths": ["src/A.cs"] }],
          "pipeline": {
            "pre": [{ "name": "build", "kind": "script", "params": { "script": "build", "args": ["--release"], "env": { "A": "1" }, "timeout": "PT5M" } }],
            "run": [{ "name": "deploy", "kind": "http", "params": { "url": "https://x/", "expectedStatus": 200, "headers": { "H": "v" } },
                      "onError": "trap", "trapTimeout": "PT1H", "trapTimeoutAction": "skip", "needsRollback": true, "secret": ["headers"] }],
            "post": [],
            "rollback": { "pre": null, "run": [{ "name": "undo", "kind": "log", "params": { "message": "undo" } }] }
          },
          "scheduledAt": "2026-12-02T10:00:00Z", "maxStartAt": null, "expectedVersion": 3, "comment": "go"
        }
        """;

    static Rejection? Check<T>(string json) => ContractShape.Check<T>(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Every_field_of_the_create_contract_at_every_depth_is_accepted_in_any_case()
    {
        Assert.Null(Check<CreateJob>(ValidCreate));
        Assert.Null(Check<CreateJob>(ValidCreate.Replace("\"scheduledAt\"", "\"ScheduledAt\"", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("\"scheduledAt\"", "\"scheduleAt\"", "unknown_field", "scheduleAt")]
    [InlineData("\"params\": { \"script\"", "\"parms\": { \"script\"", "unknown_field", "pipeline.pre[0].parms")]
    [InlineData("\"expectedStatus\"", "\"expectedStatu\"", "unknown_field", "pipeline.run[0].params.expectedStatu")]
    [InlineData("\"message\": \"undo\"", "\"mesage\": \"undo\"", "unknown_field", "pipeline.rollback.run[0].params.mesage")]
    [InlineData("\"author\"", "\"writer\"", "unknown_field", "revisions[0].writer")]
    [InlineData("\"rollback\"", "\"rolback\"", "unknown_field", "pipeline.rolback")]
    [InlineData("\"message\": \"undo\"", "\"message\": 123", "invalid_type", "pipeline.rollback.run[0].params.message")]
    [InlineData("\"expectedStatus\": 200", "\"expectedStatus\": \"200\"", "invalid_type", "pipeline.run[0].params.expectedStatus")]
    [InlineData("\"needsRollback\": true", "\"needsRollback\": \"true\"", "invalid_type", "pipeline.run[0].needsRollback")]
    [InlineData("\"expectedVersion\": 3", "\"expectedVersion\": 3.5", "invalid_type", "expectedVersion")]
    [InlineData("\"args\": [\"--release\"]", "\"args\": \"--release\"", "invalid_type", "pipeline.pre[0].params.args")]
    [InlineData("\"env\": { \"A\": \"1\" }", "\"env\": { \"A\": 1 }", "invalid_type", "pipeline.pre[0].params.env.A")]
    [InlineData("\"paths\": [\"src/A.cs\"]", "\"paths\": [null, 2]", "invalid_type", "revisions[0].paths[1]")]
    [InlineData("\"jobId\": \"5b0c2f6e-8d1a-4a57-9a3e-2f1c0d7b9e11\"", "\"jobId\": \"5b0c\"", "invalid_type", "jobId")]
    [InlineData("\"jobId\": \"5b0c2f6e-8d1a-4a57-9a3e-2f1c0d7b9e11\"", "\"jobId\": null", "invalid_type", "jobId")]
    [InlineData("\"pipeline\": {", "\"pipeline\": [], \"x\": {", "invalid_type", "pipeline")]
    public void A_field_that_breaks_the_contract_is_named_by_its_path(string field, string replacement, string code, string path)
    {
        var rejection = Check<CreateJob>(ValidCreate.Replace(field, replacement, StringComparison.Ordinal));

        Assert.Equal((code, path), (rejection?.Code, rejection?.Field));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"a string\"")]
    public void A_body_that_is_not_an_object_is_of_the_wrong_type(string json) =>
        Assert.Equal(RejectionCodes.InvalidType, Check<CancelJob>(json)?.Code);

    [Fact]
    public void A_body_that_is_not_json_is_malformed() =>
        Assert.Equal(RejectionCodes.MalformedJson, Check<CancelJob>("{ \"jobId\": ")?.Code);

    [Fact]
    public void Action_bodies_of_the_api_are_held_to_their_own_records()
    {
        Assert.Null(Check<RescheduleRequest>("""{ "scheduledAt": "2026-12-02T10:00:00Z", "comment": "later", "commandId": null }"""));
        Assert.Equal(("unknown_field", "step"), (Check<ActionRequest>("""{ "step": "RUN" }""")?.Code, Check<ActionRequest>("""{ "step": "RUN" }""")?.Field));
        Assert.Equal(("invalid_type", "runNow"), (Check<RerunRequest>("""{ "step": "RUN", "runNow": 1 }""")?.Code, Check<RerunRequest>("""{ "step": "RUN", "runNow": 1 }""")?.Field));
    }
}
