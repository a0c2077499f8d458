using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Monitor;

public sealed record ApprovalView(int Exec, string User, string Decision, string? Comment, DateTimeOffset At)
{
    public static ApprovalView From(ApprovalRecord approval) =>
        new(approval.Exec, approval.User, approval.Decision, approval.Comment, approval.At);
}

public sealed record AuditView(DateTimeOffset At, string User, string Action, string? Comment, string FromStatus, string ToStatus)
{
    public static AuditView From(AuditEntry entry) =>
        new(entry.At, entry.User, entry.Action, entry.Comment, entry.FromStatus, entry.ToStatus);
}
