using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Security;

/// <summary>The permissions of SPEC §8, as configured in <c>Permissions:Roles:&lt;role&gt;:Actions</c>.</summary>
public static class JobActions
{
    public const string ViewMonitor = "action.job.view_monitor";
    public const string ApproveAll = "action.job.approve_all";
    public const string Restart = "action.job.restart";
    public const string Cancel = "action.job.cancel";
    public const string Delete = "action.job.delete";
    public const string Create = "action.job.create";

    public static IReadOnlyList<string> All { get; } = [ViewMonitor, ApproveAll, Restart, Cancel, Delete, Create];

    /// <summary>
    /// The permissions that allow a command of <see cref="JobCommandRules" /> (any one of them suffices). Approve and
    /// reject are also allowed to the job's approvers: <see cref="Caller.MayAct" /> handles that.
    /// </summary>
    public static IReadOnlyList<string> For(OperatorCommand command) => command switch
    {
        OperatorCommand.Rerun => [Restart],
        OperatorCommand.Reschedule => [Restart, Create],
        OperatorCommand.Cancel => [Cancel],
        OperatorCommand.Delete => [Delete],
        OperatorCommand.Approve or OperatorCommand.Reject => [ApproveAll],
        OperatorCommand.RespondToTrap or OperatorCommand.PauseTrap or OperatorCommand.ResumeTrap => [Restart],
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Not a job command."),
    };
}
