namespace JobMonitor.Service;

/// <summary>What one instance runs; an installation scales out by adding <c>workers</c> instances on the same broker and database.</summary>
[Flags]
public enum ServiceRoles
{
    None = 0,

    /// <summary>The read and action APIs, the Hangfire dashboard and health; publishes commands, hears job changes for /api/events.</summary>
    Api = 1,

    /// <summary>CHECK, the job saga, the step workers, the trigger consumers and the Hangfire server; health as its only HTTP.</summary>
    Workers = 2,
}

public static class ServiceRolesConfiguration
{
    public const string Key = "Service:Roles";

    /// <summary>
    /// <c>Service:Roles</c>: <c>api</c>, <c>workers</c> or both (<c>api,workers</c>, the default). Read while the host
    /// is built, since it decides what is registered.
    /// </summary>
    public static ServiceRoles Roles(this IConfiguration configuration)
    {
        var text = configuration[Key];
        if (string.IsNullOrWhiteSpace(text))
            return ServiceRoles.Api | ServiceRoles.Workers;
        var roles = ServiceRoles.None;
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            roles |= name.ToLowerInvariant() switch
            {
                "api" => ServiceRoles.Api,
                "workers" => ServiceRoles.Workers,
                "both" => ServiceRoles.Api | ServiceRoles.Workers,
                _ => throw new InvalidOperationException($"{Key} '{text}' names an unknown role '{name}': use api, workers or both."),
            };
        }
        return roles == ServiceRoles.None ? throw new InvalidOperationException($"{Key} is empty: use api, workers or both.") : roles;
    }
}
