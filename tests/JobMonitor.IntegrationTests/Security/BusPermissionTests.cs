using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Lifecycle;

namespace JobMonitor.IntegrationTests.Security;

/// <summary>
/// SPEC §8 on the bus, over RabbitMQ and the real configuration: each command × senders with and without the
/// permission, in and out of scope (the test jobs are <c>shop/PROD</c>). A forbidden command is rejected as
/// <c>forbidden</c> and changes nothing; a permitted one is applied.
/// </summary>
[Collection(ServiceHostCollection.Name)]
public sealed class BusPermissionTests(ServiceHostFixture host)
{
    const string Waiting = "Waiting for Approval";
    const string Trapped = "Trapped";
    const string TrapPaused = "Trap Paused";

    /// <summary>Each command, its fields, and a status that allows it (so a rejection can only be the sender's).</summary>
    static readonly (string Command, string Fields, string Status)[] Commands =
    [
        ("RerunJob", "\"step\": \"POST\"", Waiting),
        ("CancelJob", "", Waiting),
        ("ApproveJob", "", Waiting),
        ("RejectJob", "\"comment\": \"no\"", Waiting),
        ("RescheduleJob", $"\"scheduledAt\": \"{DateTimeOffset.UtcNow.AddDays(1):O}\"", Waiting),
        ("DeleteJob", "", Waiting),
        ("RespondToTrap", "\"action\": \"skip\"", Trapped),
        ("PauseTrap", "", Trapped),
        ("ResumeTrap", "", TrapPaused),
    ];

    static readonly string[] SnapshotFields = ["status", "step", "exec", "version"];

    readonly LifecycleJobs _jobs = new(host);

