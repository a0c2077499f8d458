using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Lifecycle;

/// <summary>Cancel stops a Running job: its process trees are killed and nothing after the running op runs.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class CancelTests(ServiceHostFixture host)
{
    const string Pipeline = """
        {
          "pre":  [{ "name": "tree", "kind": "script", "params": { "script": "tree" } },
                   { "name": "after", "kind": "log", "params": { "message": "must not run" } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying cart" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }]
        }
        """;

    readonly LifecycleJobs _jobs = new(host);

    [Fact]
    public async Task Canceling_a_running_job_kills_its_script_process_tree_and_runs_no_later_op()
    {
        var jobId = await _jobs.CreateAsync(Pipeline);
        await _jobs.WaitForStatusAsync(jobId, "Running");
        int? child = null, parent = null;
        await ServiceHostFixture.WaitUntilAsync(async () =>
        {
            var log = await _jobs.LogTextsAsync(jobId);
            child = Pid(log, "child ");
            parent = Pid(log, "parent ");
            return child is not null && parent is not null;
        }, TimeSpan.FromSeconds(20), "tree.sh to print its pids");
        Assert.True(Alive(child!.Value) && Alive(parent!.Value), "the script's processes run before the cancel");

        await _jobs.SendAsync("CancelJob", jobId, "\"comment\": \"wrong build\"");

        var job = await _jobs.WaitForStatusAsync(jobId, "Canceled");
        await ServiceHostFixture.WaitUntilAsync(() => Task.FromResult(!Alive(child.Value) && !Alive(parent!.Value)),
            TimeSpan.FromSeconds(10), $"pids {parent} and {child} to be gone");
        Assert.Empty(LifecycleJobs.Steps(job, "RUN"));
        Assert.Empty(LifecycleJobs.Steps(job, "POST"));
        Assert.Equal(1L, await _jobs.ScalarAsync<long>("SELECT count(*) FROM jobmonitor.op_runs WHERE job_id = @id", jobId));
        var log = await _jobs.LogTextsAsync(jobId);
        Assert.Contains("canceled by ana: wrong build", log);
        Assert.DoesNotContain("must not run", log);
        Assert.DoesNotContain("post ran", log);
    }

    static int? Pid(IEnumerable<string> log, string prefix) =>
        log.Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
            .Select(l => int.Parse(l[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture))
            .Cast<int?>()
            .FirstOrDefault();

    // A killed process may linger as a zombie until its parent reaps it: that is gone as far as work goes.
    static bool Alive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
            return false;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
