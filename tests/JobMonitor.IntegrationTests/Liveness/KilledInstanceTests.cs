using System.Diagnostics;
using System.Text;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Jobs;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RabbitMQ.Client;

namespace JobMonitor.IntegrationTests.Liveness;

/// <summary>
/// A second service instance runs a step and is killed with SIGKILL; the in-process instance must notice and end the
/// job in Abend. The child gets its own vhost on the same broker and the same database: every message of the job's
/// start (CHECK, RunJobStep, StepRunStarted) stays between the child's saga and the child's worker, so the child, and only
/// the child, runs the step, with no race against the in-process worker on the shared run-job-step queue. After the
/// kill the two instances share nothing but the database, which is all the abend detector needs.
/// </summary>
[Collection(ServiceHostCollection.Name)]
public sealed class KilledInstanceTests(ServiceHostFixture host)
{
    const string CreateExchange = "JobMonitor.Contracts:CreateJob";

    // Lease renewal every 5 s, expired after 12 s unrenewed, sweeps every 2 s: at worst 19 s after the last renewal.
    static readonly TimeSpan AbendWithin = TimeSpan.FromSeconds(20);

    readonly JobApi jobs = new(host);

    [Fact]
    public async Task A_step_run_of_a_killed_instance_ends_the_job_in_abend_without_running_an_op_twice()
    {
        var work = Directory.CreateTempSubdirectory("jobmonitor-liveness-");
        try
        {
            await RunAsync(work.FullName);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    async Task RunAsync(string work)
    {
        var sideEffects = Path.Combine(work, "side-effects.txt");
        var script = Path.Combine(work, "hang.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho \"ran $$\" >> \"$1\"\necho appended\nsleep 60\n", TestContext.Current.CancellationToken);
        await using var abandoned = await BusProbe.ListenAsync<StepRunAbandoned>(host.Services);
        await using var vhost = await RabbitMqVhost.CreateAsync("liveness");
        var worker = $"liveness-child-{Guid.NewGuid():N}";
        await using var child = await ChildServiceInstance.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = host.ConnectionString,
            ["ConnectionStrings:RabbitMq"] = vhost.Amqp.ToString(),
            // Its own Hangfire storage too: on the shared database its server would fetch the host's triggers and
            // fire them on its own vhost, where no saga of the host hears them.
            ["Scheduling:Schema"] = $"hangfire_child_{Guid.NewGuid():N}",
            ["Execution:WorkerName"] = worker,
            ["Execution:Scripts:hang:Path"] = "/bin/sh",
            ["Execution:Scripts:hang:Arguments:0"] = script,
        });

        var jobId = Guid.NewGuid();
        var pipeline = $$"""
            {
              "pre":  [{ "name": "hang", "kind": "script", "params": { "script": "hang", "args": [{{System.Text.Json.JsonSerializer.Serialize(sideEffects)}}] } }],
              "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying" } }],
              "post": [{ "name": "notify", "kind": "log", "params": { "message": "post ran" } }]
            }
            """;
        await PublishAsync(vhost.Amqp, JobApi.CreateJson(jobId, Guid.NewGuid(), pipeline));
        await ServiceHostFixture.WaitUntilAsync(
            async () => File.Exists(sideEffects) && await ScalarAsync<long>(
                "SELECT count(*) FROM jobmonitor.step_runs WHERE job_id = @id AND worker = @worker", jobId, worker) == 1,
            TimeSpan.FromSeconds(30), $"the child to run the PRE script of job {jobId}\n{child.Output}");

        child.Kill();
        var sinceKill = Stopwatch.StartNew();

        var report = await abandoned.WaitForAsync(a => a.JobId == jobId, "the step run to be reported abandoned", AbendWithin + TimeSpan.FromSeconds(10));
        var detectedAfter = sinceKill.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"abandoned step run reported {detectedAfter.TotalSeconds:0.0} s after the kill");
        Assert.Equal(worker, report.Worker);
        Assert.True(detectedAfter <= AbendWithin, $"reported {detectedAfter.TotalSeconds:0.0} s after the kill");
        Assert.Single(await File.ReadAllLinesAsync(sideEffects, TestContext.Current.CancellationToken));

        await jobs.WaitForStatusAsync(jobId, JobStatus.Abend.Display(), AbendWithin - sinceKill.Elapsed + TimeSpan.FromSeconds(1));
        var abendAfter = sinceKill.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"job Abend {abendAfter.TotalSeconds:0.0} s after the kill");
        Assert.True(abendAfter <= AbendWithin, $"Abend {abendAfter.TotalSeconds:0.0} s after the kill");
        Assert.Single(await File.ReadAllLinesAsync(sideEffects, TestContext.Current.CancellationToken));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM jobmonitor.op_runs WHERE job_id = @id", jobId, worker));
        var log = (await jobs.LogAsync(jobId)).Select(l => l.GetProperty("text").GetString()).ToList();
        Assert.DoesNotContain("post ran", log);
    }

    static async Task PublishAsync(Uri amqp, string json)
    {
        var factory = new ConnectionFactory { Uri = amqp };
        await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            TestContext.Current.CancellationToken);
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = Guid.NewGuid().ToString(),
        };
        await channel.BasicPublishAsync(CreateExchange, "", false, properties, Encoding.UTF8.GetBytes(json), TestContext.Current.CancellationToken);
    }

    async Task<T> ScalarAsync<T>(string sql, Guid id, string worker)
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("worker", worker);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
