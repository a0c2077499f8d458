using Hangfire.Dashboard;
using JobMonitor.Service.Security;

namespace JobMonitor.Service.Scheduling;

/// <summary>
/// The Hangfire dashboard is for users who may see the monitor (<c>action.job.view_monitor</c> in some scope), and
/// its buttons (requeue, delete, trigger) for those who may restart jobs. The request's user is the one the
/// authentication middleware signed in (API key or the web monitor's session); Hangfire answers 401 to an anonymous
/// request and 403 to a signed-in user this filter refuses.
/// </summary>
public sealed class DashboardAccessFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) =>
        context.GetHttpContext() is { User.Identity.IsAuthenticated: true } http && http.Caller().VisibleScopes.Count > 0;

    /// <summary>For <see cref="Hangfire.DashboardOptions.IsReadOnlyFunc" />: no buttons without restart somewhere.</summary>
    public static bool IsReadOnly(DashboardContext context) =>
        context.GetHttpContext().Caller().ScopesOf(JobAction.Restart).Count == 0;
}
