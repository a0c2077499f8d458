using System.CommandLine;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace JobMonitor.Cli;

/// <summary><c>list</c>, <c>show</c> and <c>log</c>: the read API as tables and lines, or its JSON.</summary>
public static class ReadCommands
{
    static readonly string[] TimeFields = ["scheduledAt", "maxStartAt", "startedAt", "endedAt"];

    public static IEnumerable<Command> Build() => [List(), Show(), Log()];

    static Command List()
    {
        var status = new Option<string[]>("--status") { Description = "Status (repeat for several): Ready, Running, \"Waiting for Approval\", Error…" };
        string[] names = ["project", "environment", "step", "type", "nature", "q", "sort", "order"];
        var filters = names.Select(name => new Option<string?>($"--{name}") { Description = $"The API's {name} filter (see GET /api/jobs)" }).ToList();
        var limit = new Option<int>("--limit") { Description = "Jobs to show (1–500)", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "List jobs, newest first, with the API's filters") { status, limit };
        foreach (var filter in filters)
            command.Options.Add(filter);
        command.SetApiAction(async (parsed, api, cancellationToken) =>
        {
            var query = new List<string>();
            query.AddRange((parsed.GetValue(status) ?? []).Select(s => $"status={Uri.EscapeDataString(s)}"));
            query.AddRange(filters.Select(f => (f.Name, Value: parsed.GetValue(f)))
                .Where(f => f.Value is not null)
                .Select(f => $"{f.Name.TrimStart('-')}={Uri.EscapeDataString(f.Value!)}"));
            query.Add(string.Create(CultureInfo.InvariantCulture, $"limit={parsed.GetValue(limit)}"));
            var page = await api.GetAsync($"/api/jobs?{string.Join('&', query)}", cancellationToken);
            if (parsed.GetValue(JobMonitorCommand.JsonOption))
            {
                Output.Json(Console.Out, page);
                return ExitCodes.Ok;
            }
            Output.Table(Console.Out, ["KEY", "NAME", "PROJECT", "ENV", "STATUS", "STEP", "PROGRESS", "SCHEDULED"],
                page.GetProperty("items").EnumerateArray().Select(job => (IReadOnlyList<string>)
                [
                    Output.Text(job, "key"), Output.Text(job, "name"), Output.Text(job, "project"), Output.Text(job, "environment"),
                    Output.Text(job, "status"), Output.Text(job, "step"), Output.ProgressBar(job.GetProperty("progress").GetDouble(), 10),
                    Output.Time(job, "scheduledAt"),
                ]));
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Show()
    {
        var job = JobMonitorCommand.JobArgument();
        var command = new Command("show", "Show a job: its fields, steps and ops, the actions you may take") { job };
        command.SetApiAction(async (parsed, api, cancellationToken) =>
        {
            var detail = await api.GetAsync(JobPath(parsed.GetRequiredValue(job)), cancellationToken);
            if (parsed.GetValue(JobMonitorCommand.JsonOption))
            {
                Output.Json(Console.Out, detail);
                return ExitCodes.Ok;
            }
            string[] fields = ["key", "name", "project", "environment", "type", "status", "step", "exec", "version", "owner", "createdBy", "lastError"];
            Output.Table(Console.Out, ["FIELD", "VALUE"], fields.Select(f => (IReadOnlyList<string>)[f, Output.Text(detail, f)])
                .Concat(TimeFields.Select(f => (IReadOnlyList<string>)[f, Output.Time(detail, f)]))
                .Append(["progress", Output.ProgressBar(detail.GetProperty("progress").GetDouble())])
                .Append(["allowedActions", string.Join(", ", detail.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()))]));
            Console.WriteLine();
            Output.Table(Console.Out, ["EXEC", "STEP", "OP", "KIND", "OUTCOME", "STARTED", "ENDED", "ERROR"],
                detail.GetProperty("steps").EnumerateArray().SelectMany(step => step.GetProperty("ops").EnumerateArray()
                    .Select(op => (IReadOnlyList<string>)
                    [
                        Output.Text(step, "exec"), Output.Text(step, "step"), Output.Text(op, "name"), Output.Text(op, "kind"),
                        Output.Text(op, "outcome"), Output.Time(op, "startedAt"), Output.Time(op, "endedAt"), Output.Text(op, "error"),
                    ])));
            if (detail.GetProperty("trap") is { ValueKind: JsonValueKind.Object } trap)
                Console.WriteLine($"{Environment.NewLine}Trapped at op {Output.Text(trap, "op")} ({Output.Text(trap, "step")}): {Output.Text(trap, "error")}; " +
                    $"{Output.Text(trap, "timeoutAction")} at {Output.Time(trap, "deadline")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Log()
    {
        var job = JobMonitorCommand.JobArgument();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines as they are written (Ctrl-C stops)" };
        string[] names = ["step", "level", "op", "exec"];
        var filters = names.Select(name => new Option<string?>($"--{name}") { Description = $"Only lines of this {name}" }).ToList();
        var command = new Command("log", "Print a job's log (with --json: one JSON line per log line)") { job, follow };
        foreach (var filter in filters)
            command.Options.Add(filter);
        command.SetApiAction(async (parsed, api, cancellationToken) =>
        {
            var json = parsed.GetValue(JobMonitorCommand.JsonOption);
            var query = string.Concat(filters.Select(f => (f.Name, Value: parsed.GetValue(f)))
                .Where(f => f.Value is not null)
                .Select(f => $"&{f.Name.TrimStart('-')}={Uri.EscapeDataString(f.Value!)}"));
            var path = $"{JobPath(parsed.GetRequiredValue(job))}/log";
            void Print(JsonElement line)
            {
                if (json)
                    Output.Json(Console.Out, line, indented: false);
                else
                    Console.WriteLine(Output.LogLine(line));
            }

            if (parsed.GetValue(follow))
            {
                await using var stream = await api.OpenEventStreamAsync($"{path}?after=0{query}", cancellationToken);
                await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
                {
                    if (item.EventType == "line")
                        Print(JsonDocument.Parse(item.Data).RootElement);
                }
                return ExitCodes.Ok;
            }
            await JobLogPages.ReadAsync(api, path, 0, query, Print, cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The job's address in the API; it takes the key as well as the id.</summary>
    public static string JobPath(string job) => $"/api/jobs/{Uri.EscapeDataString(job.Trim())}";
}
