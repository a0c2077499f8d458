using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Threading.Channels;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;

namespace JobMonitor.Service.Monitor;

/// <summary>The data of an <c>event: deleted</c>.</summary>
public sealed record DeletedJob(Guid Id);

/// <summary>
/// Fans the job changes this instance hears out to its <c>/api/events</c> subscribers, each through a bounded
/// channel: a subscriber that does not keep up is dropped (its stream ends, the client reconnects), so one slow client
/// costs neither memory nor the others' events.
/// </summary>
public sealed class JobEventHub(JobReadStore jobs, CommandStatusStore statuses, ILogger<JobEventHub> logger)
{
    const int SubscriberCapacity = 256;

    // Scopes of jobs seen changing, so that a deletion (the row is gone by then) goes only to those who saw the job.
    const int RememberedScopes = 10_000;

    readonly ConcurrentDictionary<Subscription, byte> _subscribers = new();
    readonly ConcurrentDictionary<Guid, (string Project, string Environment)> _scopes = new();

    public Subscription Subscribe(Caller caller)
    {
        var subscription = new Subscription(this, caller);
        _subscribers[subscription] = 0;
        return subscription;
    }

    public async Task JobChangedAsync(Guid jobId, CancellationToken cancellationToken)
    {
        if (_subscribers.IsEmpty)
            return;
        var job = await jobs.GetAsync(jobId, cancellationToken);
        if (job is null)
            return;
        if (_scopes.Count >= RememberedScopes)
            _scopes.Clear();
        _scopes[jobId] = (job.Project, job.Environment);
        var summary = SummaryOf(job);
        // Per subscriber: the item carries the actions that subscriber may take.
        Fan(job.Project, job.Environment, caller => new SseItem<object>(JobListItem.From(summary, caller), "job"));
    }

    public async Task JobDeletedAsync(Guid jobId, CancellationToken cancellationToken)
    {
        if (_subscribers.IsEmpty)
            return;
        var scope = _scopes.TryRemove(jobId, out var seen) ? seen : await statuses.ScopeOfJobAsync(jobId, cancellationToken);
        if (scope is not { } known)
        {
            logger.LogDebug("Job {JobId} deleted; its scope is unknown here, so no subscriber is told", jobId);
            return;
        }
        var deleted = new SseItem<object>(new DeletedJob(jobId), "deleted");
        Fan(known.Project, known.Environment, _ => deleted);
    }

    void Fan(string project, string environment, Func<Caller, SseItem<object>> itemFor)
    {
        foreach (var subscription in _subscribers.Keys)
        {
            if (subscription.Caller.CanSee(project, environment) && !subscription.Offer(itemFor(subscription.Caller)))
            {
                logger.LogWarning("Events subscriber {User} fell {Capacity} events behind and was dropped", subscription.Caller.Name, SubscriberCapacity);
                subscription.Dispose();
            }
        }
    }

    static JobSummary SummaryOf(DeploymentJobState job) => new()
    {
        Id = job.CorrelationId,
        Key = job.Key,
        Name = job.Name,
        Project = job.Project,
        Environment = job.Environment,
        Type = job.Type,
        Status = job.Status(),
        Step = job.Step,
        Progress = job.Progress,
        ScheduledAt = job.ScheduledAt,
        MaxStartAt = job.MaxStartAt,
        StartedAt = job.StartedAt,
        EndedAt = job.EndedAt,
        CreatedAt = job.CreatedAt,
        Natures = job.Natures ?? [],
        Owner = job.Owner,
        Approvers = JobAccess.ApproversOf(job).ToList(),
    };

    /// <summary>One <c>/api/events</c> client. Disposing it ends its stream.</summary>
    public sealed class Subscription(JobEventHub hub, Caller caller) : IDisposable
    {
        readonly Channel<SseItem<object>> _events = Channel.CreateBounded<SseItem<object>>(
            new BoundedChannelOptions(SubscriberCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

        public Caller Caller { get; } = caller;

        public IAsyncEnumerable<SseItem<object>> ReadAllAsync(CancellationToken cancellationToken) =>
            _events.Reader.ReadAllAsync(cancellationToken);

        internal bool Offer(SseItem<object> item) => _events.Writer.TryWrite(item);

        public void Dispose()
        {
            hub._subscribers.TryRemove(this, out _);
            _events.Writer.TryComplete();
        }
    }
}
