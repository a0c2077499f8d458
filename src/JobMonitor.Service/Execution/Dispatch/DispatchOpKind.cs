using JobMonitor.Contracts;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Security;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution.Dispatch;

/// <summary>
/// Hands the op to an external agent over its queue and waits for the agent's <see cref="AgentOpCompleted"/>; the
/// agent's <see cref="AgentOpLogged"/> lines go to the job log meanwhile. Cancel or time-out only stop the waiting.
/// </summary>
public sealed class DispatchOpKind(IBus bus, PendingDispatches pending, TimeProvider time, IOptions<DispatchOptions> options) : IOpKind
{
    public OpKind Kind => OpKind.Dispatch;

    public async Task RunAsync(OpExecution op, CancellationToken cancellationToken)
    {
        var queue = op.Op.Params.Queue;
        if (string.IsNullOrWhiteSpace(queue) || !Uri.TryCreate($"queue:{queue}", UriKind.Absolute, out var address))
            throw new OpFailedException($"dispatch op names no usable agent queue (params.queue '{queue}')");
        if (options.Value.QueueScopes.TryGetValue(queue, out var scopes) && !ScopeList.Parse(scopes).Covers(op.Labels.Project, op.Labels.Environment))
            throw new OpFailedException($"agent queue {queue} is not allowed for jobs of {op.Labels.Project}/{op.Labels.Environment} (Execution:Dispatch:QueueScopes)");
        var timeout = op.Op.Duration ?? options.Value.DefaultTimeout;
        var deadline = time.GetUtcNow() + timeout;

        using var waiter = pending.Register(op.StepRunId, op.Index, op.Log);
        var endpoint = await bus.GetSendEndpoint(address);
        await endpoint.Send(new AgentOpRequested
        {
            JobId = op.JobId,
            JobKey = op.JobKey,
            StepRunId = op.StepRunId,
            OpIndex = op.Index,
            OpName = op.Op.Name,
            Step = op.Step.Wire(),
            Payload = op.Op.Params.Payload,
            Deadline = deadline,
        }, context => context.TimeToLive = timeout, cancellationToken);
        op.Log.Write(JobLogLevel.Info, $"dispatched to agent queue {queue}; waiting until {deadline:O}");

        AgentOpCompleted completed;
        try
        {
            completed = await waiter.Completion.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new OpFailedException($"the agent on queue {queue} did not complete the op within {timeout}");
        }
        if (!completed.Succeeded)
            throw new OpFailedException($"the agent on queue {queue} failed the op: {completed.Error ?? "no reason given"}");
    }
}
