using JobMonitor.Contracts;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Persistence.Outbox;
using JobMonitor.Service.Security;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace JobMonitor.Service.Monitor;

/// <summary>The 202 of an action: where to follow what becomes of the command.</summary>
public sealed record CommandReceipt(Guid CommandId, Guid JobId);

/// <summary>
/// The common path of the action endpoints: the job must be visible, the caller allowed, the status must allow the
/// command; then it is recorded as pending and published with the caller as RequestedBy, both in one transaction
/// through the outbox: an accepted command is never lost, even with the broker away. The saga checks all of it
/// again when the command arrives (the job may have moved on): these checks only make the usual answer quick and clear.
/// </summary>
public sealed class JobCommandSender(
    NpgsqlDataSource dataSource, JobReadStore jobs, CommandStatusStore statuses, OutboxPublisher outbox, OutboxDelivery delivery, ILogger<JobCommandSender> logger)
{
    public async Task<Results<Accepted<CommandReceipt>, ProblemHttpResult>> SendAsync(
        HttpContext http, JobRef jobRef, OperatorCommand action, IActionRequest body, FieldErrors errors, JobCommand command)
    {
        if (errors.Any)
            return errors.ToProblem();
        var caller = http.Caller();
        var job = await jobs.GetVisibleAsync(jobRef, caller, http.RequestAborted);
        if (job is null)
            return Problems.JobNotFound(jobRef);
        if (!caller.MayAct(action, job.Project, job.Environment, JobAccess.ApproversOf(job)))
            return Problems.Forbidden($"{caller.Name} may not {action.Wire()} job {job.Key}.");
        if (body.ExpectedVersion is { } expected && expected != job.Version)
            return Problems.Conflict(RejectionCodes.StaleVersion, $"The job is at version {job.Version}, not {expected}.",
                new Dictionary<string, object?> { ["version"] = job.Version });
        if (!JobCommandRules.Allows(action, job.Status(), job.Step))
        {
            var status = job.Status().Display();
            return Problems.Conflict(RejectionCodes.NotAllowedInStatus,
                $"{action.Wire()} is not allowed while the job is {status} (step {job.Step.Wire()}).",
                new Dictionary<string, object?>
                {
                    ["status"] = status,
                    ["step"] = job.Step.Wire(),
                    ["allowedActions"] = JobCommandRules.AllowedFor(job.Status(), job.Step).Select(c => c.Wire()).ToList(),
                });
        }
        var stamped = command with { JobId = job.CorrelationId, Comment = body.Comment, ExpectedVersion = body.ExpectedVersion };
        return await PublishAsync(caller, stamped, body.CommandId, job.Project, job.Environment, http.RequestAborted);
    }

    /// <summary>Records the command as pending for <paramref name="caller" /> and publishes it, in one transaction.</summary>
    public async Task<Results<Accepted<CommandReceipt>, ProblemHttpResult>> PublishAsync(
        Caller caller, JobCommand command, Guid? commandId, string project, string environment, CancellationToken cancellationToken)
    {
        var name = command.GetType().Name;
        var stamped = command with { CommandId = commandId ?? NewId.NextGuid(), RequestedBy = caller.Name };
        await using var transaction = await JobSagaTransaction.BeginAsync(dataSource, delivery, cancellationToken);
        var stored = await statuses.BeginAsync(transaction, new CommandStatus(stamped.CommandId, stamped.JobId, name, project,
            environment, caller.Name, CommandStates.Pending, null, null, null, false, default), cancellationToken);
        if (stored.JobId != stamped.JobId || stored.RequestedBy != caller.Name || stored.Command != name)
            return Problems.Conflict("command_id_in_use", $"commandId {stamped.CommandId} was used for another command.");

        // The runtime type picks the exchange (JobMonitor.Contracts:CancelJob, ...), not the static JobCommand.
        await outbox.PublishAsync(transaction, stamped, stamped.GetType(), cancellationToken);
        await transaction.CommitAsync();
        logger.LogInformation("{Command} {CommandId} for job {JobId} published for {User}", name, stamped.CommandId, stamped.JobId, caller.Name);
        return TypedResults.Accepted($"/api/commands/{stamped.CommandId}", new CommandReceipt(stamped.CommandId, stamped.JobId));
    }
}
