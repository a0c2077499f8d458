using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JobMonitor.Cli;

/// <summary>
/// <c>jobmonitor create job.json [--wait] [--timeout 2h]</c>: posts the create, waits for the service to accept it,
/// prints the job's key; with <c>--wait</c> follows the job to its final status and exits with that status's code.
/// </summary>
public static class CreateCommand
{
    // How long the service may take to accept or reject the create itself (CHECK runs on its workers).
    static readonly TimeSpan AnswerPatience = TimeSpan.FromSeconds(60);

    public static Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "The create command as JSON (SPEC §10; jobId and commandId may be absent); - reads stdin" };
        var wait = new Option<bool>("--wait") { Description = "Follow the job (status, step, op, progress, log lines) until a final status; exit with its code" };
        var timeout = new Option<TimeSpan?>("--timeout")
        {
            Description = "With --wait: give up after this long (2h, 30m, 90s, 01:30:00, PT2H) with exit code 20; default: no limit",
            CustomParser = result => Durations.TryParse(result.Tokens[0].Value) is { } span && span > TimeSpan.Zero
                ? span
                : Invalid(result),
        };
        var command = new Command("create", "Create a job from a JSON file and print its key") { file, wait, timeout };
        command.SetApiAction(async (parsed, api, cancellationToken) =>
        {
            var deadline = parsed.GetValue(timeout) is { } limit ? DateTimeOffset.UtcNow + limit : (DateTimeOffset?)null;
            var json = parsed.GetValue(JobMonitorCommand.JsonOption);
            var body = await ReadBodyAsync(parsed.GetRequiredValue(file), cancellationToken);

            var receipt = await api.PostAsync("/api/jobs", body, cancellationToken);
            var answer = await CommandAnswers.WaitAsync(api, receipt.GetProperty("commandId").GetGuid(), AnswerPatience, cancellationToken);
            CommandAnswers.EnsureAccepted(answer);
            var jobId = receipt.GetProperty("jobId").GetGuid();
            var job = await api.GetAsync($"/api/jobs/{jobId}", cancellationToken);
            if (!json)
                Console.WriteLine(Output.Text(job, "key"));

            var exitCode = ExitCodes.Ok;
            if (parsed.GetValue(wait))
            {
                // With --json, stdout carries one document; the live view goes to stderr.
                (exitCode, job) = await new JobWatcher(api, json ? Console.Error : Console.Out).WaitAsync(jobId, deadline, cancellationToken);
                if (exitCode == ExitCodes.TimedOut)
                    await Console.Error.WriteLineAsync($"jobmonitor: {Output.Text(job, "key")} is still {Output.Text(job, "status")} after --timeout {parsed.GetValue(timeout)}.");
            }
            if (json)
                Output.Json(Console.Out, JsonSerializer.SerializeToElement(new
                {
                    jobId,
                    key = Output.Text(job, "key"),
                    commandId = receipt.GetProperty("commandId").GetGuid(),
                    status = Output.Text(job, "status"),
                    exitCode,
                }));
            return exitCode;
        });
        return command;
    }

    static TimeSpan? Invalid(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"'{result.Tokens[0].Value}' is not a duration (2h, 30m, 90s, 01:30:00, PT2H).");
        return null;
    }

    static async Task<string> ReadBodyAsync(FileInfo file, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = file.Name == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : await File.ReadAllTextAsync(file.FullName, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, $"Cannot read {file}: {e.Message}");
        }
        try
        {
            return JsonNode.Parse(text) is JsonObject ? text : throw new CliException(ExitCodes.Usage, $"{file} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Usage, $"{file} is not valid JSON: {e.Message}");
        }
    }
}
