using System.Data.Common;

namespace JobMonitor.Service.Execution;

/// <summary>
/// The service's own secrets, read from its configuration: passwords in connection strings and AMQP URIs, API key
/// material, and every setting whose name says it is a password, secret or token. A script that prints one anyway
/// (its own environment is clean, but it may read a file) gets it masked in the job log.
/// </summary>
public sealed class ServiceSecrets(IConfiguration configuration)
{
    // Shorter values would mask ordinary words all over the log.
    const int MinLength = 4;

    static readonly string[] SecretNameParts = ["password", "passwd", "secret", "token", "apikey", "privatekey", "credential"];

    public IReadOnlyList<string> Values { get; } = [.. Collect(configuration).Where(v => v.Length >= MinLength).Distinct(StringComparer.Ordinal)];

    static IEnumerable<string> Collect(IConfiguration configuration)
    {
        foreach (var connection in configuration.GetSection("ConnectionStrings").GetChildren())
        {
            if (connection.Value is { } value)
                foreach (var secret in PasswordsIn(value))
                    yield return secret;
        }
        foreach (var key in configuration.GetSection("Auth:ApiKeys").GetChildren())
        {
            if (key.Value is { } material)
                yield return material;
        }
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            var name = key[(key.LastIndexOf(':') + 1)..].Replace("_", "", StringComparison.Ordinal);
            if (value is not null && SecretNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase)))
                yield return value;
        }
    }

    static IEnumerable<string> PasswordsIn(string connectionString)
    {
        if (Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) && uri.UserInfo.Split(':', 2) is [_, var password])
        {
            yield return Uri.UnescapeDataString(password);
            yield break;
        }
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            yield break;
        }
        foreach (var name in new[] { "Password", "Pwd" })
        {
            if (builder.TryGetValue(name, out var value) && value is string { Length: > 0 } text)
                yield return text;
        }
    }
}
