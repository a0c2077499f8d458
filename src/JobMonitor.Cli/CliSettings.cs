using System.Text.Json;

namespace JobMonitor.Cli;

/// <summary>
/// Where the service is and the key to call it with: <c>JOBMONITOR_URL</c> and <c>JOBMONITOR_API_KEY</c>, else the
/// config file (<c>JOBMONITOR_CONFIG</c>, default <c>~/.config/jobmonitor/config.json</c>: <c>{ "url", "apiKey" }</c>).
/// The key is never an option: command lines end up in shell histories and process lists.
/// </summary>
public sealed record CliSettings(Uri Url, string ApiKey)
{
    const string DefaultUrl = "http://localhost:5080";

    public static CliSettings Load(string? urlOption)
    {
        var file = ReadConfigFile();
        var url = urlOption ?? Variable("JOBMONITOR_URL") ?? file?.Url ?? DefaultUrl;
        var key = Variable("JOBMONITOR_API_KEY") ?? file?.ApiKey;
        if (string.IsNullOrWhiteSpace(key))
            throw new CliException(ExitCodes.Auth, $"No API key: set JOBMONITOR_API_KEY or \"apiKey\" in {ConfigPath()}.");
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliException(ExitCodes.Usage, $"The service URL '{url}' is not an http(s) address.");
        return new CliSettings(uri, key);
    }

    static string ConfigPath() =>
        Variable("JOBMONITOR_CONFIG") ?? Path.Combine(
            Variable("XDG_CONFIG_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"),
            "jobmonitor", "config.json");

    static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    sealed record ConfigFile(string? Url, string? ApiKey);

    static ConfigFile? ReadConfigFile()
    {
        var path = ConfigPath();
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<ConfigFile>(File.ReadAllText(path), JsonSerializerOptions.Web);
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Usage, $"{path} is not valid JSON: {e.Message}");
        }
    }
}
