using System.Collections.Concurrent;
using System.Net;
using System.Net.ServerSentEvents;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Actions;

/// <summary>An open server-sent events response; every event received is kept for the test to look through.</summary>
public sealed class SseStream : IAsyncDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly ConcurrentQueue<SseItem<string>> _received = new();
    readonly HttpResponseMessage _response;
    readonly Task _reading;

    SseStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reading = ReadAsync(body);
    }

    public static async Task<SseStream> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
            request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseStream(response, await response.Content.ReadAsStreamAsync());
    }

    public IReadOnlyList<SseItem<string>> Received => _received.ToList();

    /// <summary>Waits for an event matching <paramref name="match" />; returns the first one.</summary>
    public async Task<SseItem<string>> WaitForAsync(Func<SseItem<string>, bool> match, string what)
    {
        await ServiceHostFixture.WaitUntilAsync(() => Task.FromResult(_received.Any(match)), TimeSpan.FromSeconds(20), what);
        return _received.First(match);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    async Task ReadAsync(Stream body)
    {
        await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
            _received.Enqueue(item);
    }
}
