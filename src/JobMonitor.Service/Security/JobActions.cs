using System.Text.Json.Serialization;
using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Security;

/// <summary>
/// The permissions of SPEC §8. Configuration (<c>Permissions:Roles:&lt;role&gt;:Actions</c>) and <c>/api/me</c> carry
/// the wire name.
/// </summary>
public enum JobAction
{
    [JsonStringEnumMemberName("action.job.view_monitor")] ViewMonitor,
    [JsonStringEnumMemberName("action.job.approve_all")] ApproveAll,
    [JsonStringEnumMemberName("action.job.restart")] Restart,
    [JsonStringEnumMemberName("action.job.cancel")] Cancel,
    [JsonStringEnumMemberName("action.job.delete")] Delete,
    [JsonStringEnumMemberName("action.job.create")] Create,
}

public static class JobActions
{
    public static IReadOnlyList<JobAction> All { get; } = Enum.GetValues<JobAction>();

    public static string Wire(this JobAction action) => WireNames.Of(action);

    /// <summary>A configured permission; null when the service knows no such name.</summary>
    public static JobAction? Parse(string name) => WireNames.TryParse<JobAction>(name, out var action) ? action : null;

    /// <summary>
    /// The permissions that allow a command of <see cref="JobCommandRules" /> (any one of them suffices). Approve and
    /// reject are also allowed to the job's approvers: <see cref="Caller.MayAct" /> handles that.
    /// </summary>
    public static IReadOnlyList<JobAction> For(OperatorCommand command) => command switch
    {
        OperatorCommand.Rerun => [JobAction.Restart],
        OperatorCommand.Reschedule => [JobAction.Restart, JobAction.Create],
        OperatorCommand.Cancel => [JobAction.Cancel],
        OperatorCommand.Delete => [JobAction.Delete],
        OperatorCommand.Approve or OperatorCommand.Reject => [JobAction.ApproveAll],
        OperatorCommand.RespondToTrap or OperatorCommand.PauseTrap or OperatorCommand.ResumeTrap => [JobAction.Restart],
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Not a job command."),
    };
}
