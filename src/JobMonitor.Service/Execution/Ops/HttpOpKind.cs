using System.Net.Http.Headers;
using System.Text;
using JobMonitor.Service.Jobs;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Execution.Ops;

/// <summary>Calls a URL under the allow-list; fails on another status than expected, a transport error or the time-out.</summary>
public sealed class HttpOpKind(IHttpClientFactory clients, IOptions<HttpOpOptions> options) : IOpKind
{
    const int BodyExcerpt = 500;

    readonly UrlAllowList allowed = UrlAllowList.From(options.Value);

    public OpKind Kind => OpKind.Http;

    public async Task RunAsync(OpExecution op, CancellationToken cancellationToken)
    {
        var p = op.Op.Params;
        if (!Uri.TryCreate(p.Url, UriKind.Absolute, out var url))
            throw new OpFailedException($"http op has no absolute url (params.url '{p.Url}')");
        if (!allowed.Allows(url))
            throw new OpFailedException($"url {url} is not under an allowed base address (Execution:Http:AllowedBaseUrls)");
        if (!allowed.Allows(url, op.Labels.Project, op.Labels.Environment))
            throw new OpFailedException($"url {url} is not allowed for jobs of {op.Labels.Project}/{op.Labels.Environment} (Execution:Http:ScopedBaseUrls)");

        using var request = Request(url, op.Op, op.Log);
        var timeout = op.Op.Duration ?? options.Value.DefaultTimeout;
        op.Log.Write(JobLogLevel.Info, $"{request.Method} {url}");
        foreach (var header in p.Headers ?? new Dictionary<string, string>())
            op.Log.Write(JobLogLevel.Debug, $"{header.Key}: {(IsSecret(op.Op, header.Key) ? SecretMask.Mask : header.Value)}");

        using var timeoutSource = new CancellationTokenSource(timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            using var response = await clients.CreateClient(HttpOpOptions.ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
            var status = (int)response.StatusCode;
            op.Log.Write(JobLogLevel.Info, $"{status} {response.ReasonPhrase}");
            if (!IsExpected(status, p.ExpectedStatus))
            {
                var body = await ExcerptAsync(response, options.Value.MaxResponseBytes, stop.Token);
                if (body.Length > 0)
                    op.Log.Write(JobLogLevel.Warn, body);
                throw new OpFailedException($"{request.Method} {url} answered {status} where {Expected(p.ExpectedStatus)} was expected");
            }
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new OpFailedException($"{request.Method} {url} timed out after {timeout}");
        }
        catch (HttpRequestException e)
        {
            throw new OpFailedException($"{request.Method} {url} failed: {e.Message}");
        }
    }

    static HttpRequestMessage Request(Uri url, OpDefinition op, IOpLog log)
    {
        var p = op.Params;
        var method = string.IsNullOrWhiteSpace(p.Method) ? HttpMethod.Get : new HttpMethod(p.Method.Trim().ToUpperInvariant());
        var request = new HttpRequestMessage(method, url);
        if (p.Body is not null)
            request.Content = new StringContent(p.Body, Encoding.UTF8);
        foreach (var (name, value) in p.Headers ?? new Dictionary<string, string>())
        {
            if (HttpOpHeaders.IsForbidden(name))
                throw new OpFailedException($"header {name} may not be set by a job");
            if (request.Headers.TryAddWithoutValidation(name, value))
                continue;
            // Content headers (Content-Type…) describe the body; without one they describe nothing.
            if (request.Content is null)
            {
                log.Write(JobLogLevel.Warn, $"header {name} ignored: the request has no body");
                continue;
            }
            request.Content.Headers.Remove(name);
            if (!request.Content.Headers.TryAddWithoutValidation(name, value))
                throw new OpFailedException($"header {name} cannot be set");
        }
        return request;
    }

    static bool IsSecret(OpDefinition op, string header) =>
        op.Secret.Any(s => string.Equals(s, header, StringComparison.OrdinalIgnoreCase) || string.Equals(s, "headers", StringComparison.OrdinalIgnoreCase));

    static bool IsExpected(int status, int? expected) => expected is { } e ? status == e : status is >= 200 and < 300;

    static string Expected(int? expected) => expected?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "2xx";

    /// <summary>The head of the body, reading at most <paramref name="maxBytes"/>: a job cannot make the worker hold a huge answer.</summary>
    static async Task<string> ExcerptAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[Math.Max(maxBytes, 0)];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellationToken) is var n and > 0)
            read += n;
        var body = Encoding.UTF8.GetString(buffer, 0, read);
        return body.Length <= BodyExcerpt ? body : body[..BodyExcerpt] + "…";
    }
}
