using MassTransit;

namespace JobMonitor.Service.Jobs;

/// <summary>A move the job saga's step logic may make: on <see cref="Message" />, from one of <see cref="From" /> to one of <see cref="To" />.</summary>
public sealed record StepLogicMove(Event Message, IReadOnlyList<State> From, IReadOnlyList<State> To, string Why)
{
    public bool Allows(Event message, string from, State to) =>
        message.Name == Message.Name && From.Any(s => s.Name == from) && To.Contains(to);
}
