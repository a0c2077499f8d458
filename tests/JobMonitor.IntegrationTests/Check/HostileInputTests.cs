using System.Net;
using System.Text;
using System.Text.Json;
using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Lifecycle;
using JobMonitor.IntegrationTests.Security;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace JobMonitor.IntegrationTests.Check;

/// <summary>
/// SPEC §12 over the real RabbitMQ and PostgreSQL: every hostile input of <see cref="HostileCases" />, as raw JSON on
/// the bus or a body on the action API, gets one answer with its reason code and field, changes nothing stored (the
/// jobs it aims at, their logs and audit, the counts, the rows of its own ids) and leaves the service ready.
/// </summary>
[Collection(ServiceHostCollection.Name)]
public sealed class HostileInputTests(ServiceHostFixture host)
{
    const string Project = "hostile";

    static readonly string[] CommandEndpoints =
        ["create-job", "approve-job", "reject-job", "reschedule-job", "rerun-job", "cancel-job", "delete-job", "respond-to-trap", "pause-trap", "resume-trap"];

    static readonly SemaphoreSlim VictimsGate = new(1, 1);
    static Victims? victims;

    readonly LifecycleJobs _jobs = new(host);

    public static TheoryData<string> Cases => new(HostileCases.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_input_is_answered_with_its_reason_and_field_and_changes_nothing(string name)
    {
        var hostile = HostileCases.Named(name);
        var targets = await VictimsAsync();
        var ids = new CaseIds(Guid.NewGuid(), Guid.NewGuid(), targets);
        await using var answers = await CommandAnswers.ListenAsync(host.Services);
        var before = await SnapshotAsync(ids);

        if (hostile.Via == Via.Bus)
            await AnsweredOnTheBusAsync(hostile, ids, answers);
        else
            await AnsweredOverHttpAsync(hostile, ids);

        Assert.Equal(before, await SnapshotAsync(ids));
        using var ready = await host.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Commands_too_broken_to_read_are_answered_and_no_command_error_or_skipped_queue_holds_a_message()
    {
        await using var answers = await CommandAnswers.ListenAsync(host.Services);
        var broken = new[] { "{ \"jobId\": ", "[1, 2", "\"just a string\"", "{ \"commandId\": 12 }" };
        foreach (var (body, i) in broken.Select((b, i) => (b, i)))
            await host.PublishRawAsync($"JobMonitor.Contracts:{(i % 2 == 0 ? "CreateJob" : "CancelJob")}", body);

        await ServiceHostFixture.WaitUntilAsync(
            () => Task.FromResult(answers.Heard.OfType<JobCommandRejected>().Count(r => r.CommandId == Guid.Empty && r.JobId == Guid.Empty) >= broken.Length),
            TimeSpan.FromSeconds(20), "an answer to each broken command");
        Assert.All(await ErrorQueueDepthsAsync(), depth => Assert.True(depth.Messages == 0, $"{depth.Queue} holds {depth.Messages} message(s)"));
    }

    [Fact]
    public async Task A_command_id_applied_before_is_acknowledged_as_a_duplicate_from_the_table_even_after_its_job_was_deleted()
    {
        await using var answers = await CommandAnswers.ListenAsync(host.Services);
        var bus = new BusCommands(host, answers);
        var (jobId, _) = await bus.CreateAsync(TestUsers.CiBot, Project, LifecycleJobs.LogOnlyPipeline);
        await _jobs.WaitForStatusAsync(jobId, "Finished");
        var delete = await bus.SendAsync(TestUsers.CiBot, "DeleteJob", jobId);
        Assert.IsType<JobCommandAccepted>(Assert.Single(await answers.WaitForAsync(delete)));
        await ServiceHostFixture.WaitUntilAsync(async () => await _jobs.Api.FindAsync(jobId) is null, TimeSpan.FromSeconds(20), $"job {jobId} to be gone");

        // The job and the saga's memory of its commands are gone; the table still knows the delete.
        await host.PublishRawAsync("JobMonitor.Contracts:DeleteJob", $$"""{ "jobId": "{{jobId}}", "commandId": "{{delete}}", "requestedBy": "ci-bot" }""");
        var repeat = await answers.WaitForAsync(delete, count: 2);

        var duplicate = Assert.IsType<JobCommandAccepted>(repeat[1]);
        Assert.True(duplicate.Duplicate);
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM jobmonitor.command_ids WHERE command_id = @id", delete));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM jobmonitor.deleted_jobs WHERE job_id = @id", jobId));
    }

