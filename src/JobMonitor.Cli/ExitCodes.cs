namespace JobMonitor.Cli;

/// <summary>
/// What the process exit code says, for a pipeline to branch on: one code per final status of a job, and one per
/// kind of failure. 1 stays for the unexpected (a crash), as the runtime and System.CommandLine use it.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 2;
    public const int Auth = 3;
    public const int Connection = 4;
    public const int NotFound = 5;
    public const int Error = 10;
    public const int Expired = 11;
    public const int Rejected = 12;
    public const int Canceled = 13;
    public const int Abend = 14;
    public const int TimedOut = 20;
    public const int Refused = 21;

    /// <summary>The statuses a job rests in until a person acts again, with their codes; Finished is the one success.</summary>
    static readonly Dictionary<string, int> FinalStatuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Finished"] = Ok,
        ["Error"] = Error,
        ["Expired"] = Expired,
        ["Rejected"] = Rejected,
        ["Canceled"] = Canceled,
        ["Abend"] = Abend,
    };

    public static bool IsFinal(string status, out int code) => FinalStatuses.TryGetValue(status, out code);

    /// <summary>The table of <c>--help</c> (the README has the same).</summary>
    public const string Help = """
        Exit codes:
          0   the job Finished; any other command succeeded
          10  the job ended in Error          11  Expired       12  Rejected
          13  Canceled                        14  Abend
          20  --timeout passed before the job reached a final status
          21  the service refused the command (create or action: invalid, not allowed now, stale version)
          2   usage: unknown command or option, unreadable job file
          3   no API key, or the key was refused (401) or lacks the permission (403)
          4   the service cannot be reached or failed (5xx)
          5   no such job (or outside your scopes)
          1   unexpected failure
        """;
}
