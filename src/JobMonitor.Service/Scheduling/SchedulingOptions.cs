namespace JobMonitor.Service.Scheduling;

/// <summary>Hangfire and trigger timing, section <c>Scheduling</c>.</summary>
public sealed class SchedulingOptions
{
    public const string Section = "Scheduling";

    /// <summary>Hangfire queue the trigger jobs run on.</summary>
    public const string TriggerQueue = "triggers";

    /// <summary>
    /// Hangfire worker threads. A trigger's Hangfire job runs after its instant (<see cref="FallbackDelay"/>) and holds a
    /// worker only while it checks whether the trigger clock fired it: a few workers are plenty.
    /// </summary>
    public int WorkerCount { get; set; } = 10;

    /// <summary>How often Hangfire moves due delayed jobs to their queue (Hangfire's default, 15 s, is far too coarse).</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Fallback queue poll of each idle worker; the instance that enqueues a due trigger wakes its own workers at once.
    /// Every idle worker polls, so a short interval costs the database (100 workers at 500 ms: 200 queries/s).
    /// </summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Hangfire NOTIFY/LISTEN so that a job enqueued by another instance is fetched at once. Off by default: it holds
    /// a connection per idle worker (about 95 for 40 workers, measured), and the lead time already covers a queue
    /// poll; an instance wakes its own workers in-process.
    /// </summary>
    public bool LongPolling { get; set; }

    /// <summary>How far ahead the trigger clock takes triggers in hand (and waits for them on a timer).</summary>
    public TimeSpan LeadTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often every instance's trigger clock looks for the triggers due within <see cref="LeadTime"/>.</summary>
    public TimeSpan ClockPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A trigger taken by a firer that has not recorded it as fired after this may be taken by another (the first one
    /// died before it published).
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long after its instant a trigger's Hangfire job is due: it fires the trigger only if no trigger clock did
    /// (every instance's clock stopped, say).
    /// </summary>
    public TimeSpan FallbackDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The coarse sleep ends this long before the instant; the rest is waited on the clock.</summary>
    public TimeSpan FineWait { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>PostgreSQL schema of Hangfire's tables; instances that share one Hangfire storage use the same one.</summary>
    public string Schema { get; set; } = "hangfire";

    /// <summary>
    /// When a trigger fetched by an instance that died is handed to another. A trigger is idempotent (token and saga
    /// re-check), so a trigger run twice is harmless; one held by a dead instance for Hangfire's default 30 min is not.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Margin over the clock's polling interval for reading a trigger and starting its timer.</summary>
    internal static readonly TimeSpan StartMargin = TimeSpan.FromMilliseconds(500);

    internal bool HasWorkableLead => LeadTime >= ClockPollInterval + StartMargin && LeadTime > FineWait;
}
