namespace JobMonitor.Service.Jobs.Check;

/// <summary>Why a command was refused: a stable code for machines, a field path and a sentence for people.</summary>
public sealed record Rejection(string Code, string Message, string? Field = null);

/// <summary>Reason codes carried by <c>JobCommandRejected</c>.</summary>
public static class RejectionCodes
{
    public const string MissingField = "missing_field";
    public const string InvalidField = "invalid_field";
    public const string FieldTooLong = "field_too_long";
    public const string TooManyItems = "too_many_items";
    public const string EmptyPipeline = "empty_pipeline";
    public const string UnknownOpKind = "unknown_op_kind";
    public const string UnknownScript = "unknown_script";
    public const string InvalidDate = "invalid_date";
    public const string InvalidDuration = "invalid_duration";
    public const string DuplicateOpName = "duplicate_op_name";
    /// <summary>A job env variable that no configuration lets a job set (LD_*, BASH_FUNC_*, PATH…).</summary>
    public const string EnvDenied = "env_denied";
    /// <summary>A job env variable that the script's AllowedEnv does not name.</summary>
    public const string EnvNotAllowed = "env_not_allowed";
    /// <summary>A script, base URL or agent queue that the configuration keeps for other scopes.</summary>
    public const string ScopeNotAllowed = "scope_not_allowed";
    /// <summary>An http op header a job may not set (Host, hop-by-hop, framing).</summary>
    public const string HeaderNotAllowed = "header_not_allowed";
    public const string JobExists = "job_exists";
    public const string JobNotFound = "job_not_found";
    public const string NotAllowedInStatus = "not_allowed_in_status";
    public const string StaleVersion = "stale_version";
    /// <summary>The user named in <c>requestedBy</c> lacks the permission for this command on this job (SPEC §8).</summary>
    public const string Forbidden = "forbidden";
}
