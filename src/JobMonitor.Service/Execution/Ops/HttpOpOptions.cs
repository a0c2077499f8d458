namespace JobMonitor.Service.Execution.Ops;

/// <summary>Section <c>Execution:Http</c>: where http ops may go.</summary>
public sealed class HttpOpOptions
{
    public const string Section = "Execution:Http";

    /// <summary>The named client of <see cref="System.Net.Http.IHttpClientFactory"/> that http ops use.</summary>
    public const string ClientName = "JobMonitor.HttpOp";

    /// <summary>Absolute http(s) base URLs; an op's URL must lie under one of them. Empty: every http op fails.</summary>
    public List<string> AllowedBaseUrls { get; set; } = [];

    /// <summary>Base URLs that only jobs of some scopes may call (e.g. a PROD-only deployment API).</summary>
    public List<ScopedBaseUrl> ScopedBaseUrls { get; set; } = [];

    /// <summary>Time-out of an http op that sets none.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most bytes of a response body read (for the log excerpt of an unexpected answer).</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;
}

public sealed class ScopedBaseUrl
{
    public string Url { get; set; } = "";

    /// <summary><c>project/environment</c> patterns of the jobs that may call under <see cref="Url"/>.</summary>
    public List<string> Scopes { get; set; } = [];
}
