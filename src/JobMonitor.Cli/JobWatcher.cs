using System.Text.Json;

namespace JobMonitor.Cli;

/// <summary>
/// Follows one job until it rests in a final status: a line whenever its status, step, op or progress moves (with a
/// progress bar), after its new log lines. Polls the dashboard, then the log after the last line seen, once a second:
/// the log is read after the status, so every line written before the final status is shown before it.
/// </summary>
public sealed class JobWatcher(ApiClient api, TextWriter output)
{
    static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>The exit code of the final status, or <see cref="ExitCodes.TimedOut" /> when <paramref name="deadline" /> passes first.</summary>
    public async Task<(int ExitCode, JsonElement Job)> WaitAsync(Guid jobId, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var lastSeq = 0L;
        var lastState = "";
        while (true)
        {
            var job = await api.GetAsync($"/api/jobs/{jobId}", cancellationToken);
            var status = Output.Text(job, "status");
            lastSeq = await JobLogPages.ReadAsync(api, $"/api/jobs/{jobId}/log", lastSeq, "", line => output.WriteLine(Output.LogLine(line)), cancellationToken);
            var state = StateLine(job);
            if (state != lastState)
                await output.WriteLineAsync(state);
            lastState = state;
            if (ExitCodes.IsFinal(status, out var code))
                return (code, job);
            if (DateTimeOffset.UtcNow >= deadline)
                return (ExitCodes.TimedOut, job);
            await Task.Delay(Interval, cancellationToken);
        }
    }

    /// <summary><c>== Running  RUN  op deploy  [##########----------]  50%</c></summary>
    static string StateLine(JsonElement job)
    {
        var op = RunningOp(job);
        return $"== {Output.Text(job, "status")}  {Output.Text(job, "step")}{(op is null ? "" : $"  op {op}")}  " +
            Output.ProgressBar(job.GetProperty("progress").GetDouble());
    }

    /// <summary>The op of the current execution and step that started and has not ended, if any.</summary>
    static string? RunningOp(JsonElement job)
    {
        var exec = job.GetProperty("exec").GetInt32();
        var step = Output.Text(job, "step");
        return job.GetProperty("steps").EnumerateArray()
            .Where(s => s.GetProperty("exec").GetInt32() == exec && Output.Text(s, "step") == step)
            .SelectMany(s => s.GetProperty("ops").EnumerateArray())
            .Where(o => Output.Time(o, "startedAt").Length > 0 && Output.Time(o, "endedAt").Length == 0)
            .Select(o => Output.Text(o, "name"))
            .LastOrDefault();
    }
}
