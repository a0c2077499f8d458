using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using JobMonitor.Service.Monitor;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JobMonitor.Service.Security;

/// <summary>
/// Sign-in for the web monitor: the API key is posted once and exchanged for an HttpOnly cookie, so it never sits
/// in a URL, in page script or in a log. <c>/api/me</c> tells a client who it is and what it may do.
/// </summary>
public static class SessionApi
{
    public const string CookieName = "jm_session";

    public sealed record SignIn(string? ApiKey);

    public sealed record Me(string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Permissions);

    public static void MapSessionApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/session", SignInAsync).AllowAnonymous().WithTags("Session");
        app.MapDelete("/api/session", (Delegate)SignOutAsync).WithTags("Session");
        app.MapGet("/api/me", WhoAmI).WithTags("Session");
    }

    static async Task<Results<NoContent, ProblemHttpResult>> SignInAsync(SignIn body, HttpContext context, ApiKeyHashes keys)
    {
        if (string.IsNullOrEmpty(body.ApiKey))
            return Problems.Invalid("apiKey", "apiKey is required.");
        var user = keys.UserOf(body.ApiKey);
        if (user is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: "That API key is not configured.");
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return TypedResults.NoContent();
    }

    static async Task<NoContent> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    static Ok<Me> WhoAmI(HttpContext context)
    {
        var caller = context.Caller();
        return TypedResults.Ok(new Me(caller.Name, [.. caller.Roles.Order(StringComparer.Ordinal)],
            JobActions.All.Where(a => caller.ScopesOf(a).Count > 0).Select(a => a.Wire()).ToList()));
    }
}
