using System.ComponentModel;
using System.Diagnostics;
using JobMonitor.Service.Jobs;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution.Ops;

public sealed class ScriptOpKind(IOptions<ExecutionOptions> options, ILogger<ScriptOpKind> logger) : IOpKind
{
    // Output still buffered in the pipes after the process died; a detached grandchild holding them must not hang the step.
    static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    // The longest a CancellationTokenSource can wait (uint.MaxValue - 1 ms, 49.7 days).
    static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public OpKind Kind => OpKind.Script;

    public async Task RunAsync(OpExecution op, CancellationToken cancellationToken)
    {
        var command = ScriptCommand.Create(op.Op, options.Value, new ScriptIdentity(
            op.JobId, op.JobKey, op.Labels.Project, op.Labels.Environment, op.Step.Wire(), op.Exec, op.Op.Name));
        cancellationToken.ThrowIfCancellationRequested();
        op.Log.Write(JobLogLevel.Info, $"running script '{command.Name}': {command.Describe()}");

        using var process = new Process { StartInfo = command.StartInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new OpFailedException($"script '{command.Name}' could not start: {e.Message}");
        }
        process.StandardInput.Close();
        var output = Task.WhenAll(
            PumpAsync(process.StandardOutput, JobLogLevel.Info, op.Log, options.Value.MaxOutputLineLength),
            PumpAsync(process.StandardError, JobLogLevel.Warn, op.Log, options.Value.MaxOutputLineLength));

        // CHECK bounds a job's own time-out; a configured one past what a timer can wait means "no time-out", not a throw.
        using var timeout = new CancellationTokenSource(command.Timeout < MaxTimer ? command.Timeout : Timeout.InfiniteTimeSpan);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await process.WaitForExitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            await KillTreeAsync(process, command.Name);
            await DrainAsync(output, command.Name);
            cancellationToken.ThrowIfCancellationRequested();
            throw new OpFailedException($"script '{command.Name}' timed out after {command.Timeout} and was killed");
        }

        await DrainAsync(output, command.Name);
        if (process.ExitCode != 0)
            throw new OpFailedException($"script '{command.Name}' exited with code {process.ExitCode}");
    }

    /// <summary>
    /// Reads the output in chunks, never a whole line at once: a line is kept up to <paramref name="maxLine" />
    /// characters and the rest of it dropped as it arrives. Reading goes on to the end, past the step's output cap too, so the
    /// script never blocks on a full pipe.
    /// </summary>
    static async Task PumpAsync(StreamReader reader, JobLogLevel level, IOpLog log, int maxLine)
    {
        var chunk = new char[Math.Min(maxLine, 8192) + 1];
        var line = new System.Text.StringBuilder();
        var clipped = 0L;
        int read;
        while ((read = await reader.ReadAsync(chunk)) > 0)
        {
            var rest = chunk.AsSpan(0, read);
            while (rest.Length > 0)
            {
                var end = rest.IndexOf('\n');
                var part = end < 0 ? rest : rest[..end];
                var room = Math.Max(maxLine - line.Length, 0);
                line.Append(part[..Math.Min(room, part.Length)]);
                clipped += Math.Max(part.Length - room, 0);
                if (end < 0)
                    break;
                log.WriteOutput(level, Finish(line, clipped));
                clipped = 0;
                rest = rest[(end + 1)..];
            }
        }
        if (line.Length > 0 || clipped > 0)
            log.WriteOutput(level, Finish(line, clipped));
    }

    static string Finish(System.Text.StringBuilder line, long clipped)
    {
        if (line.Length > 0 && line[^1] == '\r')
            line.Length--;
        var text = clipped == 0 ? line.ToString() : $"{line} … [line truncated: {clipped} more characters]";
        line.Clear();
        return text;
    }

    async Task KillTreeAsync(Process process, string name)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException e)
        {
            logger.LogDebug(e, "Script {Script} exited before it could be killed", name);
        }
        catch (Win32Exception e)
        {
            logger.LogWarning(e, "Could not kill the process tree of script {Script} (pid {Pid})", name, process.Id);
        }
        await process.WaitForExitAsync(CancellationToken.None);
    }

    async Task DrainAsync(Task output, string name)
    {
        try
        {
            await output.WaitAsync(DrainTimeout);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Output of script {Script} still open {Timeout} after it ended; the rest is dropped", name, DrainTimeout);
        }
    }
}
