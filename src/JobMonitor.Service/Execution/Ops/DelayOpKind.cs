using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Execution.Ops;

public sealed class DelayOpKind(TimeProvider time) : IOpKind
{
    public OpKind Kind => OpKind.Delay;

    public async Task RunAsync(OpExecution op, CancellationToken cancellationToken)
    {
        var duration = op.Op.Duration ?? throw new OpFailedException("delay op has no duration");
        await Task.Delay(duration, time, cancellationToken);
    }
}
