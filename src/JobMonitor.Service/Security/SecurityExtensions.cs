using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Security;

public static class SecurityExtensions
{
    /// <summary>The permission model (roles, scopes, users) shared by the HTTP API and the bus command checks.</summary>
    public static void AddJobAccess(this IHostApplicationBuilder builder) => builder.Services.AddJobAccess();

    /// <inheritdoc cref="AddJobAccess(IHostApplicationBuilder)" />
    public static IServiceCollection AddJobAccess(this IServiceCollection services)
    {
        services.AddOptions<PermissionsOptions>().BindConfiguration(PermissionsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PermissionsOptions>, PermissionsOptionsValidator>();
        services.AddSingleton<JobAccess>();
        return services;
    }

    /// <summary>
    /// API keys, OIDC bearer tokens when configured, and the web monitor's session cookie; every endpoint requires a
    /// signed-in user unless it says otherwise.
    /// </summary>
    public static void AddApiAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => o.ApiKeys.Values.All(IsHash), "Auth:ApiKeys: every value must be 'sha256:' and 64 hex digits (printf %s \"$key\" | sha256sum).")
            .Validate(o => !o.Jwt.Enabled || !string.IsNullOrWhiteSpace(o.Jwt.Audience), "Auth:Jwt:Audience is required when Auth:Jwt:Authority is set.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyHashes>();
        builder.Services.AddAuthentication(SelectScheme)
            .AddPolicyScheme(SelectScheme, "API key header, bearer token, else the web monitor's session cookie", policy =>
                policy.ForwardDefaultSelector = SchemeOf)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer()
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = SessionApi.CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.SlidingExpiration = true;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                // An API answers 401/403; it never redirects to a login page.
                cookie.Events.OnRedirectToLogin = context => Status(context, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => Status(context, StatusCodes.Status403Forbidden);
            });
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((bearer, auth) =>
            {
                var jwt = auth.Value.Jwt;
                bearer.Authority = jwt.Authority;
                bearer.Audience = jwt.Audience;
                bearer.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
                // The claim names as the provider wrote them: NameClaim is looked up as configured.
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters.NameClaimType = jwt.NameClaim;
            });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }

    /// <summary>
    /// The scheme that authenticates a request, by what it carries. A bearer token with no authority configured
    /// signs nobody in (the cookie scheme finds no session cookie in an API call).
    /// </summary>
    static string SchemeOf(HttpContext context)
    {
        if (ApiKeyAuthenticationHandler.Presents(context.Request))
            return ApiKeyAuthenticationHandler.SchemeName;
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && context.RequestServices.GetRequiredService<IOptionsMonitor<AuthOptions>>().CurrentValue.Jwt.Enabled)
            return JwtBearerDefaults.AuthenticationScheme;
        return CookieAuthenticationDefaults.AuthenticationScheme;
    }

    const string SelectScheme = "JobMonitor";

    static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>The caller of an HTTP request, with what they may see and do.</summary>
    public static Caller Caller(this HttpContext context) =>
        context.RequestServices.GetRequiredService<JobAccess>().For(context.User.Identity?.Name ?? "");

    static bool IsHash(string value)
    {
        try
        {
            ApiKeyHashes.Parse(value);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
