using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Security;

/// <summary>Refuses to start on a permission the service does not know, a malformed scope or a user's unknown role.</summary>
public sealed class PermissionsOptionsValidator : IValidateOptions<PermissionsOptions>
{
    public ValidateOptionsResult Validate(string? name, PermissionsOptions options)
    {
        var failures = new List<string>();
        foreach (var (role, granted) in options.Roles)
        {
            failures.AddRange(granted.Actions.Where(a => JobActions.Parse(a) is null).Select(a =>
                $"Permissions:Roles:{role}:Actions: '{a}' is not a permission (known: {string.Join(", ", JobActions.All.Select(k => k.Wire()))})."));
            foreach (var scope in granted.Scopes)
            {
                try
                {
                    ScopePattern.Parse(scope);
                }
                catch (FormatException e)
                {
                    failures.Add($"Permissions:Roles:{role}:Scopes: {e.Message}");
                }
            }
        }
        foreach (var (user, roles) in options.Users)
            failures.AddRange(roles.Where(r => !options.Roles.ContainsKey(r)).Select(r => $"Permissions:Users:{user}: role '{r}' is not defined under Permissions:Roles."));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
