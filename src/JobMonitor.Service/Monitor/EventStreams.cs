using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JobMonitor.Service.Monitor;

/// <summary>Server-sent event responses that answer at once, not at their first event.</summary>
public static class EventStreams
{
    /// <summary>
    /// The stream of <paramref name="events" /> as a response whose headers are sent before the first event: a client
    /// (EventSource, curl) learns at once that it is connected, even when nothing happens for a while.
    /// </summary>
    public static ServerSentEventsResult<T> Open<T>(HttpResponse response, IAsyncEnumerable<SseItem<T>> events) =>
        TypedResults.ServerSentEvents(Started(response, events, response.HttpContext.RequestAborted));

    static async IAsyncEnumerable<SseItem<T>> Started<T>(
        HttpResponse response, IAsyncEnumerable<SseItem<T>> events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Runs when the result starts enumerating, after it has set the content type. A flush, not StartAsync: on the
        // test server a response started without a body write never delivered its later events.
        await response.Body.FlushAsync(cancellationToken);
        await foreach (var item in events.WithCancellation(cancellationToken))
            yield return item;
    }
}
