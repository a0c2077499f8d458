using System.CommandLine;
using System.Text.Json;

namespace JobMonitor.Cli;

/// <summary>
/// The job actions: <c>approve|reject|rerun|cancel|reschedule|delete KEY</c> and <c>trap retry|skip|abort|pause|resume KEY</c>.
/// Each posts to the action API, waits for the service's decision and exits 0 when accepted, 21 when refused.
/// </summary>
public static class ActionCommands
{
    static readonly TimeSpan AnswerPatience = TimeSpan.FromSeconds(60);

    public static IEnumerable<Command> Build()
    {
        yield return Action("approve", "approve", "Approve a job waiting for approval");
        yield return Action("reject", "reject", "Reject a job waiting for approval (--comment is required)");
        yield return Action("cancel", "cancel", "Cancel a job (kills a running step's processes)");
        yield return Action("delete", "delete", "Delete a job, its log and execution records (the audit stays)");

        var step = new Option<string?>("--step") { Description = "The step to run again and all after it: PRE, RUN or POST" };
        step.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "PRE", "RUN", "POST");
        var runNow = new Option<bool>("--run-now") { Description = "Run RUN now instead of at its scheduled date" };
        yield return Action("rerun", "rerun", "Run a job again from a step (a new execution)", step, runNow,
            parsed => new() { ["step"] = parsed.GetValue(step), ["runNow"] = parsed.GetValue(runNow) });

        var scheduledAt = new Option<DateTimeOffset>("--scheduled-at") { Description = "New RUN date, ISO 8601 with an offset", Required = true };
        var maxStartAt = new Option<DateTimeOffset?>("--max-start-at") { Description = "Latest RUN start (default: --scheduled-at + the expiry window)" };
        yield return Action("reschedule", "reschedule", "Move a job's RUN date", scheduledAt, maxStartAt,
            parsed => new() { ["scheduledAt"] = parsed.GetValue(scheduledAt), ["maxStartAt"] = parsed.GetValue(maxStartAt) });

        var trap = new Command("trap", "Answer a trapped job");
        trap.Subcommands.Add(Action("retry", "trap/retry", "Run the failed op again"));
        trap.Subcommands.Add(Action("skip", "trap/skip", "Skip the failed op and go on"));
        trap.Subcommands.Add(Action("abort", "trap/abort", "Fail the step (the job ends in Error, after rollback and POST)"));
        trap.Subcommands.Add(Action("pause", "trap/pause", "Stop the trap's time-out clock"));
        trap.Subcommands.Add(Action("resume", "trap/resume", "Restart the trap's time-out clock with the time left"));
        yield return trap;
    }

    static Command Action(string name, string path, string description, Option? first = null, Option? second = null,
        Func<ParseResult, Dictionary<string, object?>>? fields = null)
    {
        var job = JobMonitorCommand.JobArgument();
        var comment = new Option<string?>("--comment", "-m") { Description = "Why (kept in the audit trail and the job log)" };
        var expectedVersion = new Option<int?>("--expected-version") { Description = "Refuse unless the job is still at this version" };
        var command = new Command(name, description) { job, comment, expectedVersion };
        foreach (var option in new[] { first, second }.OfType<Option>())
            command.Options.Add(option);
        command.SetApiAction(async (parsed, api, cancellationToken) =>
        {
            var body = fields?.Invoke(parsed) ?? [];
            body["comment"] = parsed.GetValue(comment);
            body["expectedVersion"] = parsed.GetValue(expectedVersion);
            var receipt = await api.PostAsync($"{ReadCommands.JobPath(parsed.GetRequiredValue(job))}/{path}",
                JsonSerializer.Serialize(body.Where(f => f.Value is not null).ToDictionary()), cancellationToken);
            var answer = await CommandAnswers.WaitAsync(api, receipt.GetProperty("commandId").GetGuid(), AnswerPatience, cancellationToken);
            if (parsed.GetValue(JobMonitorCommand.JsonOption))
                Output.Json(Console.Out, answer);
            CommandAnswers.EnsureAccepted(answer);
            if (!parsed.GetValue(JobMonitorCommand.JsonOption))
                Console.WriteLine($"{Output.Text(answer, "command")} accepted ({Output.Text(answer, "commandId")})");
            return ExitCodes.Ok;
        });
        return command;
    }
}
