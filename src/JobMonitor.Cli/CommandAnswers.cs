using System.Diagnostics;
using System.Text.Json;

namespace JobMonitor.Cli;

/// <summary>Follows <c>GET /api/commands/{id}</c> until the service decided (accepted or rejected).</summary>
public static class CommandAnswers
{
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>The command's status document once it is no longer pending.</summary>
    /// <exception cref="CliException">No answer within <paramref name="patience" /> (<see cref="ExitCodes.TimedOut" />).</exception>
    public static async Task<JsonElement> WaitAsync(ApiClient api, Guid commandId, TimeSpan patience, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await api.GetAsync($"/api/commands/{commandId}", cancellationToken);
            if (Output.Text(status, "status") != "pending")
                return status;
            if (clock.Elapsed >= patience)
                throw new CliException(ExitCodes.TimedOut, $"Command {commandId} is still pending after {patience.TotalSeconds:0} s: are the service's workers running?");
            await Task.Delay(Interval, cancellationToken);
        }
    }

    /// <summary>Throws <see cref="ExitCodes.Refused" /> with the service's reason when the command was rejected.</summary>
    public static void EnsureAccepted(JsonElement status)
    {
        if (Output.Text(status, "status") == "accepted")
            return;
        var field = Output.Text(status, "field");
        throw new CliException(ExitCodes.Refused,
            $"{Output.Text(status, "command")} rejected: [{Output.Text(status, "reasonCode")}]{(field.Length == 0 ? "" : $" {field}:")} {Output.Text(status, "message")}");
    }
}
