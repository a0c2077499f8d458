using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace JobMonitor.Cli;

/// <summary>
/// The service's HTTP API with the caller's key. Every failure becomes a <see cref="CliException" /> with the exit
/// code of its kind: 401/403 auth, 404 not found, 400/409 refused, unreachable or 5xx connection.
/// </summary>
public sealed class ApiClient(CliSettings settings) : IDisposable
{
    // Streams (a log follow) stay open as long as they are read; one plain request gets this long.
    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    readonly HttpClient _http = new() { BaseAddress = settings.Url, Timeout = Timeout.InfiniteTimeSpan };

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonElement> PostAsync(string path, string? json, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>A server-sent event stream (<c>Accept: text/event-stream</c>), read until the caller stops.</summary>
    public async Task<Stream> OpenEventStreamAsync(string path, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, path, null);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await CallAsync(() => _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
                throw await FailureAsync(response, cancellationToken);
        }
        return await response.Content.ReadAsStreamAsync(cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var request = Request(method, path, content);
        using var response = await CallAsync(() => _http.SendAsync(request, timeout.Token), cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative)) { Content = content };
        request.Headers.Add("X-Api-Key", settings.ApiKey);
        return request;
    }

    async Task<HttpResponseMessage> CallAsync(Func<Task<HttpResponseMessage>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException e)
        {
            throw new CliException(ExitCodes.Connection, $"Cannot reach {settings.Url}: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Connection, $"{settings.Url} did not answer within {RequestTimeout.TotalSeconds:0} s.");
        }
    }

    static async Task<CliException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var problem = Problem.Describe(await response.Content.ReadAsStringAsync(cancellationToken));
        var status = (int)response.StatusCode;
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new CliException(ExitCodes.Auth, "The API key was refused (401): check JOBMONITOR_API_KEY."),
            HttpStatusCode.Forbidden => new CliException(ExitCodes.Auth, $"Forbidden (403): {problem}"),
            HttpStatusCode.NotFound => new CliException(ExitCodes.NotFound, $"Not found (404): {problem}"),
            HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.RequestEntityTooLarge =>
                new CliException(ExitCodes.Refused, $"Refused ({status}): {problem}"),
            _ => new CliException(ExitCodes.Connection, $"The service failed ({status}): {problem}"),
        };
    }
}
