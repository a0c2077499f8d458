using System.Text.RegularExpressions;
using JobMonitor.Contracts;
using JobMonitor.Service.Execution.Ops;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Jobs.Check;

/// <summary>
/// The CHECK step: turns a <see cref="CreateJob"/> into a <see cref="JobDefinition"/> or names the first thing wrong
/// with it. Nothing is stored before this passes.
/// </summary>
public sealed partial class JobDefinitionValidator(IOptions<JobOptions> options, IConfiguration configuration)
{
    readonly JobOptions _options = options.Value;
    readonly JobLimits _limits = options.Value.Limits;

    public (JobDefinition? Definition, Rejection? Rejection) Validate(CreateJob command, DateTimeOffset now)
    {
        try
        {
            return (Check(command, now), null);
        }
        catch (CheckFailedException failed)
        {
            return (null, failed.Rejection);
        }
    }

    /// <summary>What every command must satisfy: both ids, and a one-line requestedBy and comment of bounded length.</summary>
    public Rejection? CheckCommon(JobCommand command) =>
        command.JobId == Guid.Empty
            ? new Rejection(RejectionCodes.MissingField, "jobId is required (a GUID chosen by the publisher).", "jobId")
        : command.CommandId == Guid.Empty
            ? new Rejection(RejectionCodes.MissingField, "commandId is required (a GUID unique per command).", "commandId")
        : InputBounds.Line(command.RequestedBy, "requestedBy", _limits.NameLength)
            ?? InputBounds.Line(command.Comment, "comment", _limits.TextLength);

    JobDefinition Check(CreateJob command, DateTimeOffset now)
    {
        if (CheckCommon(command) is { } common)
            throw new CheckFailedException(common);

        var name = Text(command.Name, "name", _limits.NameLength);
        var project = Scope(command.Project, "project");
        var environment = Scope(command.Environment, "environment");
        var type = command.Type switch
        {
            null => JobType.Normal,
            _ when Enum.TryParse<JobType>(command.Type, ignoreCase: true, out var parsed) && !command.Type.Any(char.IsDigit) => parsed,
            _ => throw Fail(RejectionCodes.InvalidField, "type", $"type must be Normal or Urgent, not '{Clip(command.Type)}'."),
        };

        var scheduledAt = command.ScheduledAt is null ? now : Instant(command.ScheduledAt, "scheduledAt", now);
        var maxStartAt = command.MaxStartAt is null
            ? scheduledAt + _options.ExpiryWindow(type)
            : Instant(command.MaxStartAt, "maxStartAt", now);

        var pipeline = Pipeline(command.Pipeline);
        CheckExecution(pipeline, project, environment);
        return new JobDefinition
        {
            Name = name,
            Project = project,
            Environment = environment,
            Type = type,
            Revisions = Revisions(command.Revisions),
            Pipeline = pipeline,
            ScheduledAt = scheduledAt,
            MaxStartAt = maxStartAt,
        };
    }

    List<Revision> Revisions(IReadOnlyList<RevisionSpec>? revisions)
    {
        if (revisions is null)
            return [];
        Count(revisions.Count, "revisions", _limits.Revisions);
        return revisions.Select((revision, i) =>
        {
            var field = $"revisions[{i}]";
            var paths = revision.Paths ?? [];
            Count(paths.Count, $"{field}.paths", _limits.PathsPerRevision);
            for (var p = 0; p < paths.Count; p++)
                Text(paths[p], $"{field}.paths[{p}]", _limits.TextLength);
            return new Revision
            {
                Id = Text(revision.Id, $"{field}.id", _limits.NameLength),
                Author = revision.Author is null ? null : Text(revision.Author, $"{field}.author", _limits.NameLength),
                Message = Optional(revision.Message, $"{field}.message", _limits.TextLength),
                Paths = paths,
            };
        }).ToList();
    }

    JobPipeline Pipeline(PipelineSpec? pipeline)
    {
        if (pipeline is null)
            throw Fail(RejectionCodes.MissingField, "pipeline", "pipeline is required.");
        var result = new JobPipeline
        {
            Pre = Ops(pipeline.Pre, "pipeline.pre", JobStep.Pre),
            Run = Ops(pipeline.Run, "pipeline.run", JobStep.Run),
            Post = Ops(pipeline.Post, "pipeline.post", JobStep.Post),
            RollbackPre = Ops(pipeline.Rollback?.Pre, "pipeline.rollback.pre", JobStep.RollbackPre),
            RollbackRun = Ops(pipeline.Rollback?.Run, "pipeline.rollback.run", JobStep.RollbackRun),
        };
        if (result.Pre.Count + result.Run.Count + result.Post.Count == 0)
            throw Fail(RejectionCodes.EmptyPipeline, "pipeline", "pipeline has no ops in pre, run or post.");
        return result;
    }

