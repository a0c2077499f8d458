using System.Text;
using System.Text.Json;
using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RabbitMQ.Client;

namespace JobMonitor.IntegrationTests.Jobs;

/// <summary>Jobs published on the real broker, run by the real service over PostgreSQL and Hangfire.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class JobFlowTests(ServiceHostFixture host)
{
    const string CreateExchange = "JobMonitor.Contracts:CreateJob";

    const string ThreeSteps = """
        {
          "pre":  [{ "name": "build", "kind": "script", "params": { "script": "streams", "args": ["built", "warned"] } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying cart", "level": "info" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "done", "level": "info" } }]
        }
        """;

    readonly JobApi _jobs = new(host);

    [Fact]
    public async Task A_raw_json_create_reaches_finished_with_its_log_lines()
    {
        var jobId = Guid.NewGuid();
        await host.PublishRawAsync(CreateExchange, JobApi.CreateJson(jobId, Guid.NewGuid(), ThreeSteps));

        var job = await _jobs.WaitForStatusAsync(jobId, "Finished");

        Assert.Equal("END", job.GetProperty("step").GetString());
        Assert.Equal(1.0, job.GetProperty("progress").GetDouble());
        Assert.Matches(@"^N\.PROD-\d{8}$", job.GetProperty("key").GetString());
        var steps = job.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["PRE", "RUN", "POST"], steps.Select(s => s.GetProperty("step").GetString()));
        Assert.All(steps, s => Assert.Equal("success", s.GetProperty("outcome").GetString()));
        var log = (await _jobs.LogAsync(jobId)).Select(l => l.GetProperty("text").GetString()).ToList();
        Assert.Contains("out: built", log);
        Assert.Contains("err: warned", log);
        Assert.Contains("deploying cart", log);
        Assert.Contains("done", log);
    }

    [Fact]
    public async Task A_failing_op_ends_in_error_and_post_still_runs()
    {
        var jobId = Guid.NewGuid();
        const string pipeline = """
            {
              "pre":  [{ "name": "build", "kind": "log", "params": { "message": "ok" } }],
              "run":  [{ "name": "deploy", "kind": "script", "params": { "script": "fail", "args": ["4"] } },
                       { "name": "never", "kind": "log", "params": { "message": "must not run" } }],
              "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }]
            }
            """;
        await host.PublishRawAsync(CreateExchange, JobApi.CreateJson(jobId, Guid.NewGuid(), pipeline));

        var job = await _jobs.WaitForStatusAsync(jobId, "Error");

        var steps = job.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["success", "error", "success"], steps.Select(s => s.GetProperty("outcome").GetString()));
        Assert.Contains("code 4", job.GetProperty("lastError").GetString());
        var log = (await _jobs.LogAsync(jobId)).Select(l => l.GetProperty("text").GetString()).ToList();
        Assert.Contains("post ran", log);
        Assert.DoesNotContain("must not run", log);
    }

    [Fact]
    public async Task Run_does_not_start_before_its_scheduled_date()
    {
        var jobId = Guid.NewGuid();
        var scheduledAt = DateTimeOffset.UtcNow.AddSeconds(4);
        await host.PublishRawAsync(CreateExchange, JobApi.CreateJson(jobId, Guid.NewGuid(), ThreeSteps, scheduledAt));

        var waiting = await _jobs.WaitForStatusAsync(jobId, "Ready");
        Assert.True(DateTimeOffset.UtcNow < scheduledAt, "the test needs the job to reach the RUN gate before its date");
        var job = await _jobs.WaitForStatusAsync(jobId, "Finished", TimeSpan.FromSeconds(40));

        var run = job.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("step").GetString() == "RUN");
        var runStarted = run.GetProperty("startedAt").GetDateTimeOffset();
        Assert.True(runStarted >= scheduledAt, $"RUN started at {runStarted:O}, before its date {scheduledAt:O}");
        var runLines = (await _jobs.LogAsync(jobId))
            .Where(l => l.GetProperty("step").GetString() == "RUN" && l.GetProperty("op").ValueKind == JsonValueKind.String)
            .ToList();
        Assert.NotEmpty(runLines);
        Assert.All(runLines, l => Assert.True(l.GetProperty("at").GetDateTimeOffset() >= scheduledAt));
        Assert.NotEqual(JsonValueKind.Undefined, waiting.ValueKind);
    }

    [Fact]
    public async Task The_same_create_delivered_twice_makes_one_job()
    {
        var jobId = Guid.NewGuid();
        var json = JobApi.CreateJson(jobId, Guid.NewGuid(), ThreeSteps);
        await using var accepted = await BusProbe.ListenAsync<JobCommandAccepted>(host.Services);

        await Task.WhenAll(host.PublishRawAsync(CreateExchange, json), host.PublishRawAsync(CreateExchange, json));

        await accepted.WaitForAsync(a => a.JobId == jobId && a.Duplicate, "the repeat to be acknowledged as a duplicate");
        await _jobs.WaitForStatusAsync(jobId, "Finished");
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM jobmonitor.jobs WHERE id = @id", jobId));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM jobmonitor.job_log WHERE job_id = @id AND text LIKE 'job % created by %'", jobId));
        Assert.Equal(3L, await ScalarAsync("SELECT count(*) FROM jobmonitor.op_runs WHERE job_id = @id", jobId));
    }

    public static TheoryData<string, string, string> InvalidCreates => new()
    {
        { """ "name": "", "project": "shop", "environment": "PROD", "pipeline": %OK% """, "missing_field", "name" },
        { """ "name": "x", "environment": "PROD", "pipeline": %OK% """, "missing_field", "project" },
        { """ "name": "x", "project": "shop", "pipeline": %OK% """, "missing_field", "environment" },
        { """ "name": "x", "project": "shop", "environment": "PROD", "pipeline": { "pre": [], "run": [] } """, "empty_pipeline", "pipeline" },
        { """ "name": "x", "project": "shop", "environment": "PROD", "pipeline": { "run": [{ "name": "a", "kind": "teleport" }] } """, "unknown_op_kind", "pipeline.run[0].kind" },
        { """ "name": "x", "project": "shop", "environment": "PROD", "pipeline": %OK%, "scheduledAt": "next tuesday" """, "invalid_date", "scheduledAt" },
        { """ "name": "x", "project": "shop", "environment": "PROD", "pipeline": %OK%, "maxStartAt": "2026-12-01 22:00" """, "invalid_date", "maxStartAt" },
        { $$""" "name": "{{new string('n', 5000)}}", "project": "shop", "environment": "PROD", "pipeline": %OK% """, "field_too_long", "name" },
    };

    [Theory]
    [MemberData(nameof(InvalidCreates))]
    public async Task An_invalid_create_is_rejected_with_its_reason_and_stores_nothing(string fields, string reason, string field)
    {
        var jobId = Guid.NewGuid();
        var commandId = Guid.NewGuid();
        await using var rejected = await BusProbe.ListenAsync<JobCommandRejected>(host.Services);
        var body = fields.Replace("%OK%", """{ "run": [{ "name": "a", "kind": "log", "params": { "message": "m" } }] }""", StringComparison.Ordinal);

        await host.PublishRawAsync(CreateExchange, $$"""{ "jobId": "{{jobId}}", "commandId": "{{commandId}}", "requestedBy": "ci-bot", {{body}} }""");

        var rejection = await rejected.WaitForAsync(r => r.CommandId == commandId, $"CreateJob {commandId} to be rejected");
        Assert.Equal(reason, rejection.ReasonCode);
        Assert.Equal(field, rejection.Field);
        Assert.Equal(jobId, rejection.JobId);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM jobmonitor.jobs WHERE id = @id", jobId));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM jobmonitor.job_log WHERE job_id = @id", jobId));
        Assert.Null(await _jobs.FindAsync(jobId));
    }

    [Fact]
    public async Task A_poison_message_is_answered_as_malformed_json_and_the_next_good_one_is_processed()
    {
        await using var answers = await CommandAnswers.ListenAsync(host.Services);
        var commandId = Guid.NewGuid();
        await host.PublishRawAsync(CreateExchange, $$"""{ "jobId": "not-a-guid", "commandId": "{{commandId}}", "pipeline": [ unterminated""");
        var jobId = Guid.NewGuid();
        await host.PublishRawAsync(CreateExchange, JobApi.CreateJson(jobId, Guid.NewGuid(), ThreeSteps));

        await _jobs.WaitForStatusAsync(jobId, "Finished");
        // SPEC §12: answered with what could be read of it (the command id), not parked in create-job_error.
        var rejected = await answers.RejectionOfAsync(commandId);
        Assert.Equal(("malformed_json", Guid.Empty), (rejected.ReasonCode, rejected.JobId));
    }

    async Task<long> ScalarAsync(string sql, Guid id)
    {
        var data = host.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = data.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
