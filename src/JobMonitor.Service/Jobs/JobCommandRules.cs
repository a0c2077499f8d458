namespace JobMonitor.Service.Jobs;

/// <summary>
/// Which command a job accepts in which status and step (SPEC §4), for the monitor API to tell a caller which actions
/// it may take now. The saga declares the same per status (and asks this table only for the step of a reschedule in
/// Ready); JobCommandRulesSpecs holds the two together.
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

    public static bool Allows(string command, string status, JobStep step) => command switch
    {
        Cancel => status is JobStatus.Ready or JobStatus.Running or JobStatus.WaitingForApproval or JobStatus.Trapped or JobStatus.TrapPaused,
        Delete => status is not (JobStatus.Running or JobStatus.Rollback),
        // Ready counts only before RUN started: in PRE, or waiting at the RUN gate.
        Reschedule => status is JobStatus.Expired or JobStatus.WaitingForApproval || (status is JobStatus.Ready && step is JobStep.Pre or JobStep.Run),
        Rerun => status is not (JobStatus.Running or JobStatus.Rollback or JobStatus.Trapped or JobStatus.TrapPaused),
        Approve or Reject => status is JobStatus.WaitingForApproval,
        RespondToTrap => status is JobStatus.Trapped or JobStatus.TrapPaused,
        PauseTrap => status is JobStatus.Trapped,
        ResumeTrap => status is JobStatus.TrapPaused,
        _ => false,
    };

    public static IReadOnlyList<string> AllowedFor(string status, JobStep step) => All.Where(c => Allows(c, status, step)).ToList();
}
