using System.Collections.Concurrent;
using JobMonitor.Contracts;
using MassTransit;

namespace JobMonitor.IntegrationTests.Execution;

/// <summary>
/// An external agent on the queue <see cref="QueueName"/>. Its payload says what to do: <c>ok</c> and <c>fail</c>
/// stream two lines then complete so; <c>silent</c> never answers.
/// </summary>
public sealed class TestAgent(AgentRequests requests) : IConsumer<AgentOpRequested>
{
    public const string QueueName = "test-agent";

    public async Task Consume(ConsumeContext<AgentOpRequested> context)
    {
        var request = context.Message;
        requests.Received.Enqueue(request);
        if (request.Payload == "silent")
            return;
        await context.Publish(new AgentOpLogged { JobId = request.JobId, StepRunId = request.StepRunId, OpIndex = request.OpIndex, Text = $"agent line one for {request.OpName}" });
        await context.Publish(new AgentOpLogged { JobId = request.JobId, StepRunId = request.StepRunId, OpIndex = request.OpIndex, Level = "warn", Text = "agent line two" });
        // Another op's line: heard by every instance, written by none (nobody waits for op 99).
        await context.Publish(new AgentOpLogged { JobId = request.JobId, StepRunId = request.StepRunId, OpIndex = 99, Text = "not for this op" });
        var succeeded = request.Payload == "ok";
        await context.Publish(new AgentOpCompleted
        {
            JobId = request.JobId,
            StepRunId = request.StepRunId,
            OpIndex = request.OpIndex,
            Succeeded = succeeded,
            Error = succeeded ? null : "disk full on the agent",
        });
    }
}

public sealed class AgentRequests
{
    public ConcurrentQueue<AgentOpRequested> Received { get; } = new();
}
