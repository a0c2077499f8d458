using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace JobMonitor.IntegrationTests.Execution;

/// <summary>
/// A worker host on its own database: the execution part for real, an in-memory bus, job rows standing in for the
/// saga's, and recorders for what the worker reports.
/// </summary>
public sealed class ExecutionHost : IAsyncLifetime
{
    IHost? host;
    HttpStub? http;

    /// <summary>Configuration on top of the test defaults.</summary>
    public IReadOnlyDictionary<string, string?> ExtraSettings { get; init; } = new Dictionary<string, string?>();

    public NpgsqlDataSource Database { get; private set; } = null!;
    public StepReports Reports { get; } = new();
    public DeliveryCounter Deliveries { get; } = new();
    public AgentRequests Agent { get; } = new();
    public HttpStub Http => http ?? throw new InvalidOperationException("The host is not started.");
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
    public StepRunner Runner => Services.GetRequiredService<StepRunner>();
    IServiceProvider Services => host?.Services ?? throw new InvalidOperationException("The host is not started.");

    public async ValueTask InitializeAsync()
    {
        var connectionString = await TestServices.CreateDatabaseAsync("execution");
        Database = NpgsqlDataSource.Create(connectionString);
        await DatabaseMigrator.MigrateAsync(connectionString, NullLogger.Instance, TestContext.Current.CancellationToken);
        http = await HttpStub.StartAsync();

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings(http.Address));
        builder.Configuration.AddInMemoryCollection(ExtraSettings);
        builder.AddExecution();
        builder.Services.AddSingleton(Database);
        builder.Services.AddSingleton<IJobLogWriter>(new JobLogStore(Database));
        builder.Services.AddSingleton(Reports);
        builder.Services.AddSingleton(Agent);
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.AddStepWorkers();
            bus.AddConsumer<StepReportRecorder>();
            bus.AddConsumer<TestAgent>().Endpoint(e => e.Name = TestAgent.QueueName);
            bus.AddConsumeObserver(_ => Deliveries);
            bus.AddPublishObserver(_ => Reports);
            bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });
        host = builder.Build();
        await host.StartAsync();
        // The worker's endpoint is connected once the bus has started, after the host's start returns.
        await host.Services.GetRequiredService<StepRunner>().Connected.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (http is not null)
            await http.DisposeAsync();
        if (Database is not null)
            await Database.DisposeAsync();
    }

    /// <summary>Stops the worker as a shutdown does (drain included); the database stays for the test to look at.</summary>
    public async Task StopAsync()
    {
        if (host is null)
            return;
        await host.StopAsync();
        host.Dispose();
        host = null;
    }

    static Dictionary<string, string?> Settings(Uri httpStub)
    {
        var scripts = Path.Combine(AppContext.BaseDirectory, "scripts");
        var settings = new Dictionary<string, string?>
        {
            ["Execution:WorkerName"] = "test-worker",
            ["Execution:MaxConcurrentSteps"] = "4",
            ["Execution:HeartbeatInterval"] = "00:00:00.200",
            ["Execution:Http:AllowedBaseUrls:0"] = new Uri(httpStub, "/allowed").ToString(),
            ["Execution:Dispatch:DefaultTimeout"] = "00:00:10",
            ["Execution:DrainTimeout"] = "00:00:05",
        };
        foreach (var name in new[] { "streams", "fail", "append", "tree" })
        {
            // Through the interpreter, so the tests do not depend on the copied files keeping their executable bit.
            settings[$"Execution:Scripts:{name}:Path"] = "/bin/sh";
            settings[$"Execution:Scripts:{name}:Arguments:0"] = Path.Combine(scripts, $"{name}.sh");
            settings[$"Execution:Scripts:{name}:AllowedEnv:0"] = "TOKEN";
            settings[$"Execution:Scripts:{name}:AllowedEnv:1"] = "SIDE_EFFECT_FILE";
        }
        return settings;
    }


    /// <summary>A job row as the saga would have it before it dispatches a step.</summary>
    public async Task<Guid> CreateJobAsync()
    {
        var jobId = Guid.NewGuid();
        const string sql = """
            INSERT INTO jobmonitor.jobs (id, version, status, step, key, name, project, environment, type,
                                         scheduled_at, max_start_at, created_at, updated_at, data)
            VALUES (@id, 1, 'Ready', 'Pre', @key, 'test', 'shop', 'TEST', 'Normal', now(), now() + interval '1 hour', now(), now(), '{}')
            """;
        await using var command = Database.CreateCommand(sql);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("key", $"N.TEST-{jobId:N}");
        await command.ExecuteNonQueryAsync();
        return jobId;
    }

    public async Task<RunJobStep> SendAsync(Guid jobId, params OpDefinition[] ops)
    {
        var step = new RunJobStep
        {
            JobId = jobId,
            JobKey = $"N.TEST-{jobId:N}",
            StepRunId = Guid.NewGuid(),
            Exec = 1,
            Step = JobStep.Pre,
            Ops = ops,
        };
        await SendAsync(step);
        return step;
    }

    /// <summary>Dispatches the step as the saga does: its job's current step run first, unless <paramref name="current"/> is false.</summary>
    public async Task SendAsync(RunJobStep step, bool current = true)
    {
        if (current)
            await MakeCurrentAsync(step.JobId, step.StepRunId);
        var endpoint = await Services.GetRequiredService<ISendEndpointProvider>()
            .GetSendEndpoint(new Uri($"queue:{RunJobStepConsumerDefinition.QueueName}"));
        await endpoint.Send(step);
    }

    public async Task MakeCurrentAsync(Guid jobId, Guid stepRunId)
    {
        await using var command = Database.CreateCommand("UPDATE jobmonitor.jobs SET step_run_id = @run WHERE id = @id");
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("run", stepRunId);
        await command.ExecuteNonQueryAsync();
    }

    public async Task SetJobStatusAsync(Guid jobId, JobStatus status)
    {
        await using var command = Database.CreateCommand("UPDATE jobmonitor.jobs SET status = @status WHERE id = @id");
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("status", status.StateName());
        await command.ExecuteNonQueryAsync();
    }

    public async Task<IReadOnlyList<LogLine>> LogOfAsync(Guid jobId)
    {
        await using var command = Database.CreateCommand("SELECT step, op, level, text FROM jobmonitor.job_log WHERE job_id = @id ORDER BY seq");
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<LogLine>();
        while (await reader.ReadAsync())
            lines.Add(new LogLine(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        return lines;
    }

    public async Task<IReadOnlyList<OpRunRow>> OpRunsOfAsync(Guid stepRunId)
    {
        await using var command = Database.CreateCommand(
            "SELECT op_index, worker, ended_at IS NOT NULL, outcome, error FROM jobmonitor.op_runs WHERE step_run_id = @id ORDER BY op_index");
        command.Parameters.AddWithValue("id", stepRunId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<OpRunRow>();
        while (await reader.ReadAsync())
            rows.Add(new OpRunRow(reader.GetInt32(0), reader.GetString(1), reader.GetBoolean(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        return rows;
    }

    public async Task<T?> ScalarAsync<T>(string sql, Guid id)
    {
        await using var command = Database.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>
    /// <see cref="Polling.WaitUntilAsync(Func{Task{bool}}, TimeSpan, Func{string}, TimeSpan?)" /> every 25 ms, 15 s
    /// unless told: a worker's states (a step running, a drain) last only moments.
    /// </summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null) =>
        Polling.WaitUntilAsync(condition, within ?? TimeSpan.FromSeconds(15), () => what, every: TimeSpan.FromMilliseconds(25));
}

public sealed record LogLine(string Step, string? Op, string Level, string Text);

public sealed record OpRunRow(int Index, string Worker, bool Ended, string? Outcome, string? Error);
