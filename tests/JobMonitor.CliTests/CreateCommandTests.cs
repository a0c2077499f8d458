using System.Text.Json;
using System.Text.RegularExpressions;
using JobMonitor.CliTests.Infrastructure;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.CliTests;

/// <summary><c>jobmonitor create [--wait] [--timeout]</c> against the real service: the key, the live view, the exit codes.</summary>
[Collection(CliCollection.Name)]
public sealed partial class CreateCommandTests(CliHost host)
{
    public const string Quick = """
        {
          "pre":  [{ "name": "build", "kind": "log", "params": { "message": "built the cart" } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying cart" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "told the team" } }]
        }
        """;

    const string Fails = """
        {
          "run":  [{ "name": "deploy", "kind": "script", "params": { "script": "fail", "args": ["7"] } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "post after the failure" } }]
        }
        """;

    [GeneratedRegex(@"^[NU]\.PROD-\d{8}$")]
    private static partial Regex Key();

    [Fact]
    public async Task Create_with_wait_prints_the_key_then_the_log_lines_and_exits_0_when_the_job_finishes()
    {
        var run = await host.RunAsync(["create", host.JobFile(Quick), "--wait", "--timeout", "2m"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(Key(), lines[0]);
        var built = Array.FindIndex(lines, l => l.EndsWith("built the cart", StringComparison.Ordinal));
        var deploying = Array.FindIndex(lines, l => l.EndsWith("deploying cart", StringComparison.Ordinal));
        var told = Array.FindIndex(lines, l => l.EndsWith("told the team", StringComparison.Ordinal));
        Assert.True(built > 0 && deploying > built && told > deploying, run.ToString());
        Assert.Contains(lines, l => l.StartsWith("== Finished  END", StringComparison.Ordinal) && l.EndsWith("[####################] 100%", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_with_wait_exits_with_the_error_code_when_the_job_ends_in_Error()
    {
        var run = await host.RunAsync(["create", host.JobFile(Fails), "--wait", "--timeout", "2m"]);

        Assert.True(run.ExitCode == 10, run.ToString());
        Assert.Contains("about to fail", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("post after the failure", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("== Error", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_with_json_prints_one_document_with_the_final_status_and_the_live_view_on_stderr()
    {
        var run = await host.RunAsync(["create", host.JobFile(Quick), "--wait", "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var answer = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Matches(Key(), answer.GetProperty("key").GetString());
        Assert.Equal(("Finished", 0), (answer.GetProperty("status").GetString(), answer.GetProperty("exitCode").GetInt32()));
        var job = await host.Service.ClientFor(TestUsers.Admin).GetStringAsync($"/api/jobs/{answer.GetProperty("jobId").GetGuid()}");
        Assert.Equal(answer.GetProperty("key").GetString(), JsonDocument.Parse(job).RootElement.GetProperty("key").GetString());
        Assert.Contains("deploying cart", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_still_waiting_when_the_timeout_passes_exits_with_the_timeout_code()
    {
        var run = await host.RunAsync(["create", host.JobFile(Quick, scheduledAt: DateTimeOffset.UtcNow.AddHours(1)), "--wait", "--timeout", "3s"]);

        Assert.True(run.ExitCode == 20, run.ToString());
        Assert.Matches(Key(), run.Stdout.Split('\n')[0]);
        Assert.Matches(@"is still [A-Za-z ]+ after --timeout 00:00:03", run.Stderr);
    }

    [Fact]
    public async Task A_create_the_api_refuses_exits_with_the_refused_code_naming_the_field()
    {
        const string unknownKind = """{ "run": [{ "name": "deploy", "kind": "teleport" }] }""";

        var run = await host.RunAsync(["create", host.JobFile(unknownKind)]);

        Assert.True(run.ExitCode == 21, run.ToString());
        Assert.Contains("pipeline.run[0].kind", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task A_create_check_rejects_on_the_bus_exits_with_the_refused_code_and_its_reason()
    {
        const string unknownScript = """{ "run": [{ "name": "deploy", "kind": "script", "params": { "script": "no-such-script" } }] }""";

        var run = await host.RunAsync(["create", host.JobFile(unknownScript), "--wait"]);

        Assert.True(run.ExitCode == 21, run.ToString());
        Assert.Contains("[unknown_script]", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_api_key_exits_with_the_auth_code()
    {
        var run = await host.RunAsync(["create", host.JobFile(Quick), "--wait"], apiKey: "not-a-key");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("401", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_job_file_an_unknown_option_or_a_timeout_without_unit_is_a_usage_error()
    {
        var missing = await host.RunAsync(["create", Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.json")]);
        var unknown = await host.RunAsync(["create", host.JobFile(Quick), "--wiat"]);
        var bareNumber = await host.RunAsync(["create", host.JobFile(Quick), "--wait", "--timeout", "90"]);

        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.True(unknown.ExitCode == 2, unknown.ToString());
        Assert.True(bareNumber.ExitCode == 2, bareNumber.ToString());
        Assert.Contains("'90' is not a duration", bareNumber.Stderr, StringComparison.Ordinal);
    }
}
