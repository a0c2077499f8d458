using System.Text.Json.Serialization;

namespace JobMonitor.Service.Jobs;

/// <summary>
/// The commands a person sends to a job (SPEC §4). The API (allowed actions), the audit and the permission checks
/// carry the lower-case name.
/// </summary>
public enum OperatorCommand
{
    [JsonStringEnumMemberName("rerun")] Rerun,
    [JsonStringEnumMemberName("cancel")] Cancel,
    [JsonStringEnumMemberName("approve")] Approve,
    [JsonStringEnumMemberName("reject")] Reject,
    [JsonStringEnumMemberName("reschedule")] Reschedule,
    [JsonStringEnumMemberName("delete")] Delete,
    [JsonStringEnumMemberName("trap")] RespondToTrap,
    [JsonStringEnumMemberName("pause")] PauseTrap,
    [JsonStringEnumMemberName("resume")] ResumeTrap,
}

public static class OperatorCommands
{
    public static string Wire(this OperatorCommand command) => WireNames.Of(command);
}
