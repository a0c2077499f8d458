namespace JobMonitor.Service.Jobs;

/// <summary>
/// Which command a job accepts in which status and step (SPEC §4), for the monitor API to tell a caller which actions
/// it may take now. The saga declares the same per status (and asks this table only for the step of a reschedule in
/// Ready); JobCommandRulesSpecs holds the two together.
/// </summary>
public static class JobCommandRules
{
    public static IReadOnlyList<OperatorCommand> All { get; } = Enum.GetValues<OperatorCommand>();

    public static bool Allows(OperatorCommand command, JobStatus status, JobStep step) => command switch
    {
        OperatorCommand.Cancel => status is JobStatus.Ready or JobStatus.Running or JobStatus.WaitingForApproval or JobStatus.Trapped or JobStatus.TrapPaused,
        OperatorCommand.Delete => status is not (JobStatus.Running or JobStatus.Rollback),
        // Ready counts only before RUN started: in PRE, or waiting at the RUN gate.
        OperatorCommand.Reschedule => status is JobStatus.Expired or JobStatus.WaitingForApproval || (status is JobStatus.Ready && step is JobStep.Pre or JobStep.Run),
        OperatorCommand.Rerun => status is not (JobStatus.Running or JobStatus.Rollback or JobStatus.Trapped or JobStatus.TrapPaused),
        OperatorCommand.Approve or OperatorCommand.Reject => status is JobStatus.WaitingForApproval,
        OperatorCommand.RespondToTrap => status is JobStatus.Trapped or JobStatus.TrapPaused,
        OperatorCommand.PauseTrap => status is JobStatus.Trapped,
        OperatorCommand.ResumeTrap => status is JobStatus.TrapPaused,
        _ => false,
    };

    public static IReadOnlyList<OperatorCommand> AllowedFor(JobStatus status, JobStep step) => All.Where(c => Allows(c, status, step)).ToList();
}
