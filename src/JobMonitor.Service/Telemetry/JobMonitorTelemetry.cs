using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace JobMonitor.Service.Telemetry;

/// <summary>The service's own trace source and meter, and the instruments recorded on them.</summary>
public static class JobMonitorTelemetry
{
    public const string Name = "JobMonitor";

    public static readonly ActivitySource Source = new(Name);

    static readonly Meter Meter = new(Name);

    /// <summary>How long after its scheduled date a RUN step was claimed by a worker.</summary>
    public static readonly Histogram<double> RunLateness = Meter.CreateHistogram<double>(
        "jobmonitor.run.lateness", unit: "ms", description: "RUN start minus scheduledAt");

    /// <summary>Commands refused, by command and reason.</summary>
    public static readonly Counter<long> CommandsRejected = Meter.CreateCounter<long>(
        "jobmonitor.commands.rejected", description: "Commands refused, by command and reason code");

    /// <summary>Commands refused before they could be read as their contract (malformed JSON, unknown fields, wrong types, ids missing).</summary>
    public static readonly Counter<long> CommandsUnreadable = Meter.CreateCounter<long>(
        "jobmonitor.commands.unreadable", description: "Commands refused at the contract check, by command and reason code");

    /// <summary>Commands applied (or acknowledged again as duplicates), by command.</summary>
    public static readonly Counter<long> CommandsAccepted = Meter.CreateCounter<long>(
        "jobmonitor.commands.accepted", description: "Commands accepted, by command and duplicate");

    /// <summary>Worker time of one step run, by step and outcome.</summary>
    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>(
        "jobmonitor.step.duration", unit: "s", description: "Duration of a step run on its worker, by step and outcome");

    /// <summary>Time of one op, by step, kind and outcome.</summary>
    public static readonly Histogram<double> OpDuration = Meter.CreateHistogram<double>(
        "jobmonitor.op.duration", unit: "s", description: "Duration of an op, by step, kind and outcome");

    /// <summary>Jobs whose worker vanished mid-step.</summary>
    public static readonly Counter<long> Abends = Meter.CreateCounter<long>(
        "jobmonitor.jobs.abended", description: "Jobs moved to Abend because their worker stopped heartbeating");

    /// <summary>Jobs whose overdue move the reconciler made again, by kind.</summary>
    public static readonly Counter<long> JobsRecovered = Meter.CreateCounter<long>(
        "jobmonitor.jobs.recovered", description: "Jobs re-driven by the reconciler (step dispatch, step result, RUN gate, max start), by kind");

    /// <summary>Outbox rows published with a confirm, tagged by path: by their committing transaction, or by the relay.</summary>
    public static readonly Counter<long> OutboxDelivered = Meter.CreateCounter<long>(
        "jobmonitor.outbox.delivered", description: "Outbox messages published with confirms, by the committing transaction (path=commit) or the relay (path=relay)");

    /// <summary>Relay rounds that failed (broker or database away); the rows stay and are sent later.</summary>
    public static readonly Counter<long> OutboxFailures = Meter.CreateCounter<long>(
        "jobmonitor.outbox.failures", description: "Relay rounds that failed and backed off");

    /// <summary>Redeliveries of a message already applied, acknowledged without effect.</summary>
    public static readonly Counter<long> InboxDuplicates = Meter.CreateCounter<long>(
        "jobmonitor.inbox.duplicates", description: "Messages already applied, acknowledged again without effect, by consumer");

    /// <summary>Messages put back on their queue after a transient failure outlasted the immediate retries.</summary>
    public static readonly Counter<long> MessagesRequeued = Meter.CreateCounter<long>(
        "jobmonitor.messages.requeued", description: "Messages returned to their queue after transient failures, by endpoint");

    /// <summary>Receive endpoints the watchdog restarted because their queue had lost its consumer.</summary>
    public static readonly Counter<long> EndpointsRestarted = Meter.CreateCounter<long>(
        "jobmonitor.endpoints.restarted", description: "Receive endpoints restarted because their queue had no consumer while the broker answered, by endpoint");

    /// <summary>Messages moved to an _error queue: they fail for a reason a retry cannot cure.</summary>
    public static readonly Counter<long> MessagesPoisoned = Meter.CreateCounter<long>(
        "jobmonitor.messages.poison", description: "Messages moved to an _error queue, by endpoint and message type");
}