    List<OpDefinition> Ops(IReadOnlyList<OpSpec>? ops, string field, JobStep step)
    {
        if (ops is null)
            return [];
        Count(ops.Count, field, _limits.OpsPerStep);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<OpDefinition>(ops.Count);
        for (var i = 0; i < ops.Count; i++)
        {
            var op = Op(ops[i] ?? throw Fail(RejectionCodes.MissingField, $"{field}[{i}]", $"{field}[{i}] is null."), $"{field}[{i}]", step);
            if (!names.Add(op.Name))
                throw Fail(RejectionCodes.DuplicateOpName, $"{field}[{i}].name", $"op name '{op.Name}' is used twice in {field}.");
            result.Add(op);
        }
        return result;
    }

    OpDefinition Op(OpSpec op, string field, JobStep step)
    {
        var name = Text(op.Name, $"{field}.name", _limits.NameLength);
        var kindText = Text(op.Kind, $"{field}.kind", _limits.NameLength);
        if (!Enum.TryParse<OpKind>(kindText, ignoreCase: true, out var kind) || kindText.Any(char.IsDigit))
            throw Fail(RejectionCodes.UnknownOpKind, $"{field}.kind",
                $"op kind '{Clip(kindText)}' is unknown; expected log, delay, script, http, approval or dispatch.");
        var parameters = op.Params ?? new OpParams();
        CheckParamSizes(parameters, $"{field}.params");

        var onError = Choice(op.OnError, $"{field}.onError", OpErrorPolicy.Fail);
        var trapTimeoutAction = Choice(op.TrapTimeoutAction, $"{field}.trapTimeoutAction", TrapTimeoutAction.Abort);
        var trapTimeout = op.TrapTimeout is null ? (TimeSpan?)null : Duration(op.TrapTimeout, $"{field}.trapTimeout");
        var secret = op.Secret ?? [];
        Count(secret.Count, $"{field}.secret", _limits.ListItems);

        TimeSpan? duration = kind switch
        {
            OpKind.Log => CheckLog(parameters, field),
            OpKind.Delay => Duration(parameters.Duration ?? throw Fail(RejectionCodes.MissingField, $"{field}.params.duration",
                "a delay op needs params.duration."), $"{field}.params.duration"),
            OpKind.Script => CheckScript(parameters, field),
            OpKind.Http => CheckHttp(parameters, field),
            OpKind.Approval => CheckApproval(parameters, field, step),
            OpKind.Dispatch => CheckDispatch(parameters, field),
            _ => null,
        };

        return new OpDefinition
        {
            Name = name,
            Kind = kind,
            Params = parameters,
            OnError = onError,
            TrapTimeout = trapTimeout,
            TrapTimeoutAction = trapTimeoutAction,
            NeedsRollback = op.NeedsRollback,
            Secret = secret,
            Duration = duration,
        };
    }

    TimeSpan? CheckLog(OpParams parameters, string field)
    {
        Text(parameters.Message, $"{field}.params.message", _limits.TextLength);
        return parameters.Level is null || LogLevels.OpLevels.Contains(parameters.Level) ? (TimeSpan?)null
            : throw Fail(RejectionCodes.InvalidField, $"{field}.params.level", "params.level must be debug, info, warn or error.");
    }

    TimeSpan? CheckScript(OpParams parameters, string field)
    {
        var script = Text(parameters.Script, $"{field}.params.script", _limits.NameLength);
        // Names compare exactly, as the worker looks them up (configuration keys themselves ignore case).
        if (!Execution.Scripts.ContainsKey(script))
            throw Fail(RejectionCodes.UnknownScript, $"{field}.params.script",
                $"script '{Clip(script)}' is not configured in this service (Execution:Scripts).");
        return OptionalDuration(parameters.Timeout, $"{field}.params.timeout");
    }

    TimeSpan? CheckHttp(OpParams parameters, string field)
    {
        var url = Text(parameters.Url, $"{field}.params.url", _limits.TextLength);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw Fail(RejectionCodes.InvalidField, $"{field}.params.url", "params.url must be an absolute http or https URL.");
        if (parameters.ExpectedStatus is < 100 or > 599)
            throw Fail(RejectionCodes.InvalidField, $"{field}.params.expectedStatus", "params.expectedStatus must be an HTTP status code.");
        return OptionalDuration(parameters.Timeout, $"{field}.params.timeout");
    }

