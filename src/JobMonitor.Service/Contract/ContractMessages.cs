using JobMonitor.Contracts;
using MassTransit;

namespace JobMonitor.Service.Contract;

/// <summary>A message of the wire contract, and whether the service receives it (a command, an agent's answer) or sends it.</summary>
public sealed record ContractMessage(Type Type, bool Received)
{
    /// <summary>MassTransit's name of the type: the <c>messageType</c> of its envelope.</summary>
    public string Urn => MessageUrn.ForTypeString(Type);

    /// <summary>
    /// Where it travels: the fanout exchange MassTransit names after the type, or for an agent request the exchange
    /// (and queue) named by the dispatch op's <c>params.queue</c>.
    /// </summary>
    public string Address => Type == typeof(AgentOpRequested) ? "{queue}" : Urn["urn:message:".Length..];
}

/// <summary>Every message upstream systems, consumers of events and agents exchange with the service.</summary>
public static class ContractMessages
{
    public static IReadOnlyList<ContractMessage> All { get; } =
    [
        new(typeof(CreateJob), Received: true),
        new(typeof(ApproveJob), Received: true),
        new(typeof(RejectJob), Received: true),
        new(typeof(RescheduleJob), Received: true),
        new(typeof(RerunJob), Received: true),
        new(typeof(CancelJob), Received: true),
        new(typeof(DeleteJob), Received: true),
        new(typeof(RespondToTrap), Received: true),
        new(typeof(PauseTrap), Received: true),
        new(typeof(ResumeTrap), Received: true),
        new(typeof(JobCreated), Received: false),
        new(typeof(JobStatusChanged), Received: false),
        new(typeof(JobStepStarted), Received: false),
        new(typeof(JobStepFinished), Received: false),
        new(typeof(JobOpFinished), Received: false),
        new(typeof(JobCommandAccepted), Received: false),
        new(typeof(JobCommandRejected), Received: false),
        new(typeof(AgentOpRequested), Received: false),
        new(typeof(AgentOpLogged), Received: true),
        new(typeof(AgentOpCompleted), Received: true),
    ];
}
