using System.Text.Json;
using JobMonitor.CliTests.Infrastructure;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.CliTests;

/// <summary><c>list</c>, <c>show</c>, <c>log</c> and the actions, by job key, as tables and as JSON.</summary>
[Collection(CliCollection.Name)]
public sealed class JobCommandTests(CliHost host)
{
    [Fact]
    public async Task List_show_and_log_with_json_print_documents_a_script_can_parse()
    {
        var key = await FinishedJobAsync();

        var list = await host.RunAsync(["list", "--q", key, "--json"]);
        var show = await host.RunAsync(["show", key, "--json"]);
        var log = await host.RunAsync(["log", key, "--step", "RUN", "--json"]);

        Assert.True(list.ExitCode == 0 && show.ExitCode == 0 && log.ExitCode == 0, $"{list}{show}{log}");
        var item = Assert.Single(JsonDocument.Parse(list.Stdout).RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(key, item.GetProperty("key").GetString());
        var job = JsonDocument.Parse(show.Stdout).RootElement;
        Assert.Equal((key, "Finished"), (job.GetProperty("key").GetString(), job.GetProperty("status").GetString()));
        var lines = log.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Equal("RUN", l.GetProperty("step").GetString()));
        Assert.Contains(lines, l => l.GetProperty("text").GetString() == "deploying cart");
    }

    [Fact]
    public async Task List_and_show_print_tables_for_a_person()
    {
        var key = await FinishedJobAsync();

        var list = await host.RunAsync(["list", "--q", key, "--status", "Finished"]);
        var show = await host.RunAsync(["show", key]);

        Assert.True(list.ExitCode == 0 && show.ExitCode == 0, $"{list}{show}");
        var rows = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("KEY", rows[0], StringComparison.Ordinal);
        Assert.Matches($@"^{key.Replace(".", @"\.", StringComparison.Ordinal)}\s+shop-web 2\.4\.1\s+shop\s+PROD\s+Finished\s+END\s", Assert.Single(rows[1..]));
        Assert.Matches(@"(?m)^status\s+Finished$", show.Stdout);
        Assert.Matches(@"(?m)^1\s+RUN\s+deploy\s+log\s+success\s", show.Stdout);
    }

    [Fact]
    public async Task An_action_by_key_exits_0_once_accepted_and_21_when_the_status_does_not_allow_it()
    {
        var key = await FinishedJobAsync();

        var rerun = await host.RunAsync(["rerun", key, "--step", "POST", "--run-now", "-m", "again"]);
        var approve = await host.RunAsync(["approve", key, "--json"]);

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.StartsWith("RerunJob accepted", rerun.Stdout, StringComparison.Ordinal);
        Assert.True(approve.ExitCode == 21, approve.ToString());
        Assert.Contains("[not_allowed_in_status]", approve.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_outside_the_callers_scope_exits_with_the_not_found_code()
    {
        var key = await FinishedJobAsync(project: "bank");

        var show = await host.RunAsync(["show", key], TestUsers.ShopOperator);
        var cancel = await host.RunAsync(["cancel", key], TestUsers.ShopOperator);

        Assert.True(show.ExitCode == 5, show.ToString());
        Assert.True(cancel.ExitCode == 5, cancel.ToString());
    }

    [Fact]
    public async Task Without_the_environment_the_url_and_key_come_from_the_config_file()
    {
        var config = host.TempFile($$"""{ "url": "{{host.Service.Address}}", "apiKey": "{{TestUsers.KeyOf(TestUsers.Viewer)}}" }""");
        var fromFile = new Dictionary<string, string?> { ["JOBMONITOR_URL"] = null, ["JOBMONITOR_API_KEY"] = null, ["JOBMONITOR_CONFIG"] = config };
        var noKey = new Dictionary<string, string?> { ["JOBMONITOR_API_KEY"] = null };

        var list = await host.RunAsync(["list", "--limit", "1", "--json"], environment: fromFile);
        var none = await host.RunAsync(["list"], environment: noKey);

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.True(JsonDocument.Parse(list.Stdout).RootElement.TryGetProperty("items", out _), list.ToString());
        Assert.True(none.ExitCode == 3, none.ToString());
        Assert.Contains("No API key", none.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_follow_prints_the_lines_written_so_far_and_keeps_listening()
    {
        var key = await FinishedJobAsync();

        var (lines, stillRunning) = await host.FollowAsync(["log", key, "--follow"], "told the team");

        Assert.True(stillRunning, "log --follow ended by itself");
        Assert.Contains(lines, l => l.EndsWith("deploying cart", StringComparison.Ordinal));
    }

    async Task<string> FinishedJobAsync(string project = "shop")
    {
        var run = await host.RunAsync(["create", host.JobFile(CreateCommandTests.Quick, project), "--wait", "--timeout", "2m"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Stdout.Split('\n')[0].Trim();
    }
}
