namespace JobMonitor.Service.Security;

/// <summary>
/// <c>Permissions:Roles:&lt;role&gt;:Actions</c> and <c>:Scopes</c> (<c>project/environment</c> patterns, <c>*</c> any run of
/// characters), and <c>Permissions:Users:&lt;user&gt;</c>, the roles of a user. A user not listed holds nothing.
/// </summary>
public sealed class PermissionsOptions
{
    public const string Section = "Permissions";

    public Dictionary<string, RoleOptions> Roles { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<string>> Users { get; init; } = new(StringComparer.Ordinal);
}

public sealed class RoleOptions
{
    public List<string> Actions { get; init; } = [];

    public List<string> Scopes { get; init; } = [];
}
