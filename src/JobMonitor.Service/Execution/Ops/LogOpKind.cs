using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Execution.Ops;

public sealed class LogOpKind : IOpKind
{
    public OpKind Kind => OpKind.Log;

    public Task RunAsync(OpExecution op, CancellationToken cancellationToken)
    {
        var level = LogLevels.Parse(op.Op.Params.Level)
            ?? throw new OpFailedException($"log level '{op.Op.Params.Level}' is not one of debug, info, warn, error");
        op.Log.Write(level, op.Op.Params.Message ?? "");
        return Task.CompletedTask;
    }
}
