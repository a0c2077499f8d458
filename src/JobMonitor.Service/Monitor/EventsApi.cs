using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using JobMonitor.Service.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JobMonitor.Service.Monitor;

/// <summary>
/// <c>GET /api/events</c>: server-sent events of job changes — <c>event: job</c> with the job's list item,
/// <c>event: deleted</c> with its id — for the jobs the caller may see, until the client goes.
/// </summary>
public static class EventsApi
{
    public static void MapEventsApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/events", Subscribe).WithTags("Events");

    public static ServerSentEventsResult<object> Subscribe(HttpContext http, JobEventHub hub) =>
        EventStreams.Open(http.Response, ReadAsync(hub, http.Caller(), http.RequestAborted));

    static async IAsyncEnumerable<SseItem<object>> ReadAsync(
        JobEventHub hub, Caller caller, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = hub.Subscribe(caller);
        await foreach (var item in subscription.ReadAllAsync(cancellationToken))
            yield return item;
    }
}
