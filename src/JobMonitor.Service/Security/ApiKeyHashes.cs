using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Security;

/// <summary>Finds the user an API key belongs to by its SHA-256, as configured in <c>Auth:ApiKeys</c>.</summary>
public sealed class ApiKeyHashes(IOptionsMonitor<AuthOptions> options)
{
    const string Prefix = "sha256:";

    public string? UserOf(string key)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        string? user = null;
        // Every configured hash is compared, in fixed time each, so timing tells nothing about which one nearly matched.
        foreach (var (name, configured) in options.CurrentValue.ApiKeys)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, Parse(configured)))
                user ??= name;
        }
        return user;
    }

    /// <exception cref="FormatException">Not <c>sha256:</c> and 64 hex digits.</exception>
    public static byte[] Parse(string configured)
    {
        if (!configured.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || configured.Length != Prefix.Length + 64)
            throw new FormatException("An API key hash is 'sha256:' and 64 hex digits (e.g. from: printf %s \"$key\" | sha256sum).");
        return Convert.FromHexString(configured.AsSpan(Prefix.Length));
    }
}
