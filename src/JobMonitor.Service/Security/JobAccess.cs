using JobMonitor.Service.Jobs;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Security;

/// <summary>Answers "who may do what where" from <see cref="PermissionsOptions" />, reloaded when configuration changes.</summary>
public sealed class JobAccess(IOptionsMonitor<PermissionsOptions> options)
{
    public Caller For(string user)
    {
        var permissions = options.CurrentValue;
        var roles = permissions.Users.TryGetValue(user, out var names) ? names.ToHashSet(StringComparer.Ordinal) : [];
        var grants = new Dictionary<string, List<ScopePattern>>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            if (!permissions.Roles.TryGetValue(role, out var granted))
                continue;
            var scopes = granted.Scopes.Select(ScopePattern.Parse).ToList();
            foreach (var action in granted.Actions)
            {
                if (!grants.TryGetValue(action, out var list))
                    grants[action] = list = [];
                list.AddRange(scopes);
            }
        }
        return new Caller(user, roles, grants.ToDictionary(g => g.Key, g => (IReadOnlyList<ScopePattern>)g.Value, StringComparer.Ordinal));
    }

    /// <summary>The approvers named by the approval ops of the job's PRE step.</summary>
    public static IEnumerable<string> ApproversOf(DeploymentJobState job) =>
        job.Pipeline.Pre.Where(op => op.Kind == OpKind.Approval).SelectMany(op => op.Params.Approvers ?? []);
}
