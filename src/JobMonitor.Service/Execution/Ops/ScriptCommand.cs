using System.Diagnostics;
using System.Text;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Security;

namespace JobMonitor.Service.Execution.Ops;

/// <summary>How a script op runs: the configured executable, the op's arguments and environment, its time-out.</summary>
public sealed record ScriptCommand(string Name, ProcessStartInfo StartInfo, TimeSpan Timeout)
{
    /// <summary>Fails the op (not the worker) when the script is not configured: a message may only name a script.</summary>
    public static ScriptCommand Create(OpDefinition op, ExecutionOptions options, ScriptIdentity identity)
    {
        var name = op.Params.Script;
        if (string.IsNullOrWhiteSpace(name))
            throw new OpFailedException("script op names no script (params.script)");
        if (!options.Scripts.TryGetValue(name, out var script) || string.IsNullOrWhiteSpace(script.Path))
            throw new OpFailedException($"script '{name}' is not configured on worker {options.WorkerName} (Execution:Scripts:{name}:Path)");
        // CHECK refused it at create; the configuration may have narrowed the script's scopes since.
        if (!ScopeList.Parse(script.Scopes).Covers(identity.Project, identity.Environment))
            throw new OpFailedException($"script '{name}' is not allowed for jobs of {identity.Project}/{identity.Environment} (Execution:Scripts:{name}:Scopes)");

        var start = new ProcessStartInfo(script.Path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = script.WorkingDirectory ?? "",
        };
        foreach (var argument in script.Arguments.Concat(op.Params.Args ?? []))
            start.ArgumentList.Add(argument);
        // ProcessStartInfo starts from a copy of the service's environment, secrets included: empty it first.
        start.Environment.Clear();
        foreach (var (key, value) in ScriptEnvironment.For(script, options.ScriptBase, op.Params.Env, identity))
            start.Environment[key] = value;

        return new ScriptCommand(name, start, op.Duration ?? script.Timeout ?? options.DefaultScriptTimeout);
    }

    /// <summary>The command line for the job log; quoting is only for reading, the arguments are passed as a list.</summary>
    public string Describe() =>
        string.Join(' ', StartInfo.ArgumentList.Prepend(StartInfo.FileName).Select(Quote));

    static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'')
            ? argument
            : $"'{argument.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
