using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JobMonitor.IntegrationTests.Check;

/// <summary>
/// A script that floods its output (scripts/flood.sh: a 100 000-character line, then 3 MB in 5 000-character lines)
/// cannot make the worker hold a whole line or fill the job log: lines are cut at
/// <c>Execution:MaxOutputLineLength</c> (4 000) and the output of a step run, all its ops together, at
/// <c>Execution:MaxOutputPerStep</c> (1 000 000), with a line that says so. The next step run has a cap of its own.
/// </summary>
[Collection(ServiceHostCollection.Name)]
public sealed class ScriptOutputBoundsTests(ServiceHostFixture host)
{
    const int MaxLine = 4_000;
    const int MaxPerStep = 1_000_000;

    readonly LifecycleJobs _jobs = new(host);

    [Fact]
    public async Task A_flooding_script_has_its_long_lines_cut_and_its_step_output_truncated_with_a_line_that_says_so()
    {
        var jobId = await _jobs.CreateAsync("""
            {
              "run":  [{ "name": "deploy", "kind": "script", "params": { "script": "flood" } },
                       { "name": "again", "kind": "script", "params": { "script": "flood" } }],
              "post": [{ "name": "notify", "kind": "script", "params": { "script": "flood" } }]
            }
            """);
        await _jobs.WaitForStatusAsync(jobId, "Finished", TimeSpan.FromSeconds(90));

        AssertCutAndTruncated(await OutputOfAsync(jobId, "deploy"));
        Assert.Empty(await OutputOfAsync(jobId, "again"));
        AssertCutAndTruncated(await OutputOfAsync(jobId, "notify"));
    }

    static void AssertCutAndTruncated(IReadOnlyList<string> output)
    {
        var longLine = Assert.Single(output, t => t.StartsWith('y'));
        Assert.Equal(new string('y', MaxLine) + " … [line truncated: 96000 more characters]", longLine);
        Assert.All(output, t => Assert.True(t.Length <= MaxLine + 60, $"a line of {t.Length} characters"));
        Assert.Contains(output, t => t == new string('x', MaxLine) + " … [line truncated: 1000 more characters]");
        Assert.Single(output, t => t.StartsWith("output truncated:", StringComparison.Ordinal));
        Assert.InRange(output.Sum(t => t.Length + 1), MaxPerStep / 2, MaxPerStep + 200);
    }

    /// <summary>The whole text of the op's lines (the log keeps a line's full text as its attachment past 2 000 characters), its own lines left out.</summary>
    async Task<IReadOnlyList<string>> OutputOfAsync(Guid jobId, string op)
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
            SELECT coalesce(attachment, text) FROM jobmonitor.job_log
            WHERE job_id = @job_id AND op = @op AND text NOT LIKE 'running script%' AND text NOT LIKE 'op %' ORDER BY seq
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("job_id", jobId));
        command.Parameters.Add(new NpgsqlParameter<string>("op", op));
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var lines = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            lines.Add(reader.GetString(0));
        return lines;
    }
}
