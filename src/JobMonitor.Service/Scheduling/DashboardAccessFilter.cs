using System.Net;
using Hangfire.Dashboard;

namespace JobMonitor.Service.Scheduling;

/// <summary>Stand-in until the security work: the dashboard answers local requests, or everyone when allowed.</summary>
public sealed class DashboardAccessFilter(bool allowRemote) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        if (allowRemote)
            return true;

        var connection = context.GetHttpContext().Connection;
        var remote = connection.RemoteIpAddress;
        // No remote address: an in-process server (tests), which is local by definition.
        return remote is null || IPAddress.IsLoopback(remote) || remote.Equals(connection.LocalIpAddress);
    }
}
