namespace JobMonitor.Service.Execution;

public sealed class ExecutionOptions
{
    public const string Section = "Execution";

    /// <summary>Who runs step runs here; recorded with claims, heartbeats and ops.</summary>
    public string WorkerName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Step runs this instance runs at once; it claims no more than that.</summary>
    public int MaxConcurrentSteps { get; set; } = 64;

    /// <summary>How often a running step renews its lease (see Execution:Abend:Threshold for when it expires).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a step runs before its worker tells the saga it started. A step that ends sooner sends only its result,
    /// which carries its start: one saga transition instead of two. Zero: the start is told at once.
    /// </summary>
    public TimeSpan StartReportDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>On shutdown, how long running steps may go on to their end before their leases are released.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Time-out of a script op when neither the op nor the script's configuration sets one.</summary>
    public TimeSpan DefaultScriptTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest script output line kept in the job log; the rest of the line is dropped as it is read.</summary>
    public int MaxOutputLineLength { get; set; } = 4_000;

    /// <summary>
    /// Characters of output (script lines, agent lines) one step run may write to the job log, all its ops together;
    /// past it, one "truncated" line and no more.
    /// </summary>
    public int MaxOutputPerStep { get; set; } = 1_000_000;

    /// <summary>The only scripts a script op may run, by name.</summary>
    public Dictionary<string, ScriptOptions> Scripts { get; set; } = [];

    /// <summary>The variables every script starts with; nothing of the service's own environment is passed on.</summary>
    public ScriptBaseEnvironment ScriptBase { get; set; } = new();
}

public sealed class ScriptBaseEnvironment
{
    public string Path { get; set; } = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    public string Home { get; set; } = System.Environment.GetEnvironmentVariable("HOME") ?? "/";
    public string Lang { get; set; } = "C.UTF-8";
}

public sealed class ScriptOptions
{
    /// <summary>The executable: the script itself, or an interpreter named with <see cref="Arguments"/>.</summary>
    public string Path { get; set; } = "";

    /// <summary>Arguments placed before the op's own, e.g. the script file when Path is an interpreter.</summary>
    public List<string> Arguments { get; set; } = [];

    public string? WorkingDirectory { get; set; }
    public TimeSpan? Timeout { get; set; }

    /// <summary>Variables the configuration gives this script (never the service's own environment).</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    /// <summary>Names of the job <c>env</c> variables this script accepts; <c>PREFIX_*</c> accepts a prefix.</summary>
    public List<string> AllowedEnv { get; set; } = [];

    /// <summary><c>project/environment</c> patterns of the jobs that may run this script; empty: every job.</summary>
    public List<string> Scopes { get; set; } = [];
}
