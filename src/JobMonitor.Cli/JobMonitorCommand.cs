using System.CommandLine;
using System.CommandLine.Invocation;

namespace JobMonitor.Cli;

/// <summary>The <c>jobmonitor</c> command tree, and what every command shares: the service, <c>--json</c>, exit codes.</summary>
public static class JobMonitorCommand
{
    /// <summary>Overrides JOBMONITOR_URL and the config file's <c>url</c>.</summary>
    static readonly Option<string?> UrlOption = new("--url")
    {
        Description = "The service, e.g. http://localhost:5080 (default: JOBMONITOR_URL, then the config file's url)",
        Recursive = true,
    };

    public static readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Print the API's JSON instead of a table (for scripts)",
        Recursive = true,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand(
            "jobmonitor: create, follow and act on JobMonitor jobs over its HTTP API. The API key comes from " +
            "JOBMONITOR_API_KEY or the config file (JOBMONITOR_CONFIG, default ~/.config/jobmonitor/config.json: " +
            "{ \"url\": ..., \"apiKey\": ... }); the service's address from --url, JOBMONITOR_URL or that file." +
            Environment.NewLine + Environment.NewLine + ExitCodes.Help)
        {
            UrlOption,
            JsonOption,
            CreateCommand.Build(),
        };
        foreach (var command in ReadCommands.Build().Concat(ActionCommands.Build()))
            root.Subcommands.Add(command);

        var parsed = root.Parse(args);
        var exitCode = await parsed.InvokeAsync();
        return parsed.Action is ParseErrorAction ? ExitCodes.Usage : exitCode;
    }

    /// <summary>
    /// The action of a command that calls the service: settings and client made here, a <see cref="CliException" />
    /// printed on stderr and answered with its code.
    /// </summary>
    public static void SetApiAction(this Command command, Func<ParseResult, ApiClient, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parsed, cancellationToken) =>
        {
            try
            {
                using var api = new ApiClient(CliSettings.Load(parsed.GetValue(UrlOption)));
                return await action(parsed, api, cancellationToken);
            }
            catch (CliException e)
            {
                await Console.Error.WriteLineAsync($"jobmonitor: {e.Message}");
                return e.ExitCode;
            }
        });

    /// <summary>The job argument every per-job command takes: its key (N.PROD-00000042) or id.</summary>
    public static Argument<string> JobArgument() => new("job") { Description = "The job's key (N.PROD-00000042) or id" };
}
