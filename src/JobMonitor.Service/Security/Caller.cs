using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Security;

/// <summary>
/// What one user may do: their roles and, per permission, the scopes it holds in. Built by <see cref="JobAccess" />
/// from configuration; the same answers serve the HTTP API and the commands arriving on the bus.
/// </summary>
public sealed class Caller(string name, IReadOnlySet<string> roles, IReadOnlyDictionary<JobAction, IReadOnlyList<ScopePattern>> grants)
{
    const string RolePrefix = "role:";

    public string Name { get; } = name;

    public IReadOnlySet<string> Roles { get; } = roles;

    /// <summary>Scopes where the user sees jobs: the scopes of the roles holding <see cref="JobAction.ViewMonitor" />.</summary>
    public IReadOnlyList<ScopePattern> VisibleScopes => ScopesOf(JobAction.ViewMonitor);

    public IReadOnlyList<ScopePattern> ScopesOf(JobAction action) => grants.TryGetValue(action, out var scopes) ? scopes : [];

    /// <summary>Outside these, a job does not exist for the user (404, absent from lists, counts and events).</summary>
    public bool CanSee(string project, string environment) => Holds(JobAction.ViewMonitor, project, environment);

    public bool Holds(JobAction action, string project, string environment) =>
        ScopesOf(action).Any(scope => scope.Covers(project, environment));

    /// <summary>Whether the user may send <paramref name="command" /> to this job, status aside.</summary>
    public bool MayAct(OperatorCommand command, string project, string environment, IEnumerable<string> approvers)
    {
        if (!CanSee(project, environment))
            return false;
        if (command is OperatorCommand.Approve or OperatorCommand.Reject && IsApprover(approvers))
            return true;
        return JobActions.For(command).Any(action => Holds(action, project, environment));
    }

    /// <summary>Listed by name, or holding a listed <c>role:</c>.</summary>
    public bool IsApprover(IEnumerable<string> approvers) => approvers.Any(a =>
        a.StartsWith(RolePrefix, StringComparison.Ordinal) ? Roles.Contains(a[RolePrefix.Length..]) : a == Name);
}
