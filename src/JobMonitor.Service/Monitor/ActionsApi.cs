using JobMonitor.Contracts;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Security;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Monitor;

/// <summary>
/// The action API: each endpoint validates its body, checks scope, permission and status, publishes the command on
/// RabbitMQ with the caller as RequestedBy and answers 202 with where to follow it (<c>/api/commands/{id}</c>).
/// </summary>
public static class ActionsApi
{
    // A create carries its pipeline; every other action a comment at most.
    const long CreateBodyLimit = 1024 * 1024;
    const long ActionBodyLimit = 64 * 1024;

    public static void MapActionsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs").WithTags("Actions")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/", CreateAsync).WithMetadata(new RequestSizeLimitAttribute(CreateBodyLimit));

        var job = jobs.MapGroup("/{id}").WithMetadata(new RequestSizeLimitAttribute(ActionBodyLimit));
        job.MapPost("/rerun", RerunAsync);
        job.MapPost("/reschedule", RescheduleAsync);
        job.MapPost("/cancel", Act(JobCommandRules.Cancel, () => new CancelJob()));
        job.MapPost("/approve", Act(JobCommandRules.Approve, () => new ApproveJob()));
        job.MapPost("/reject", Act(JobCommandRules.Reject, () => new RejectJob(), ActionValidation.Reject));
        job.MapPost("/delete", Act(JobCommandRules.Delete, () => new DeleteJob()));
        job.MapPost("/trap/retry", Act(JobCommandRules.RespondToTrap, () => new RespondToTrap { Action = "retry" }));
        job.MapPost("/trap/skip", Act(JobCommandRules.RespondToTrap, () => new RespondToTrap { Action = "skip" }));
        job.MapPost("/trap/abort", Act(JobCommandRules.RespondToTrap, () => new RespondToTrap { Action = "abort" }));
        job.MapPost("/trap/pause", Act(JobCommandRules.PauseTrap, () => new PauseTrap()));
        job.MapPost("/trap/resume", Act(JobCommandRules.ResumeTrap, () => new ResumeTrap()));
    }

    /// <summary>Body as SPEC §10; jobId and commandId are generated when absent; requestedBy is always the caller.</summary>
    public static async Task<Results<Accepted<CommandReceipt>, ProblemHttpResult>> CreateAsync(
        CreateJob body, HttpContext http, JobDefinitionValidator validator, TimeProvider clock, JobCommandSender sender)
    {
        var caller = http.Caller();
        var command = body with
        {
            JobId = body.JobId == Guid.Empty ? NewId.NextGuid() : body.JobId,
            CommandId = body.CommandId == Guid.Empty ? NewId.NextGuid() : body.CommandId,
            RequestedBy = caller.Name,
        };
        var (definition, rejection) = validator.Validate(command, clock.GetUtcNow());
        // Scripts are configured where the workers run, which may not be this instance: CHECK judges them.
        if (rejection is not null && rejection.Code != RejectionCodes.UnknownScript)
            return Problems.Invalid(rejection.Field ?? "body", rejection.Message);
        // Past the scope checks (they come before the pipeline's), so both are present and valid.
        var project = definition?.Project ?? body.Project!;
        var environment = definition?.Environment ?? body.Environment!;
        if (!caller.Holds(JobActions.Create, project, environment))
            return Problems.Forbidden($"{caller.Name} may not create jobs in {project}/{environment}.");
        return await sender.PublishAsync(caller, command, command.CommandId, project, environment, http.RequestAborted);
    }

    public static Task<Results<Accepted<CommandReceipt>, ProblemHttpResult>> RerunAsync(
        JobRef id, RerunRequest body, HttpContext http, JobCommandSender sender, IOptions<JobOptions> options) =>
        sender.SendAsync(http, id, JobCommandRules.Rerun, body, ActionValidation.Rerun(body, options.Value.Limits),
            new RerunJob { Step = JobSteps.FromWire(body.Step)?.Wire(), RunNow = body.RunNow });

    public static Task<Results<Accepted<CommandReceipt>, ProblemHttpResult>> RescheduleAsync(
        JobRef id, RescheduleRequest body, HttpContext http, JobCommandSender sender, IOptions<JobOptions> options) =>
        sender.SendAsync(http, id, JobCommandRules.Reschedule, body, ActionValidation.Reschedule(body, options.Value.Limits),
            new RescheduleJob { ScheduledAt = body.ScheduledAt, MaxStartAt = body.MaxStartAt });

    /// <summary>An action whose body is at most a comment (and may be absent).</summary>
    static Func<JobRef, ActionRequest?, HttpContext, JobCommandSender, IOptions<JobOptions>, Task<Results<Accepted<CommandReceipt>, ProblemHttpResult>>> Act(
        string action, Func<JobCommand> command, Func<IActionRequest, JobLimits, FieldErrors>? validate = null) =>
        (id, body, http, sender, options) =>
        {
            var request = body ?? ActionRequest.Empty;
            var errors = (validate ?? ActionValidation.Common)(request, options.Value.Limits);
            return sender.SendAsync(http, id, action, request, errors, command());
        };
}
