namespace JobMonitor.Service.Execution.Ops;

/// <summary>Section <c>Execution:Http</c>: where http ops may go.</summary>
public sealed class HttpOpOptions
{
    public const string Section = "Execution:Http";

    /// <summary>The named client of <see cref="System.Net.Http.IHttpClientFactory"/> that http ops use.</summary>
    public const string ClientName = "JobMonitor.HttpOp";

    /// <summary>Absolute http(s) base URLs; an op's URL must lie under one of them. Empty: every http op fails.</summary>
    public List<string> AllowedBaseUrls { get; set; } = [];

    /// <summary>Time-out of an http op that sets none.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
