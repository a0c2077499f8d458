using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JobMonitor.Service.Monitor;

/// <summary>The monitor's read API: the job list, one job's dashboard and its log.</summary>
public static class JobsApi
{
    const int MaxPage = 500;

    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/jobs").WithTags("Jobs");
        api.MapGet("/", ListJobs);
        api.MapGet("/{id:guid}", GetJob);
        api.MapGet("/{id:guid}/log", GetLog);
        return api;
    }

    public static async Task<Results<Ok<JobListPage>, ProblemHttpResult>> ListJobs(
        HttpContext context, JobReadStore jobs, [AsParameters] JobListParameters parameters, CancellationToken cancellationToken)
    {
        var query = parameters.Parse(out var errors);
        if (errors.Count > 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request",
                detail: string.Join(" ", errors.Values.SelectMany(m => m)), extensions: new Dictionary<string, object?> { ["errors"] = errors });
        var caller = context.Caller();
        JobPage page;
        try
        {
            page = await jobs.ListAsync(query, caller.VisibleScopes, cancellationToken);
        }
        catch (FormatException e)
        {
            return BadRequest("cursor", e.Message);
        }
        var counts = await jobs.CountAsync(query.Filter, caller.VisibleScopes, cancellationToken);
        return TypedResults.Ok(new JobListPage(
            page.Items.Select(job => JobListItem.From(job, caller)).ToList(),
            page.NextCursor,
            JobStatus.All.ToDictionary(JobStatus.Display, status => counts.GetValueOrDefault(status))));
    }

    public static async Task<Results<Ok<JobDetail>, ProblemHttpResult>> GetJob(
        JobReadStore jobs, Guid id, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(id, cancellationToken);
        return job is null ? NotFound(id) : TypedResults.Ok(JobDetail.From(job));
    }

    public static async Task<Results<Ok<JobLogPage>, ProblemHttpResult>> GetLog(
        JobReadStore jobs, JobLogStore log, Guid id, long? after, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPage * 10)
            return BadRequest("limit", $"limit must be between 1 and {MaxPage * 10}.");
        if (after is < 0)
            return BadRequest("after", "after must be a sequence id ≥ 0.");
        if (await jobs.GetAsync(id, cancellationToken) is null)
            return NotFound(id);
        var take = limit ?? 500;
        var lines = await log.ReadAsync(id, after ?? 0, take, cancellationToken);
        return TypedResults.Ok(new JobLogPage(lines, lines.Count == take ? lines[^1].Seq : null));
    }

    static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Job not found", detail: $"No job {id}.");

    static ProblemHttpResult BadRequest(string field, string message) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: message,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}
