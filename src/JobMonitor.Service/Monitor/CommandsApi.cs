using JobMonitor.Service.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JobMonitor.Service.Monitor;

/// <summary>What became of a command posted through the action API.</summary>
public sealed record CommandView(
    Guid CommandId, Guid JobId, string Command, string Status, string? ReasonCode, string? Field, string? Message,
    bool Duplicate, DateTimeOffset At);

public static class CommandsApi
{
    public static void MapCommandsApi(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/commands").WithTags("Commands").MapGet("/{commandId:guid}", GetCommandAsync)
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>Readable by the user who posted it and by those who may see its job (by the job's scope when posted).</summary>
    public static async Task<Results<Ok<CommandView>, ProblemHttpResult>> GetCommandAsync(
        Guid commandId, HttpContext http, CommandStatusStore statuses)
    {
        var status = await statuses.GetAsync(commandId, http.RequestAborted);
        var caller = http.Caller();
        if (status is null || (status.RequestedBy != caller.Name && !caller.CanSee(status.Project, status.Environment)))
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Command not found", detail: $"No command {commandId}.");
        return TypedResults.Ok(new CommandView(status.CommandId, status.JobId, status.Command, status.Status, status.ReasonCode,
            status.Field, status.Message, status.Duplicate, status.At));
    }
}
