using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Jobs;
using Npgsql;

namespace JobMonitor.IntegrationTests.Execution;

/// <summary>
/// What a job's script can see and set, through the real service: a clean environment, never the service's secrets,
/// and no loader or shell variable from a job (the BASH_FUNC_ exploit of issue 12).
/// </summary>
[Collection(ServiceHostCollection.Name)]
public sealed class ScriptEnvironmentTests(ServiceHostFixture host)
{
    const string CreateExchange = "JobMonitor.Contracts:CreateJob";

    // Set by /bin/sh itself in every shell, not by the service.
    static readonly string[] ShellOwn = ["PWD"];

    readonly JobApi _jobs = new(host);

    static string Pipeline(string runOp) => $$"""
        { "run": [{{runOp}}], "post": [{ "name": "notify", "kind": "log", "params": { "message": "done" } }] }
        """;

    [Fact]
    public async Task A_script_sees_only_the_documented_variables_and_none_of_the_service_secrets()
    {
        var jobId = Guid.NewGuid();
        await host.PublishRawAsync(CreateExchange, JobApi.CreateJson(jobId, Guid.NewGuid(), Pipeline("""
            { "name": "show", "kind": "script", "params": { "script": "printenv", "env": { "DEPLOY_STAGE": "blue" } } }
            """)));

        await _jobs.WaitForStatusAsync(jobId, "Finished");

        var lines = (await _jobs.LogAsync(jobId))
            .Where(l => l.GetProperty("op").GetString() == "show" && l.GetProperty("level").GetString() == "info")
            .Select(l => l.GetProperty("text").GetString()!)
            .Where(t => t.Contains('=', StringComparison.Ordinal) && !t.StartsWith("op ", StringComparison.Ordinal) && !t.StartsWith("running ", StringComparison.Ordinal))
            .ToList();
        var variables = lines.Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(
            ["DEPLOY_REGION", "DEPLOY_STAGE", "HOME", "JOBMONITOR_ENVIRONMENT", "JOBMONITOR_EXEC", "JOBMONITOR_JOB_ID", "JOBMONITOR_JOB_KEY",
             "JOBMONITOR_OP", "JOBMONITOR_PROJECT", "JOBMONITOR_STEP", "LANG", "PATH", .. ShellOwn],
            variables.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("eu-west", variables["DEPLOY_REGION"]);
        Assert.Equal("blue", variables["DEPLOY_STAGE"]);
        Assert.Equal(jobId.ToString(), variables["JOBMONITOR_JOB_ID"]);
        Assert.Equal("shop", variables["JOBMONITOR_PROJECT"]);
        Assert.Equal("PROD", variables["JOBMONITOR_ENVIRONMENT"]);
        Assert.Equal("RUN", variables["JOBMONITOR_STEP"]);
        Assert.Equal("1", variables["JOBMONITOR_EXEC"]);
        var whole = string.Join('\n', lines);
        Assert.DoesNotContain("ConnectionStrings", whole, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Password", whole, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ServiceHostFixture.RabbitMq.UserInfo, whole, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_secret_that_a_script_prints_anyway_is_masked_in_the_log()
    {
        var password = new NpgsqlConnectionStringBuilder(host.ConnectionString).Password!;
        var jobId = Guid.NewGuid();
        await host.PublishRawAsync(CreateExchange, JobApi.CreateJson(jobId, Guid.NewGuid(), Pipeline($$"""
            { "name": "leak", "kind": "script", "params": { "script": "streams", "args": ["{{password}}", "x"] } }
            """)));

        await _jobs.WaitForStatusAsync(jobId, "Finished");

        var texts = (await _jobs.LogAsync(jobId)).Select(l => l.GetProperty("text").GetString()!).ToList();
        Assert.Contains("out: ***", texts);
        Assert.DoesNotContain(texts, t => t.Contains(password, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("PROD", """{ "script": "printenv", "env": { "BASH_FUNC_echo%%": "() { /usr/bin/id; env | grep -i password; }" } }""",
        "env_denied", "pipeline.run[0].params.env.BASH_FUNC_echo%%")]
    [InlineData("PROD", """{ "script": "printenv", "env": { "LD_PRELOAD": "/tmp/evil.so" } }""",
        "env_denied", "pipeline.run[0].params.env.LD_PRELOAD")]
    [InlineData("PROD", """{ "script": "printenv", "env": { "STAGE": "blue" } }""",
        "env_not_allowed", "pipeline.run[0].params.env.STAGE")]
    [InlineData("DEV", """{ "script": "printenv-prod" }""",
        "scope_not_allowed", "pipeline.run[0].params.script")]
    public async Task A_script_op_asking_for_what_it_may_not_have_is_rejected_by_check_and_leaves_no_job(
        string environment, string parameters, string reason, string field)
    {
        await using var rejected = await BusProbe.ListenAsync<JobCommandRejected>(host.Services);
        var jobId = Guid.NewGuid();
        var commandId = Guid.NewGuid();
        var json = JobApi.CreateJson(jobId, commandId, Pipeline($$"""{ "name": "hello", "kind": "script", "params": {{parameters}} }"""))
            .Replace("\"environment\": \"PROD\"", $"\"environment\": \"{environment}\"", StringComparison.Ordinal);

        await host.PublishRawAsync(CreateExchange, json);

        var rejection = await rejected.WaitForAsync(r => r.CommandId == commandId, $"CreateJob {commandId} to be rejected");
        Assert.Equal(reason, rejection.ReasonCode);
        Assert.Equal(field, rejection.Field);
        Assert.Null(await _jobs.FindAsync(jobId));
    }
}
