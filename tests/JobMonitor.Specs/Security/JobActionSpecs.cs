using JobMonitor.Service.Security;

namespace JobMonitor.Specs.Security;

/// <summary>The permission names configuration and <c>/api/me</c> carry, and the refusal of a name the service does not know.</summary>
public sealed class JobActionSpecs
{
    [Fact]
    public void The_permissions_keep_their_configured_names() =>
        Assert.Equal(["action.job.view_monitor", "action.job.approve_all", "action.job.restart", "action.job.cancel",
            "action.job.delete", "action.job.create"], JobActions.All.Select(a => a.Wire()));

    [Fact]
    public void An_unknown_permission_is_refused_with_the_known_ones()
    {
        var options = new PermissionsOptions { Roles = { ["ops"] = new RoleOptions { Actions = ["action.job.restart", "action.job.reboot"] } } };

        var result = new PermissionsOptionsValidator().Validate(null, options);

        Assert.Equal(["Permissions:Roles:ops:Actions: 'action.job.reboot' is not a permission (known: action.job.view_monitor, "
            + "action.job.approve_all, action.job.restart, action.job.cancel, action.job.delete, action.job.create)."], result.Failures!);
    }
}
