namespace JobMonitor.Service.Jobs;

/// <summary>
/// Which command a job accepts in which status (SPEC §4). The saga enforces it; the monitor API uses the same table
/// to tell a caller which actions it may take now.
/// </summary>
public static class JobCommandRules
{
    public const string Rerun = "rerun";
    public const string Cancel = "cancel";
    public const string Approve = "approve";
    public const string Reject = "reject";
    public const string Reschedule = "reschedule";
    public const string Delete = "delete";
    public const string RespondToTrap = "trap";
    public const string PauseTrap = "pause";
    public const string ResumeTrap = "resume";

    public static IReadOnlyList<string> All { get; } =
        [Rerun, Cancel, Approve, Reject, Reschedule, Delete, RespondToTrap, PauseTrap, ResumeTrap];

    public static bool Allows(string command, DeploymentJobState job) => command switch
    {
        Cancel => job.CurrentState is JobStatus.Ready or JobStatus.Running or JobStatus.WaitingForApproval
            or JobStatus.Trapped or JobStatus.TrapPaused,
        Delete => job.CurrentState is not (JobStatus.Running or JobStatus.Rollback),
        // Ready counts only before RUN started: in PRE, or waiting at the RUN gate.
        Reschedule => job.CurrentState is JobStatus.Expired or JobStatus.WaitingForApproval
            || (job.CurrentState is JobStatus.Ready && job.Step is JobStep.Pre or JobStep.Run),
        Rerun => job.CurrentState is not (JobStatus.Running or JobStatus.Rollback or JobStatus.Trapped or JobStatus.TrapPaused),
        Approve or Reject => job.CurrentState is JobStatus.WaitingForApproval,
        RespondToTrap => job.CurrentState is JobStatus.Trapped or JobStatus.TrapPaused,
        PauseTrap => job.CurrentState is JobStatus.Trapped,
        ResumeTrap => job.CurrentState is JobStatus.TrapPaused,
        _ => false,
    };

    public static IReadOnlyList<string> AllowedFor(DeploymentJobState job) => All.Where(c => Allows(c, job)).ToList();
}
