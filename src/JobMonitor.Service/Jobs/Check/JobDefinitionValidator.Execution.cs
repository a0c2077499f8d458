using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Dispatch;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Security;

namespace JobMonitor.Service.Jobs.Check;

/// <summary>
/// CHECK of what a job asks the machine to do: the env variables it gives a script, and the scripts, base URLs and
/// agent queues that the configuration keeps for some scopes only. Read from configuration (not from the execution
/// options) so that an api-only instance checks a create exactly as a worker would.
/// </summary>
public sealed partial class JobDefinitionValidator
{
    ExecutionOptions Execution => field ??= Bind<ExecutionOptions>(ExecutionOptions.Section);

    UrlAllowList Urls => field ??= UrlAllowList.From(Bind<HttpOpOptions>(HttpOpOptions.Section));

    DispatchOptions Dispatch => field ??= Bind<DispatchOptions>(DispatchOptions.Section);

    T Bind<T>(string section) where T : new() => configuration.GetSection(section).Get<T>() ?? new T();

    void CheckExecution(JobPipeline pipeline, string project, string environment)
    {
        foreach (var (ops, field) in new[]
        {
            (pipeline.Pre, "pipeline.pre"), (pipeline.Run, "pipeline.run"), (pipeline.Post, "pipeline.post"),
            (pipeline.RollbackPre, "pipeline.rollback.pre"), (pipeline.RollbackRun, "pipeline.rollback.run"),
        })
        {
            for (var i = 0; i < ops.Count; i++)
            {
                var op = ops[i];
                var path = $"{field}[{i}].params";
                switch (op.Kind)
                {
                    case OpKind.Script:
                        CheckScriptUse(op.Params, path, project, environment);
                        break;
                    case OpKind.Http:
                        CheckHttpUse(op.Params, path, project, environment);
                        break;
                    case OpKind.Dispatch:
                        CheckDispatchUse(op.Params, path, project, environment);
                        break;
                }
            }
        }
    }

    void CheckScriptUse(Contracts.OpParams parameters, string path, string project, string environment)
    {
        var name = parameters.Script!;
        // CheckScript refused a name that is not configured.
        var script = Execution.Scripts[name];
        var scopes = ScopeList.Parse(script.Scopes);
        if (!scopes.Covers(project, environment))
            throw Fail(RejectionCodes.ScopeNotAllowed, $"{path}.script",
                $"script '{name}' is limited to {scopes}; this job is {project}/{environment}.");
        foreach (var variable in (parameters.Env ?? new Dictionary<string, string>()).Keys)
        {
            if (ScriptEnvironment.IsDenied(variable))
                throw Fail(RejectionCodes.EnvDenied, $"{path}.env.{Clip(variable)}",
                    $"env variable '{Clip(variable)}' can never be set by a job: loader, shell and interpreter start-up variables and JOBMONITOR_* are the service's.");
            if (!ScriptEnvironment.IsAllowed(script, variable))
                throw Fail(RejectionCodes.EnvNotAllowed, $"{path}.env.{variable}",
                    $"script '{name}' does not accept env variable '{variable}' (Execution:Scripts:{name}:AllowedEnv).");
        }
    }

    void CheckHttpUse(Contracts.OpParams parameters, string path, string project, string environment)
    {
        foreach (var header in (parameters.Headers ?? new Dictionary<string, string>()).Keys)
        {
            if (HttpOpHeaders.IsForbidden(header))
                throw Fail(RejectionCodes.HeaderNotAllowed, $"{path}.headers.{Clip(header)}",
                    $"header '{Clip(header)}' may not be set by a job (Host, hop-by-hop and framing headers are the connection's).");
        }
        var url = new Uri(parameters.Url!);
        if (Urls.Allows(url) && !Urls.Allows(url, project, environment))
            throw Fail(RejectionCodes.ScopeNotAllowed, $"{path}.url",
                $"url {Clip(url.ToString())} is under a base address kept for other scopes than {project}/{environment} (Execution:Http:ScopedBaseUrls).");
    }

    void CheckDispatchUse(Contracts.OpParams parameters, string path, string project, string environment)
    {
        var queue = parameters.Queue!;
        if (Dispatch.QueueScopes.TryGetValue(queue, out var patterns) && ScopeList.Parse(patterns) is var scopes
            && !scopes.Covers(project, environment))
            throw Fail(RejectionCodes.ScopeNotAllowed, $"{path}.queue",
                $"agent queue '{queue}' is limited to {scopes}; this job is {project}/{environment}.");
    }
}
