namespace JobMonitor.Bench;

/// <summary>
/// What the floor's work becomes with the contract's events, through MassTransit, and both: each against the raw
/// floor run again around them (before and after, in the same conditions), the highest ratio an engine with that much
/// of the stack and the contract could reach on this machine before any saga, inbox or outbox of its own.
/// </summary>
public sealed record Ceilings(Floor.Result RawBefore, Floor.Result RawAfter, Floor.Result RawWithEvents,
    Floor.Result MassTransit, Floor.Result MassTransitWithEvents)
{
    public static async Task<Ceilings> RunAsync(FloorWork work, Uri rabbitMq, RawPublisher publisher)
    {
        const int events = Floor.ContractEventsPerJob;
        Console.WriteLine($"ceilings: the floor again, through MassTransit, with {events} events per job, both, the floor again...");
        var rawBefore = await Floor.RunAsync(work, publisher, 0);
        var massTransit = await MassTransitFloor.RunAsync(work, rabbitMq, 0);
        var rawWithEvents = await Floor.RunAsync(work, publisher, events);
        var massTransitWithEvents = await MassTransitFloor.RunAsync(work, rabbitMq, events);
        var rawAfter = await Floor.RunAsync(work, publisher, 0);
        return new Ceilings(rawBefore, rawAfter, rawWithEvents, massTransit, massTransitWithEvents);
    }

    /// <summary>The floor the ceilings are judged against: the mean of its runs before and after them.</summary>
    public double FloorMessagesPerSecond => (RawBefore.MessagesPerSecond + RawAfter.MessagesPerSecond) / 2;

    public IEnumerable<(string Name, string What, double MessagesPerSecond, double OfFloor)> Rows =>
        new[]
        {
            ("massTransit", "MassTransit + Npgsql, no event", MassTransit),
            ("rawWithEvents", $"RabbitMQ.Client + Npgsql, {Floor.ContractEventsPerJob} events per job", RawWithEvents),
            ("massTransitWithEvents", $"MassTransit + Npgsql, {Floor.ContractEventsPerJob} events per job", MassTransitWithEvents),
        }.Select(c => (c.Item1, c.Item2, c.Item3.MessagesPerSecond, c.Item3.MessagesPerSecond / FloorMessagesPerSecond));
}
