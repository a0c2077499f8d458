using JobMonitor.Service.Execution;

namespace JobMonitor.Service.Jobs;

/// <summary>
/// Ops finished ÷ ops planned in the current execution (from the step it started at). Loops are not unrolled and an
/// op retried after a trap counts once.
/// </summary>
public static class JobProgress
{
    static readonly JobStep[] Counted = [JobStep.Pre, JobStep.Run, JobStep.Post];

    public static double Of(DeploymentJobState job)
    {
        var steps = Counted.Where(s => s >= job.ExecStartStep).ToList();
        var planned = steps.Sum(s => job.Pipeline.OpsOf(s).Count);
        if (planned == 0)
            return 1;
        var finished = job.Steps
            .Where(s => s.Exec == job.Exec && steps.Contains(s.Step))
            .SelectMany(s => s.Ops.Where(o => o.EndedAt is not null && o.Outcome != OpOutcome.Trapped).Select(o => (s.Step, o.Index)))
            .Distinct()
            .Count();
        return Math.Min(1, (double)finished / planned);
    }
}
