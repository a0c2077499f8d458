using System.ComponentModel;
using System.Diagnostics;
using JobMonitor.Service.Jobs;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution.Ops;

public sealed class ScriptOpKind(IOptions<ExecutionOptions> options, ILogger<ScriptOpKind> logger) : IOpKind
{
    // Output still buffered in the pipes after the process died; a detached grandchild holding them must not hang the step.
    static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    public OpKind Kind => OpKind.Script;

    public async Task RunAsync(OpExecution op, CancellationToken cancellationToken)
    {
        var command = ScriptCommand.Create(op.Op, options.Value, new ScriptIdentity(
            op.JobId, op.JobKey, op.Labels.Project, op.Labels.Environment, op.Step.Wire(), op.Exec, op.Op.Name));
        cancellationToken.ThrowIfCancellationRequested();
        op.Log.Write(LogLevels.Info, $"running script '{command.Name}': {command.Describe()}");

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
            PumpAsync(process.StandardOutput, LogLevels.Info, op.Log),
            PumpAsync(process.StandardError, LogLevels.Warn, op.Log));

        using var timeout = new CancellationTokenSource(command.Timeout);
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

    static async Task PumpAsync(StreamReader reader, string level, IOpLog log)
    {
        while (await reader.ReadLineAsync() is { } line)
            log.Write(level, line);
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
