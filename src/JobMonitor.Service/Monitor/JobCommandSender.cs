using JobMonitor.Contracts;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Security;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JobMonitor.Service.Monitor;

/// <summary>The 202 of an action: where to follow what becomes of the command.</summary>
public sealed record CommandReceipt(Guid CommandId, Guid JobId);

/// <summary>
/// The common path of the action endpoints: the job must be visible, the caller allowed, the status must allow the
/// command; then it is recorded as pending and published with the caller as RequestedBy. The saga checks all of it
/// again when the command arrives (the job may have moved on): these checks only make the usual answer quick and clear.
/// </summary>
public sealed class JobCommandSender(
    JobReadStore jobs, CommandStatusStore statuses, IPublishEndpoint publish, ILogger<JobCommandSender> logger)
{
    public async Task<Results<Accepted<CommandReceipt>, ProblemHttpResult>> SendAsync(
        HttpContext http, JobRef jobRef, string action, IActionRequest body, FieldErrors errors, JobCommand command)
    {
        if (errors.Any)
            return errors.ToProblem();
        var caller = http.Caller();
        var job = await jobs.GetVisibleAsync(jobRef, caller, http.RequestAborted);
        if (job is null)
            return Problems.JobNotFound(jobRef);
        if (!caller.MayAct(action, job.Project, job.Environment, JobAccess.ApproversOf(job)))
            return Problems.Forbidden($"{caller.Name} may not {action} job {job.Key}.");
        if (body.ExpectedVersion is { } expected && expected != job.Version)
            return Problems.Conflict(RejectionCodes.StaleVersion, $"The job is at version {job.Version}, not {expected}.",
                new Dictionary<string, object?> { ["version"] = job.Version });
        if (!JobCommandRules.Allows(action, job))
        {
            var status = JobStatus.Display(job.CurrentState);
            return Problems.Conflict(RejectionCodes.NotAllowedInStatus,
                $"{action} is not allowed while the job is {status} (step {job.Step.Wire()}).",
                new Dictionary<string, object?>
                {
                    ["status"] = status,
                    ["step"] = job.Step.Wire(),
                    ["allowedActions"] = JobCommandRules.AllowedFor(job),
                });
        }
        var stamped = command with { JobId = job.CorrelationId, Comment = body.Comment, ExpectedVersion = body.ExpectedVersion };
        return await PublishAsync(caller, stamped, body.CommandId, job.Project, job.Environment, http.RequestAborted);
    }

    /// <summary>Records the command as pending for <paramref name="caller" /> and publishes it.</summary>
    public async Task<Results<Accepted<CommandReceipt>, ProblemHttpResult>> PublishAsync(
        Caller caller, JobCommand command, Guid? commandId, string project, string environment, CancellationToken cancellationToken)
    {
        var name = command.GetType().Name;
        var stamped = command with { CommandId = commandId ?? NewId.NextGuid(), RequestedBy = caller.Name };
        var stored = await statuses.BeginAsync(new CommandStatus(stamped.CommandId, stamped.JobId, name, project, environment,
            caller.Name, CommandStates.Pending, null, null, null, false, default), cancellationToken);
        if (stored.JobId != stamped.JobId || stored.RequestedBy != caller.Name || stored.Command != name)
            return Problems.Conflict("command_id_in_use", $"commandId {stamped.CommandId} was used for another command.");

        try
        {
            // The runtime type picks the exchange (JobMonitor.Contracts:CancelJob, ...), not the static JobCommand.
            await publish.Publish(stamped, stamped.GetType(), cancellationToken);
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Command} {CommandId} for job {JobId} could not be published", name, stamped.CommandId, stamped.JobId);
            await statuses.RecordAsync(stamped.CommandId, CommandStates.Rejected, "not_published",
                null, "The command could not be published; send it again.", false, CancellationToken.None);
            throw;
        }
        logger.LogInformation("{Command} {CommandId} for job {JobId} published for {User}", name, stamped.CommandId, stamped.JobId, caller.Name);
        return TypedResults.Accepted($"/api/commands/{stamped.CommandId}", new CommandReceipt(stamped.CommandId, stamped.JobId));
    }
}
