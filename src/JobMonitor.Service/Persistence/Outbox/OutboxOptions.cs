using System.ComponentModel.DataAnnotations;

namespace JobMonitor.Service.Persistence.Outbox;

/// <summary>The relay and the inbox (configuration section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>Rows one relay round claims and publishes.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>How often the relay looks without being notified (LISTEN/NOTIFY wakes it at once otherwise).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one publish may wait for the broker's confirm before the round backs off.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest pause between relay rounds while the broker or the database is away.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the relay leaves alone the rows that their transaction sends itself right after its commit
    /// (<see cref="OutboxDelivery" />): the relay takes them after this only when the process died before it sent them.
    /// Zero sends every row through the relay.
    /// </summary>
    public TimeSpan CommitSendHold { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an applied message's id is kept to recognise its redelivery.</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often older inbox rows are deleted.</summary>
    public TimeSpan InboxSweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}
