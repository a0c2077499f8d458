using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Execution.Ops;

/// <summary>Asks for approval; the waiting itself is the saga's (the job waits for approval after PRE).</summary>
public sealed class ApprovalOpKind : IOpKind
{
    public OpKind Kind => OpKind.Approval;

    public Task RunAsync(OpExecution op, CancellationToken cancellationToken)
    {
        var approvers = op.Op.Params.Approvers ?? [];
        op.Log.Write(JobLogLevel.Info, $"approval requested from {(approvers.Count == 0 ? "nobody named" : string.Join(", ", approvers))}");
        return Task.CompletedTask;
    }
}
