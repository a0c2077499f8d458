using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JobMonitor.Service.Monitor;

/// <summary>The monitor's read API: the job list, one job's dashboard and its log.</summary>
public static class JobsApi
{
    /// <summary>Every route under <c>/api/jobs</c>: the reads here, the actions, the log's comments and attachments.</summary>
    public static void MapJobRoutes(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs");
        jobs.MapJobsApi();
        jobs.MapActionsApi();
        jobs.MapJobLogApi();
    }

    static void MapJobsApi(this RouteGroupBuilder jobs)
    {
        var api = jobs.MapGroup("").WithTags("Jobs");
        api.MapGet("/", ListJobs);
        api.MapGet("/statuses", ListStatuses);
        api.MapGet("/{id}", GetJob);
        api.MapGet("/{id}/log", GetLog);
    }

    public static async Task<Results<Ok<JobListPage>, ProblemHttpResult>> ListJobs(
        HttpContext context, JobReadStore jobs, [AsParameters] JobListParameters parameters, CancellationToken cancellationToken)
    {
        var query = parameters.Parse(out var errors);
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        var caller = context.Caller();
        JobPage page;
        try
        {
            page = await jobs.ListAsync(query, caller.VisibleScopes, cancellationToken);
        }
        catch (FormatException e)
        {
            return Problems.Invalid("cursor", e.Message);
        }
        var counts = await jobs.CountAsync(query.Filter, caller.VisibleScopes, cancellationToken);
        return TypedResults.Ok(new JobListPage(
            page.Items.Select(job => JobListItem.From(job, caller)).ToList(),
            page.NextCursor,
            JobStatuses.All.ToDictionary(JobStatuses.Display, status => counts.GetValueOrDefault(status))));
    }

    /// <summary>Every status's display name, in the order of the spec: the monitor's tabs and its status filter.</summary>
    public static Ok<IReadOnlyList<string>> ListStatuses() =>
        TypedResults.Ok<IReadOnlyList<string>>(JobStatuses.All.Select(JobStatuses.Display).ToList());

    /// <summary>The job dashboard, by id or key; 404 when the job is outside the caller's scopes.</summary>
    public static async Task<Results<Ok<JobDetail>, ProblemHttpResult>> GetJob(
        JobRef id, HttpContext http, JobDashboard dashboard)
    {
        var job = await dashboard.GetAsync(id, http.Caller(), http.RequestAborted);
        return job is null ? Problems.JobNotFound(id) : TypedResults.Ok(job);
    }

    /// <summary>See <see cref="JobLogApi.ReadAsync" />: pages, or a live follow with <c>Accept: text/event-stream</c>.</summary>
    public static Task<Results<Ok<JobLogPage>, ServerSentEventsResult<JobLogRecord>, ProblemHttpResult>> GetLog(
        HttpContext http, JobReadStore jobs, JobLogStore log, JobRef id, long? after, int? limit, int? exec, string? step,
        string? op, string? level) =>
        JobLogApi.ReadAsync(http, jobs, log, id, after, limit, exec, step, op, level);
}
