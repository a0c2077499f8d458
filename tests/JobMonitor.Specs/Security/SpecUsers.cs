using JobMonitor.Service.Security;

namespace JobMonitor.Specs.Security;

/// <summary>
/// The permission set the spec harness runs with. <see cref="Operator" /> and <see cref="Pipeline" /> (the senders of
/// the lifecycle specs) hold everything everywhere; the others hold one thing each, or hold it elsewhere, for the
/// permission specs. The harness's jobs are in <c>shop/PROD</c>.
/// </summary>
public static class SpecUsers
{
    public const string Operator = "ana";
    public const string Pipeline = "ci-bot";
    public const string Viewer = "viewer";
    public const string Restarter = "restarter";
    public const string Canceller = "canceller";
    public const string Deleter = "deleter";
    public const string ApproverOfAll = "approver-of-all";
    public const string Creator = "creator";
    /// <summary>Every permission, on <c>shop/DEV</c> only.</summary>
    public const string DevOperator = "dev-operator";
    /// <summary>Restart and everything else but view_monitor: the jobs are invisible to them.</summary>
    public const string Blind = "blind";
    /// <summary>A viewer, listed by name among a job's approvers.</summary>
    public const string NamedApprover = "ben";
    /// <summary>A viewer in role <c>release-managers</c>, listed as <c>role:release-managers</c>.</summary>
    public const string ReleaseManager = "carla";
    /// <summary>Listed by name among the approvers, but cannot see the job.</summary>
    public const string UnseeingApprover = "dora";
    /// <summary>Not configured at all.</summary>
    public const string Stranger = "stranger";

    /// <summary>The approvers of the harness's jobs that wait for approval.</summary>
    public static string[] Approvers { get; } = [Operator, NamedApprover, "role:release-managers", UnseeingApprover];

    public static IReadOnlyDictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>();
        Role(settings, "operators", "*/*", [.. JobActions.All]);
        Role(settings, "viewers", "*/*", JobAction.ViewMonitor);
        Role(settings, "restarters", "shop/*", JobAction.ViewMonitor, JobAction.Restart);
        Role(settings, "cancellers", "shop/*", JobAction.ViewMonitor, JobAction.Cancel);
        Role(settings, "deleters", "shop/*", JobAction.ViewMonitor, JobAction.Delete);
        Role(settings, "approvers", "shop/*", JobAction.ViewMonitor, JobAction.ApproveAll);
        Role(settings, "creators", "shop/*", JobAction.ViewMonitor, JobAction.Create);
        Role(settings, "dev-operators", "shop/DEV", [.. JobActions.All]);
        Role(settings, "blind", "*/*", [.. JobActions.All.Where(a => a != JobAction.ViewMonitor)]);
        Role(settings, "release-managers", "*/*", JobAction.ViewMonitor);
        User(settings, Operator, "operators");
        User(settings, Pipeline, "operators");
        User(settings, Viewer, "viewers");
        User(settings, Restarter, "restarters");
        User(settings, Canceller, "cancellers");
        User(settings, Deleter, "deleters");
        User(settings, ApproverOfAll, "approvers");
        User(settings, Creator, "creators");
        User(settings, DevOperator, "dev-operators");
        User(settings, Blind, "blind");
        User(settings, NamedApprover, "viewers");
        User(settings, ReleaseManager, "release-managers");
        User(settings, UnseeingApprover, "dev-operators");
        return settings;
    }

    static void Role(Dictionary<string, string?> settings, string role, string scope, params JobAction[] actions)
    {
        for (var i = 0; i < actions.Length; i++)
            settings[$"Permissions:Roles:{role}:Actions:{i}"] = actions[i].Wire();
        settings[$"Permissions:Roles:{role}:Scopes:0"] = scope;
    }

    static void User(Dictionary<string, string?> settings, string user, string role) =>
        settings[$"Permissions:Users:{user}:0"] = role;
}
