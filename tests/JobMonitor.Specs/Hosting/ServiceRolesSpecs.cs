using JobMonitor.Service;
using Microsoft.Extensions.Configuration;

namespace JobMonitor.Specs.Hosting;

public sealed class ServiceRolesSpecs
{
    static ServiceRoles RolesOf(string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ServiceRolesConfiguration.Key] = value }).Build().Roles();

    [Theory]
    [InlineData(null, ServiceRoles.Api | ServiceRoles.Workers)]
    [InlineData("both", ServiceRoles.Api | ServiceRoles.Workers)]
    [InlineData("api, workers", ServiceRoles.Api | ServiceRoles.Workers)]
    [InlineData("API", ServiceRoles.Api)]
    [InlineData("workers", ServiceRoles.Workers)]
    public void Roles_are_read_from_service_roles_and_default_to_both(string? value, ServiceRoles expected) =>
        Assert.Equal(expected, RolesOf(value));

    [Theory]
    [InlineData("scheduler")]
    [InlineData(",")]
    public void An_unknown_or_empty_role_list_stops_the_start(string value) =>
        Assert.Throws<InvalidOperationException>(() => RolesOf(value));
}