    [Fact]
    public async Task Commands_from_senders_without_the_permission_or_out_of_scope_are_forbidden_and_change_nothing()
    {
        await using var answers = await CommandAnswers.ListenAsync(host.Services);
        var bus = new BusCommands(host, answers);
        var jobs = await SharedJobsAsync(bus);
        var before = await SnapshotAsync(jobs.Values);

        var failures = new List<string>();
        foreach (var (command, fields, status) in Commands)
        {
            // Admin-like rights on another project, view only, no role, unknown; and the shop operator where it lacks the permission.
            string[] senders = [TestUsers.Outsider, TestUsers.Viewer, TestUsers.Nobody, "mallory"];
            if (command is "DeleteJob" or "ApproveJob" or "RejectJob")
                senders = [.. senders, TestUsers.ShopOperator];
            foreach (var sender in senders)
            {
                var commandId = await bus.SendAsync(sender, command, jobs[status], fields);
                var answer = Assert.Single(await answers.WaitForAsync(commandId));
                if (answer is not JobCommandRejected { ReasonCode: "forbidden", Field: "requestedBy" })
                    failures.Add($"{command} by {sender}: {Describe(answer)}");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(before, await SnapshotAsync(jobs.Values));
    }

    [Fact]
    public async Task Approvers_by_name_and_by_role_and_holders_of_restart_and_delete_in_scope_have_their_commands_applied()
    {
        await using var answers = await CommandAnswers.ListenAsync(host.Services);
        var bus = new BusCommands(host, answers);
        var (approved, _) = await bus.CreateAsync(TestUsers.CiBot, "shop", BusCommands.ApprovalPipeline(TestUsers.Viewer, "role:release-managers"));
        var (rejected, _) = await bus.CreateAsync(TestUsers.CiBot, "shop", BusCommands.ApprovalPipeline(TestUsers.Viewer, "role:release-managers"));
        await _jobs.WaitForStatusAsync(approved, Waiting);
        await _jobs.WaitForStatusAsync(rejected, Waiting);

        await bus.AcceptedAsync(TestUsers.ShopOperator, "RescheduleJob", approved, $"\"scheduledAt\": \"{DateTimeOffset.UtcNow:O}\"");
        await bus.AcceptedAsync(TestUsers.Viewer, "ApproveJob", approved);
        await bus.AcceptedAsync(TestUsers.ReleaseManager, "RejectJob", rejected, "\"comment\": \"not now\"");
        await _jobs.WaitForStatusAsync(approved, "Finished");
        await bus.AcceptedAsync(TestUsers.ShopOperator, "RerunJob", approved, "\"step\": \"POST\"");
        await _jobs.WaitForStatusAsync(rejected, "Rejected");
        var rerun = await _jobs.WaitForStatusAsync(approved, "Finished");
        Assert.Equal(2, rerun.GetProperty("exec").GetInt32());
        await bus.AcceptedAsync(TestUsers.Ana, "DeleteJob", approved);

        await ServiceHostFixture.WaitUntilAsync(async () => await _jobs.Api.FindAsync(approved) is null, TimeSpan.FromSeconds(20), "the job to be deleted");
    }

    [Fact]
    public async Task A_holder_of_restart_and_cancel_in_scope_handles_traps_and_cancels()
    {
        await using var answers = await CommandAnswers.ListenAsync(host.Services);
        var bus = new BusCommands(host, answers);
        var (trapped, _) = await bus.CreateAsync(TestUsers.CiBot, "shop", BusCommands.TrappingPipeline);
        var (waiting, _) = await bus.CreateAsync(TestUsers.CiBot, "shop", LifecycleJobs.LogOnlyPipeline, DateTimeOffset.UtcNow.AddHours(1));
        await _jobs.WaitForStatusAsync(trapped, Trapped);
        await _jobs.WaitAtRunGateAsync(waiting);

        await bus.AcceptedAsync(TestUsers.ShopOperator, "PauseTrap", trapped);
        await _jobs.WaitForStatusAsync(trapped, TrapPaused);
        await bus.AcceptedAsync(TestUsers.ShopOperator, "ResumeTrap", trapped);
        await _jobs.WaitForStatusAsync(trapped, Trapped);
        await bus.AcceptedAsync(TestUsers.ShopOperator, "RespondToTrap", trapped, "\"action\": \"skip\"");
        await bus.AcceptedAsync(TestUsers.ShopOperator, "CancelJob", waiting);

        await _jobs.WaitForStatusAsync(trapped, "Finished");
        await _jobs.WaitForStatusAsync(waiting, "Canceled");
    }

    [Theory]
    [InlineData(TestUsers.Viewer)]
    [InlineData(TestUsers.ShopOperator)]
    [InlineData(TestUsers.Outsider)]
    [InlineData(TestUsers.Nobody)]
    public async Task A_create_from_a_sender_without_create_on_the_scope_is_forbidden_and_creates_nothing(string sender)
    {
        await using var answers = await CommandAnswers.ListenAsync(host.Services);
        var bus = new BusCommands(host, answers);

        var (jobId, commandId) = await bus.CreateAsync(sender, "shop", LifecycleJobs.LogOnlyPipeline);

        var rejection = await answers.RejectionOfAsync(commandId);
        Assert.Equal(("forbidden", "requestedBy"), (rejection.ReasonCode, rejection.Field));
        Assert.Null(await _jobs.Api.FindAsync(jobId));
    }

    [Fact]
    public async Task A_create_from_a_holder_of_create_on_the_scope_creates_the_job()
    {
        await using var answers = await CommandAnswers.ListenAsync(host.Services);
        var bus = new BusCommands(host, answers);

        var (jobId, _) = await bus.CreateAsync(TestUsers.Outsider, "other", LifecycleJobs.LogOnlyPipeline);

        await _jobs.WaitForStatusAsync(jobId, "Finished");
    }

    /// <summary>A job waiting for approval (of ana), a trapped one and a paused trap, for commands that must change nothing.</summary>
    async Task<Dictionary<string, Guid>> SharedJobsAsync(BusCommands bus)
    {
        var (waiting, _) = await bus.CreateAsync(TestUsers.CiBot, "shop", BusCommands.ApprovalPipeline(TestUsers.Ana));
        var (trapped, _) = await bus.CreateAsync(TestUsers.CiBot, "shop", BusCommands.TrappingPipeline);
        var (paused, _) = await bus.CreateAsync(TestUsers.CiBot, "shop", BusCommands.TrappingPipeline);
        await _jobs.WaitForStatusAsync(waiting, Waiting);
        await _jobs.WaitForStatusAsync(trapped, Trapped);
        await _jobs.WaitForStatusAsync(paused, Trapped);
        await bus.AcceptedAsync(TestUsers.Admin, "PauseTrap", paused);
        await _jobs.WaitForStatusAsync(paused, TrapPaused);
        return new() { [Waiting] = waiting, [Trapped] = trapped, [TrapPaused] = paused };
    }

    /// <summary>Status, step, exec, version and audit rows of each job, as one comparable text.</summary>
    async Task<string> SnapshotAsync(IEnumerable<Guid> jobIds)
    {
        var lines = new List<string>();
        foreach (var jobId in jobIds)
        {
            var job = (await _jobs.Api.FindAsync(jobId))!.Value;
            var fields = SnapshotFields.Select(f => job.GetProperty(f).ToString());
            lines.Add($"{jobId}: {string.Join(" ", fields)}, audit {string.Join("; ", await _jobs.AuditAsync(jobId))}");
        }
        return string.Join('\n', lines);
    }

    static string Describe(object answer) => answer switch
    {
        JobCommandRejected rejected => $"rejected {rejected.ReasonCode} ({rejected.Field}): {rejected.Message}",
        _ => "accepted",
    };
}
