using System.Diagnostics;
using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Execution;
using JobMonitor.IntegrationTests.Persistence;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace JobMonitor.IntegrationTests.Liveness;

/// <summary>The worker part of a service instance on a real database and an in-memory bus: a published cancel stops its step run.</summary>
public sealed class StepRunCanceledConsumerTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    IHost? host;
    readonly StepReports reports = new();

    StepRunner Runner => host!.Services.GetRequiredService<StepRunner>();

    public async ValueTask InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Execution:WorkerName"] = "cancel-test-worker",
            ["Execution:Scripts:tree:Path"] = "/bin/sh",
            ["Execution:Scripts:tree:Arguments:0"] = Path.Combine(AppContext.BaseDirectory, "scripts", "tree.sh"),
        });
        builder.AddExecution();
        var dataSource = await database.DataSourceAsync();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddSingleton<IJobLogWriter>(new JobLogStore(dataSource));
        builder.Services.AddSingleton(reports);
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.AddStepWorkers();
            bus.AddConsumer<StepReportRecorder>();
            bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });
        host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        // The worker's endpoint is connected once the bus has started, after the host's start returns.
        await Runner.Connected.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (host is null)
            return;
        await host.StopAsync();
        host.Dispose();
    }

    [Fact]
    public async Task A_published_cancel_stops_a_running_delay_step()
    {
        var step = await StartAsync(new OpDefinition { Name = "wait", Kind = OpKind.Delay, Duration = TimeSpan.FromMinutes(5) });

        var clock = Stopwatch.StartNew();
        await PublishAsync(new StepRunCanceled { JobId = step.JobId, StepRunId = step.StepRunId, Reason = "canceled by ana" });
        var finished = await reports.FinishedAsync(step.StepRunId, TimeSpan.FromSeconds(10));

        Assert.False(finished.Succeeded);
        Assert.Contains("canceled by ana", finished.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_published_cancel_kills_a_running_script_and_its_children()
    {
        var step = await StartAsync(new OpDefinition { Name = "tree", Kind = OpKind.Script, Params = new OpParams { Script = "tree" } });
        var pids = await PidsAsync(step.JobId);

        await PublishAsync(new StepRunCanceled { JobId = step.JobId, StepRunId = step.StepRunId, Reason = "canceled by ana" });
        var finished = await reports.FinishedAsync(step.StepRunId, TimeSpan.FromSeconds(10));

        Assert.False(finished.Succeeded);
        Assert.Equal("canceled by ana", Assert.Single(finished.Ops).Error);
        await ExecutionHost.WaitUntilAsync(() => Task.FromResult(pids.All(Gone)), "the script's process tree to be gone");
    }

    [Fact]
    public async Task A_cancel_for_a_step_run_not_running_here_changes_nothing()
    {
        var step = await StartAsync(new OpDefinition { Name = "wait", Kind = OpKind.Delay, Duration = TimeSpan.FromSeconds(1) });

        await PublishAsync(new StepRunCanceled { JobId = step.JobId, StepRunId = Guid.NewGuid(), Reason = "someone else's" });
        var finished = await reports.FinishedAsync(step.StepRunId, TimeSpan.FromSeconds(10));

        Assert.True(finished.Succeeded);
    }

    async Task<RunJobStep> StartAsync(OpDefinition op)
    {
        var jobId = Guid.NewGuid();
        var stepRunId = Guid.NewGuid();
        await ExecuteAsync("""
            INSERT INTO jobmonitor.jobs (id, version, status, step, key, name, project, environment, type,
                                         scheduled_at, max_start_at, created_at, updated_at, step_run_id, data)
            VALUES (@id, 1, 'Ready', 'Pre', 'N.TEST-' || @id::text, 'test', 'shop', 'TEST', 'Normal',
                    now(), now() + interval '1 hour', now(), now(), @run, '{}')
            """, jobId, stepRunId);
        var step = new RunJobStep
        {
            JobId = jobId,
            JobKey = $"N.TEST-{jobId}",
            StepRunId = stepRunId,
            Exec = 1,
            Step = JobStep.Pre,
            Ops = [op],
        };
        var endpoint = await host!.Services.GetRequiredService<ISendEndpointProvider>()
            .GetSendEndpoint(new Uri($"queue:{RunJobStepConsumerDefinition.QueueName}"));
        await endpoint.Send(step, TestContext.Current.CancellationToken);
        await ExecutionHost.WaitUntilAsync(async () => Runner.RunningCount > 0 && await CountAsync(
            "SELECT count(*) FROM jobmonitor.op_runs WHERE job_id = @id", jobId) == 1, $"step run {step.StepRunId} to run its op");
        return step;
    }

    Task PublishAsync(StepRunCanceled canceled) =>
        host!.Services.GetRequiredService<IBus>().Publish(canceled, TestContext.Current.CancellationToken);

    async Task<IReadOnlyList<int>> PidsAsync(Guid jobId)
    {
        const string sql = "SELECT text FROM jobmonitor.job_log WHERE job_id = @id AND (text LIKE '%child %' OR text LIKE '%parent %')";
        var pids = new List<int>();
        await ExecutionHost.WaitUntilAsync(async () =>
        {
            pids.Clear();
            await using var command = (await database.DataSourceAsync()).CreateCommand(sql);
            command.Parameters.AddWithValue("id", jobId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                pids.Add(int.Parse(reader.GetString(0).Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture));
            return pids.Count == 2;
        }, "the script to log its pids");
        return pids;
    }

    // A killed process may stay a zombie until its parent reaps it: dead all the same.
    static bool Gone(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return true;
        }
        return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
    }

    async Task ExecuteAsync(string sql, Guid id, Guid run)
    {
        await using var command = (await database.DataSourceAsync()).CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("run", run);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    async Task<long> CountAsync(string sql, Guid id)
    {
        await using var command = (await database.DataSourceAsync()).CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
