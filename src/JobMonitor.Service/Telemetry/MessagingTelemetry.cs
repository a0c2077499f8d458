using System.Diagnostics.Metrics;

namespace JobMonitor.Service.Telemetry;

/// <summary>Instruments of the outbox, the inbox and the retries (on the service's meter, <see cref="JobMonitorTelemetry.Name" />).</summary>
public static class MessagingTelemetry
{
    static readonly Meter Meter = new(JobMonitorTelemetry.Name);

    /// <summary>Outbox rows the relay published and deleted.</summary>
    public static readonly Counter<long> OutboxDelivered = Meter.CreateCounter<long>(
        "jobmonitor.outbox.delivered", description: "Outbox messages published (with confirms) and deleted by the relay");

    /// <summary>Relay rounds that failed (broker or database away); the rows stay and are sent later.</summary>
    public static readonly Counter<long> OutboxFailures = Meter.CreateCounter<long>(
        "jobmonitor.outbox.failures", description: "Relay rounds that failed and backed off");

    /// <summary>Redeliveries of a message already applied, acknowledged without effect.</summary>
    public static readonly Counter<long> InboxDuplicates = Meter.CreateCounter<long>(
        "jobmonitor.inbox.duplicates", description: "Messages already applied, acknowledged again without effect, by consumer");

    /// <summary>Messages put back on their queue after a transient failure outlasted the immediate retries.</summary>
    public static readonly Counter<long> MessagesRequeued = Meter.CreateCounter<long>(
        "jobmonitor.messages.requeued", description: "Messages returned to their queue after transient failures, by endpoint");

    /// <summary>Messages moved to an _error queue: they fail for a reason a retry cannot cure.</summary>
    public static readonly Counter<long> MessagesPoisoned = Meter.CreateCounter<long>(
        "jobmonitor.messages.poison", description: "Messages moved to an _error queue, by endpoint and message type");
}
