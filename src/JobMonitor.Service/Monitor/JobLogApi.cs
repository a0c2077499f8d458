using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;
using JobMonitor.Service.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Monitor;

/// <summary>A page of a job's log; <c>NextAfter</c> is the <c>after</c> of the next page, null when this one was the last.</summary>
public sealed record JobLogPage(IReadOnlyList<JobLogRecord> Lines, long? NextAfter);

public sealed record CommentRequest(string? Text);

/// <summary>A job's log: pages, a live follow (server-sent events) and comments by people.</summary>
public static class JobLogApi
{
    public const int MaxPage = 5000;
    const int DefaultPage = 500;
    const int FollowBatch = 500;
    const int MaxOpLength = 200;

    /// <summary>How often a live follow looks for new lines: one indexed query per follower per interval.</summary>
    static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(250);

    static readonly string[] Steps = Enum.GetValues<JobStep>().Select(s => s.Wire()).ToArray();

    public static void MapJobLogApi(this RouteGroupBuilder jobs)
    {
        var log = jobs.MapGroup("").WithTags("Log");
        log.MapPost("/{id}/log", CommentAsync)
            .Accepts<CommentRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        log.MapGet("/{id}/log/{seq:long}/attachment", AttachmentAsync)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The whole text of a line that was cut (<see cref="JobLogRecord.HasAttachment" />), as a text file.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> AttachmentAsync(
        JobRef id, long seq, HttpContext http, JobReadStore jobs, JobLogStore log)
    {
        var job = await jobs.GetVisibleAsync(id, http.Caller(), http.RequestAborted);
        if (job is null)
            return Problems.JobNotFound(id);
        var attachment = await log.ReadAttachmentAsync(job.CorrelationId, seq, http.RequestAborted);
        if (attachment is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Attachment not found",
                detail: $"Line {seq} of job {job.Key} has no attachment.");
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(attachment), "text/plain; charset=utf-8",
            $"{job.Key}-line-{seq}.txt");
    }

    /// <summary>
    /// JSON pages, or with <c>Accept: text/event-stream</c> every line from <paramref name="after" /> (or the
    /// <c>Last-Event-ID</c> a reconnecting client sends) on, then new lines as they are written, until the client goes.
    /// </summary>
    public static async Task<Results<Ok<JobLogPage>, ServerSentEventsResult<JobLogRecord>, ProblemHttpResult>> ReadAsync(
        HttpContext http, JobReadStore jobs, JobLogStore log, JobRef id, long? after, int? limit, int? exec, string? step,
        string? op, string? level)
    {
        var errors = new FieldErrors().MaxLength("op", op, MaxOpLength);
        if (limit is < 1 or > MaxPage)
            errors.Add("limit", $"limit must be between 1 and {MaxPage}.");
        if (after is < 0)
            errors.Add("after", "after must be a sequence id ≥ 0.");
        if (exec is < 1)
            errors.Add("exec", "exec must be ≥ 1.");
        var stepName = step is null ? null : Steps.FirstOrDefault(s => string.Equals(s, step.Trim(), StringComparison.OrdinalIgnoreCase));
        if (step is not null && stepName is null)
            errors.Add("step", $"step must be one of {string.Join(", ", Steps)}.");
        var levelName = level?.Trim().ToLowerInvariant();
        if (levelName is not null && !LogLevels.All.Contains(levelName))
            errors.Add("level", $"level must be one of {string.Join(", ", LogLevels.All)}.");
        if (errors.Any)
            return errors.ToProblem();

        var job = await jobs.GetVisibleAsync(id, http.Caller(), http.RequestAborted);
        if (job is null)
            return Problems.JobNotFound(id);

        var filter = new JobLogFilter(exec, stepName, op, levelName);
        if (http.Request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true))
        {
            var from = long.TryParse(http.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                ? last : after ?? 0;
            return EventStreams.Open(http.Response, FollowAsync(log, job.CorrelationId, filter, from, http.RequestAborted));
        }
        var take = limit ?? DefaultPage;
        var lines = await log.ReadAsync(job.CorrelationId, filter, after ?? 0, take, http.RequestAborted);
        return TypedResults.Ok(new JobLogPage(lines, lines.Count == take ? lines[^1].Seq : null));
    }

    /// <summary>
    /// Adds a comment line by the caller. Needs the job visible and some action permission on it (an operator or one
    /// of its approvers): a read-only viewer cannot write into a job's log.
    /// </summary>
    public static async Task<Results<Created<JobLogRecord>, ProblemHttpResult>> CommentAsync(
        JobRef id, StrictBody<CommentRequest> strict, HttpContext http, JobReadStore jobs, JobLogStore log, IOptions<JobOptions> options,
        TimeProvider clock)
    {
        var body = strict.Value ?? new CommentRequest(null);
        var errors = new FieldErrors().Add(strict.Rejection).MaxLength("text", body.Text, options.Value.Limits.TextLength);
        if (strict.Rejection is null && string.IsNullOrWhiteSpace(body.Text))
            errors.Add("text", "text is required.");
        if (errors.Any)
            return errors.ToProblem();
        var caller = http.Caller();
        var job = await jobs.GetVisibleAsync(id, caller, http.RequestAborted);
        if (job is null)
            return Problems.JobNotFound(id);
        var approvers = JobAccess.ApproversOf(job).ToList();
        if (!JobCommandRules.All.Any(c => caller.MayAct(c, job.Project, job.Environment, approvers)))
            return Problems.Forbidden($"{caller.Name} may view job {job.Key} but not act on it, nor comment.");

        var line = await log.AppendCommentAsync(job.CorrelationId, job.Exec, job.Step.Wire(), caller.Name, body.Text!,
            JobTracing.TraceIdOf(job.TraceParent), clock.GetUtcNow(), http.RequestAborted);
        return TypedResults.Created($"/api/jobs/{job.CorrelationId}/log?after={line.Seq - 1}&limit=1", line);
    }

    static async IAsyncEnumerable<SseItem<JobLogRecord>> FollowAsync(
        JobLogStore log, Guid jobId, JobLogFilter filter, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(FollowInterval);
        do
        {
            IReadOnlyList<JobLogRecord> lines;
            do
            {
                lines = await log.ReadAsync(jobId, filter, after, FollowBatch, cancellationToken);
                foreach (var line in lines)
                {
                    after = line.Seq;
                    yield return new SseItem<JobLogRecord>(line, "line") { EventId = line.Seq.ToString(CultureInfo.InvariantCulture) };
                }
            }
            while (lines.Count == FollowBatch);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
