using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Security;

public static class SecurityExtensions
{
    /// <summary>The permission model (roles, scopes, users) shared by the HTTP API and the bus command checks.</summary>
    public static void AddJobAccess(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PermissionsOptions>().BindConfiguration(PermissionsOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PermissionsOptions>, PermissionsOptionsValidator>();
        builder.Services.AddSingleton<JobAccess>();
    }
}
