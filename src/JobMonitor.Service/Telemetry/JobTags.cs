namespace JobMonitor.Service.Telemetry;

/// <summary>Attribute names on the service's spans and metrics.</summary>
public static class JobTags
{
    public const string Id = "job.id";
    public const string Key = "job.key";
    public const string Project = "job.project";
    public const string Environment = "job.environment";
    public const string Step = "job.step";
    public const string Exec = "job.exec";
    public const string OpName = "op.name";
    public const string OpKind = "op.kind";
    public const string Outcome = "outcome";
    public const string Command = "command";
    public const string Reason = "reason";
}
