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

    public static void MapActionsApi(this RouteGroupBuilder routes)
    {
        var jobs = routes.MapGroup("").WithTags("Actions")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/", CreateAsync).WithMetadata(new RequestSizeLimitAttribute(CreateBodyLimit)).Accepts<CreateJob>("application/json");

        var job = jobs.MapGroup("/{id}").WithMetadata(new RequestSizeLimitAttribute(ActionBodyLimit));
        job.MapPost("/rerun", RerunAsync).Accepts<RerunRequest>("application/json");
        job.MapPost("/reschedule", RescheduleAsync).Accepts<RescheduleRequest>("application/json");
        job.Act("/cancel", OperatorCommand.Cancel, () => new CancelJob());
        job.Act("/approve", OperatorCommand.Approve, () => new ApproveJob());
        job.Act("/reject", OperatorCommand.Reject, () => new RejectJob(), ActionValidation.Reject);
        job.Act("/delete", OperatorCommand.Delete, () => new DeleteJob());
        job.Act("/trap/retry", OperatorCommand.RespondToTrap, () => new RespondToTrap { Action = "retry" });
        job.Act("/trap/skip", OperatorCommand.RespondToTrap, () => new RespondToTrap { Action = "skip" });
        job.Act("/trap/abort", OperatorCommand.RespondToTrap, () => new RespondToTrap { Action = "abort" });
        job.Act("/trap/pause", OperatorCommand.PauseTrap, () => new PauseTrap());
        job.Act("/trap/resume", OperatorCommand.ResumeTrap, () => new ResumeTrap());
    }

    /// <summary>Body as SPEC §10; jobId and commandId are generated when absent; requestedBy is always the caller.</summary>
    public static async Task<Results<Accepted<CommandReceipt>, ProblemHttpResult>> CreateAsync(
        StrictBody<CreateJob> strict, HttpContext http, JobDefinitionValidator validator, TimeProvider clock, JobCommandSender sender)
    {
        if (strict.Value is not { } body)
            return new FieldErrors().Add(strict.Rejection ?? new Rejection(RejectionCodes.MissingField, "A create needs a JSON body.")).ToProblem();
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
            return new FieldErrors().Add(rejection).ToProblem();
        // Past the scope checks (they come before the pipeline's), so both are present and valid.
        var project = definition?.Project ?? body.Project!;
        var environment = definition?.Environment ?? body.Environment!;
        if (!caller.Holds(JobAction.Create, project, environment))
            return Problems.Forbidden($"{caller.Name} may not create jobs in {project}/{environment}.");
        return await sender.PublishAsync(caller, command, command.CommandId, project, environment, http.RequestAborted);
    }

    public static Task<Results<Accepted<CommandReceipt>, ProblemHttpResult>> RerunAsync(
        JobRef id, StrictBody<RerunRequest> strict, HttpContext http, JobCommandSender sender, IOptions<JobOptions> options)
    {
        var body = strict.Value ?? new RerunRequest(null);
        var errors = strict.Rejection is { } rejection ? new FieldErrors().Add(rejection) : ActionValidation.Rerun(body, options.Value.Limits);
        return sender.SendAsync(http, id, OperatorCommand.Rerun, body, errors,
            new RerunJob { Step = JobSteps.FromWire(body.Step)?.Wire(), RunNow = body.RunNow });
    }

    public static Task<Results<Accepted<CommandReceipt>, ProblemHttpResult>> RescheduleAsync(
        JobRef id, StrictBody<RescheduleRequest> strict, HttpContext http, JobCommandSender sender, IOptions<JobOptions> options, TimeProvider clock)
    {
        var body = strict.Value ?? new RescheduleRequest(null);
        var errors = strict.Rejection is { } rejection ? new FieldErrors().Add(rejection)
            : ActionValidation.Reschedule(body, options.Value.Limits, clock.GetUtcNow());
        return sender.SendAsync(http, id, OperatorCommand.Reschedule, body, errors,
            new RescheduleJob { ScheduledAt = body.ScheduledAt, MaxStartAt = body.MaxStartAt });
    }

    /// <summary>An action whose body is at most a comment (and may be absent).</summary>
    static RouteHandlerBuilder Act(this RouteGroupBuilder job, string pattern,
        OperatorCommand action, Func<JobCommand> command, Func<IActionRequest, JobLimits, FieldErrors>? validate = null) =>
        job.MapPost(pattern, (JobRef id, StrictBody<ActionRequest> strict, HttpContext http, JobCommandSender sender, IOptions<JobOptions> options) =>
        {
            var request = strict.Value ?? ActionRequest.Empty;
            var errors = strict.Rejection is { } rejection ? new FieldErrors().Add(rejection)
                : (validate ?? ActionValidation.Common)(request, options.Value.Limits);
            return sender.SendAsync(http, id, action, request, errors, command());
        }).Accepts<ActionRequest>(isOptional: true, "application/json");
}
