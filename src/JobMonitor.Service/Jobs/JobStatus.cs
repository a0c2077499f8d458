using System.Text.Json.Serialization;

namespace JobMonitor.Service.Jobs;

/// <summary>
/// The statuses of a job (SPEC §3). A status has two names: its state name, the member's own (the saga's MassTransit
/// state, the jobs table's status column, SQL, the live events), and its display name of the spec (the read API, the
/// audit, the status events), the member's wire name.
/// </summary>
public enum JobStatus
{
    [JsonStringEnumMemberName("Ready")] Ready,
    [JsonStringEnumMemberName("Running")] Running,
    [JsonStringEnumMemberName("Waiting for Approval")] WaitingForApproval,
    [JsonStringEnumMemberName("Rejected")] Rejected,
    [JsonStringEnumMemberName("Expired")] Expired,
    [JsonStringEnumMemberName("Abend")] Abend,
    [JsonStringEnumMemberName("Rollback")] Rollback,
    [JsonStringEnumMemberName("Finished")] Finished,
    [JsonStringEnumMemberName("Error")] Error,
    [JsonStringEnumMemberName("Canceled")] Canceled,
    [JsonStringEnumMemberName("Trapped")] Trapped,
    [JsonStringEnumMemberName("Trap Paused")] TrapPaused,
}

public static class JobStatuses
{
    public static IReadOnlyList<JobStatus> All { get; } = Enum.GetValues<JobStatus>();

    static readonly Dictionary<string, JobStatus> ByStateName = All.ToDictionary(StateName, StringComparer.Ordinal);
    static readonly Dictionary<string, JobStatus> ByStateNameAnyCase = new(ByStateName, StringComparer.OrdinalIgnoreCase);

    /// <summary>"Waiting for Approval", "Trap Paused": the name people and the read API see.</summary>
    public static string Display(this JobStatus status) => WireNames.Of(status);

    /// <summary>"WaitingForApproval": the name of the saga's state, stored in the status column.</summary>
    public static string StateName(this JobStatus status) =>
        Enum.GetName(status) ?? throw new ArgumentOutOfRangeException(nameof(status), status, "Not a job status.");

    /// <summary>The state names of <paramref name="statuses" />: an SQL parameter's value.</summary>
    public static string[] StateNames(params IEnumerable<JobStatus> statuses) => [.. statuses.Select(StateName)];

    /// <summary>The status of a saga state name; false for MassTransit's own Initial and Final.</summary>
    public static bool TryOfState(string state, out JobStatus status) => ByStateName.TryGetValue(state, out status);

    /// <summary>The status of a saga state name, from the saga or the status column.</summary>
    public static JobStatus OfState(string state) =>
        TryOfState(state, out var status) ? status : throw new FormatException($"'{state}' is not a job status");

    /// <summary>The status the job's saga is in.</summary>
    public static JobStatus Status(this DeploymentJobState job) => OfState(job.CurrentState);

    /// <summary>Accepts a state name or a display name ("Waiting for Approval"), case-insensitively.</summary>
    public static JobStatus? Parse(string? text) =>
        !string.IsNullOrWhiteSpace(text) && ByStateNameAnyCase.TryGetValue(text.Replace(" ", "", StringComparison.Ordinal), out var status)
            ? status
            : null;
}
