namespace JobMonitor.Service.Execution.Ops;

/// <summary>
/// Request headers a job may not set: <c>Host</c> would reach another virtual host behind an allowed base URL, and
/// hop-by-hop and framing headers belong to the connection, not to the job.
/// </summary>
public static class HttpOpHeaders
{
    static readonly HashSet<string> Forbidden = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE",
        "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Expect",
    };

    public static bool IsForbidden(string name) => Forbidden.Contains(name.Trim());
}