    async Task AnsweredOnTheBusAsync(HostileCase hostile, CaseIds ids, CommandAnswers answers)
    {
        var (jobId, commandId) = hostile.Answer(ids);
        bool Mine(object answer) => answer switch
        {
            JobCommandRejected r => r.JobId == jobId && r.CommandId == commandId,
            JobCommandAccepted a => a.JobId == jobId && a.CommandId == commandId,
            _ => false,
        };
        await host.PublishRawAsync($"JobMonitor.Contracts:{hostile.Command}", hostile.Body(ids), headers: null,
            hostile.ContentType, TestContext.Current.CancellationToken);
        await ServiceHostFixture.WaitUntilAsync(() => Task.FromResult(answers.Heard.Any(Mine)), TimeSpan.FromSeconds(20),
            $"the answer to '{hostile.Name}' (job {jobId}, command {commandId})");

        var answer = Assert.Single(answers.Heard, Mine);
        var rejected = Assert.IsType<JobCommandRejected>(answer);
        Assert.Equal((hostile.Reason, hostile.Command), (rejected.ReasonCode, rejected.Command));
        if (hostile.Field is not null)
            Assert.Equal(hostile.Field, rejected.Field);
        Assert.False(string.IsNullOrWhiteSpace(rejected.Message));
    }

    async Task AnsweredOverHttpAsync(HostileCase hostile, CaseIds ids)
    {
        var path = hostile.Command.Replace("{job}", ids.Victims.Waiting.ToString(), StringComparison.Ordinal);
        using var content = new StringContent(hostile.Body(ids), Encoding.UTF8, "application/json");
        using var response = await host.Client.PostAsync(path, content, TestContext.Current.CancellationToken);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(hostile.Reason, problem.GetProperty("reason").GetString());
        if (hostile.Field is not null)
            Assert.True(problem.GetProperty("errors").TryGetProperty(hostile.Field, out _), $"errors name {hostile.Field}: {problem}");
    }

    /// <summary>Everything a hostile input could have touched: the victims, rows of the case's ids, the counts.</summary>
    async Task<string> SnapshotAsync(CaseIds ids)
    {
        const string sql = """
            SELECT concat_ws(' | ',
                (SELECT string_agg(id || ':' || version || ':' || md5(data::text), ',' ORDER BY id) FROM jobmonitor.jobs WHERE id = ANY(@victims)),
                (SELECT count(*) FROM jobmonitor.job_log WHERE job_id = ANY(@victims)),
                (SELECT count(*) FROM jobmonitor.job_audit WHERE job_id = ANY(@victims)),
                (SELECT count(*) FROM jobmonitor.jobs WHERE id = @job),
                (SELECT count(*) FROM jobmonitor.job_log WHERE job_id = @job),
                (SELECT count(*) FROM jobmonitor.command_ids WHERE command_id = @command OR job_id = ANY(@victims) OR job_id = @job),
                (SELECT count(*) FROM jobmonitor.command_status WHERE command_id = @command OR job_id = @job))
            """;
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("victims", [ids.Victims.Waiting, ids.Victims.Deleted]));
        command.Parameters.Add(new NpgsqlParameter<Guid>("job", ids.JobId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("command", ids.CommandId));
        var rows = (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        var list = JsonDocument.Parse(await host.Client.GetStringAsync($"/api/jobs?project={Project}&limit=1", TestContext.Current.CancellationToken));
        return rows + " | " + list.RootElement.GetProperty("counts").GetRawText();
    }

    /// <summary>The jobs the cases aim at, made once per run: one waiting for approval, one finished then deleted.</summary>
    async Task<Victims> VictimsAsync()
    {
        await VictimsGate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (victims is not null && await _jobs.Api.FindAsync(victims.Waiting) is not null)
                return victims;
            await using var answers = await CommandAnswers.ListenAsync(host.Services);
            var bus = new BusCommands(host, answers);
            var (waiting, waitingCreate) = await bus.CreateAsync(TestUsers.CiBot, Project, BusCommands.ApprovalPipeline(TestUsers.Ana));
            var (deleted, deletedCreate) = await bus.CreateAsync(TestUsers.CiBot, Project, LifecycleJobs.LogOnlyPipeline);
            await _jobs.WaitForStatusAsync(waiting, "Waiting for Approval");
            await _jobs.WaitForStatusAsync(deleted, "Finished");
            await bus.AcceptedAsync(TestUsers.CiBot, "DeleteJob", deleted);
            await ServiceHostFixture.WaitUntilAsync(async () => await _jobs.Api.FindAsync(deleted) is null, TimeSpan.FromSeconds(20), $"job {deleted} to be gone");
            return victims = new Victims(waiting, waitingCreate, deleted, deletedCreate);
        }
        finally
        {
            VictimsGate.Release();
        }
    }

    async Task<long> ScalarAsync(string sql, Guid id)
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>The exact depth of each command endpoint's _error and _skipped queue (a passive declare; absent counts as empty).</summary>
    static async Task<IReadOnlyList<(string Queue, uint Messages)>> ErrorQueueDepthsAsync()
    {
        await using var connection = await new ConnectionFactory { Uri = ServiceHostFixture.RabbitMq }.CreateConnectionAsync();
        var depths = new List<(string, uint)>();
        foreach (var queue in CommandEndpoints.SelectMany(e => new[] { $"{e}_error", $"{e}_skipped" }))
        {
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                depths.Add((queue, (await channel.QueueDeclarePassiveAsync(queue)).MessageCount));
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                depths.Add((queue, 0));
            }
        }
        return depths;
    }
}
