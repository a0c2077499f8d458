using System.Collections.Concurrent;
using JobMonitor.Service.Jobs;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Security;

/// <summary>Answers "who may do what where" from <see cref="PermissionsOptions" />, reloaded when configuration changes.</summary>
public sealed class JobAccess(IOptionsMonitor<PermissionsOptions> options)
{
    static readonly IReadOnlyDictionary<JobAction, IReadOnlyList<ScopePattern>> NoGrants =
        new Dictionary<JobAction, IReadOnlyList<ScopePattern>>();

    // Every request and every bus command asks; a caller's scopes compile regexes, so each configured user is built
    // once per configuration (a reload brings a new options instance, and with it an empty cache). Users not in the
    // configuration are not cached: a bus command may name anyone.
    Cache _cache = new(null, new(StringComparer.Ordinal));

    public Caller For(string user)
    {
        var permissions = options.CurrentValue;
        if (!permissions.Users.TryGetValue(user, out var roles))
            return new Caller(user, new HashSet<string>(StringComparer.Ordinal), NoGrants);
        var cache = _cache;
        if (!ReferenceEquals(cache.Source, permissions))
            _cache = cache = new Cache(permissions, new(StringComparer.Ordinal));
        return cache.Callers.GetOrAdd(user, name => Build(name, roles, permissions));
    }

    static Caller Build(string user, IEnumerable<string> roleNames, PermissionsOptions permissions)
    {
        var roles = roleNames.ToHashSet(StringComparer.Ordinal);
        var grants = new Dictionary<JobAction, List<ScopePattern>>();
        foreach (var role in roles)
        {
            if (!permissions.Roles.TryGetValue(role, out var granted))
                continue;
            var scopes = granted.Scopes.Select(ScopePattern.Parse).ToList();
            // PermissionsOptionsValidator refuses a name that is no permission.
            foreach (var action in granted.Actions.Select(JobActions.Parse).OfType<JobAction>())
            {
                if (!grants.TryGetValue(action, out var list))
                    grants[action] = list = [];
                list.AddRange(scopes);
            }
        }
        return new Caller(user, roles, grants.ToDictionary(g => g.Key, g => (IReadOnlyList<ScopePattern>)g.Value));
    }

    /// <summary>The approvers named by the approval ops of the job's PRE step.</summary>
    public static IEnumerable<string> ApproversOf(DeploymentJobState job) =>
        job.Pipeline.Pre.Where(op => op.Kind == OpKind.Approval).SelectMany(op => op.Params.Approvers ?? []);

    sealed record Cache(PermissionsOptions? Source, ConcurrentDictionary<string, Caller> Callers);
}
