namespace JobMonitor.Service.Jobs;

/// <summary>Ops finished ÷ ops planned in the current execution. Loops are not unrolled: an op counts once.</summary>
public static class JobProgress
{
    public static double Of(DeploymentJobState job)
    {
        var planned = job.Pipeline.Pre.Count + job.Pipeline.Run.Count + job.Pipeline.Post.Count;
        if (planned == 0)
            return 1;
        var finished = job.Steps
            .Where(s => s.Exec == job.Exec && s.Step is JobStep.Pre or JobStep.Run or JobStep.Post)
            .Sum(s => s.Ops.Count(o => o.EndedAt is not null));
        return Math.Min(1, (double)finished / planned);
    }
}