    static TimeSpan? CheckApproval(OpParams parameters, string field, JobStep step)
    {
        if (step != JobStep.Pre)
            throw Fail(RejectionCodes.InvalidField, $"{field}.kind", "approval ops are allowed in pre only.");
        if (parameters.Approvers is not { Count: > 0 })
            throw Fail(RejectionCodes.MissingField, $"{field}.params.approvers", "an approval op needs at least one approver.");
        return null;
    }

    TimeSpan? CheckDispatch(OpParams parameters, string field)
    {
        var queue = Text(parameters.Queue, $"{field}.params.queue", _limits.NameLength);
        if (!ScopePattern().IsMatch(queue))
            throw Fail(RejectionCodes.InvalidField, $"{field}.params.queue", "params.queue may hold letters, digits, '.', '_' and '-' only.");
        return OptionalDuration(parameters.Timeout, $"{field}.params.timeout");
    }

    void CheckParamSizes(OpParams parameters, string field)
    {
        Optional(parameters.Message, $"{field}.message", _limits.TextLength);
        Optional(parameters.Body, $"{field}.body", _limits.ParamLength);
        Optional(parameters.Payload, $"{field}.payload", _limits.ParamLength);
        foreach (var (list, name) in new[] { (parameters.Args, "args"), (parameters.Approvers, "approvers") })
        {
            if (list is null)
                continue;
            Count(list.Count, $"{field}.{name}", _limits.ListItems);
            for (var i = 0; i < list.Count; i++)
                Text(list[i], $"{field}.{name}[{i}]", _limits.TextLength);
        }
        foreach (var (map, name) in new[] { (parameters.Env, "env"), (parameters.Headers, "headers") })
        {
            if (map is null)
                continue;
            Count(map.Count, $"{field}.{name}", _limits.ListItems);
            foreach (var (key, value) in map)
            {
                Text(key, $"{field}.{name}", _limits.NameLength);
                Optional(value, $"{field}.{name}.{key}", _limits.TextLength);
            }
        }
    }

    string Scope(string? value, string field)
    {
        var text = Text(value, field, _limits.ScopeLength);
        if (!ScopePattern().IsMatch(text))
            throw Fail(RejectionCodes.InvalidField, field, $"{field} may hold letters, digits, '.', '_' and '-' only.");
        return text;
    }

    static T Choice<T>(string? value, string field, T fallback) where T : struct, Enum
    {
        if (value is null)
            return fallback;
        if (Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && !value.Any(char.IsDigit))
            return parsed;
        var allowed = string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
        throw Fail(RejectionCodes.InvalidField, field, $"{field} must be one of {allowed}, not '{Clip(value)}'.");
    }

    DateTimeOffset Instant(string value, string field, DateTimeOffset now) =>
        InputBounds.Instant(value, field, now, _limits, out var instant) is { } rejection ? throw new CheckFailedException(rejection) : instant;

    TimeSpan Duration(string value, string field) =>
        InputBounds.Duration(value, field, _limits, out var duration) is { } rejection ? throw new CheckFailedException(rejection) : duration;

    TimeSpan? OptionalDuration(string? value, string field) => value is null ? null : Duration(value, field);

    /// <summary>A required one-line text: names, kinds, scripts, URLs, list items.</summary>
    static string Text(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw Fail(RejectionCodes.MissingField, field, $"{field} is required.");
        return InputBounds.Line(value, field, maxLength) is { } rejection ? throw new CheckFailedException(rejection) : value;
    }

    static string? Optional(string? value, string field, int maxLength) =>
        value is { Length: var length } && length > maxLength
            ? throw Fail(RejectionCodes.FieldTooLong, field, $"{field} is {length} characters long; the limit is {maxLength}.")
            : value;

    static void Count(int count, string field, int max)
    {
        if (count > max)
            throw Fail(RejectionCodes.TooManyItems, field, $"{field} has {count} items; the limit is {max}.");
    }

    static string Clip(string value) => InputBounds.Clip(value);

    static CheckFailedException Fail(string code, string field, string message) => new(new Rejection(code, message, field));

    /// <summary>What a project, an environment and a dispatch queue may hold; the message schemas carry it too.</summary>
    public const string ScopeShape = "^[A-Za-z0-9._-]+$";

    [GeneratedRegex(ScopeShape)]
    private static partial Regex ScopePattern();

    sealed class CheckFailedException(Rejection rejection) : Exception(rejection.Message)
    {
        public Rejection Rejection { get; } = rejection;
    }
}
