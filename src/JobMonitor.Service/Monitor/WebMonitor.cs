using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace JobMonitor.Service.Monitor;

/// <summary>
/// The operator's web monitor: plain HTML, CSS and ES modules under wwwroot/monitor, served at /monitor. The files
/// are endpoints open to anonymous callers (the sign-in page must load before anyone is signed in); everything they
/// show comes from the API, which needs a signed-in user. Nothing else of wwwroot is served.
/// </summary>
public static class WebMonitor
{
    const string Root = "monitor";
    static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static void MapWebMonitor(this WebApplication app)
    {
        var files = app.Environment.WebRootFileProvider;
        app.MapGet("/", () => TypedResults.Redirect("/monitor")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/monitor/{**path}", (string? path, HttpContext context) => Serve(files, path, context))
            .AllowAnonymous().ExcludeFromDescription();
    }

    static IResult Serve(IFileProvider files, string? path, HttpContext context)
    {
        // The pages load their modules by relative URL: /monitor must become /monitor/ (routing matches both).
        if (string.IsNullOrEmpty(path) && !context.Request.Path.Value!.EndsWith('/'))
            return TypedResults.Redirect("/monitor/");
        var relative = string.IsNullOrEmpty(path) ? "index.html" : path;
        // The file provider refuses paths that climb out of wwwroot; a dot-segment or a hidden file is never ours.
        if (relative.Split('/').Any(segment => segment.Length == 0 || segment.StartsWith('.')))
            return TypedResults.NotFound();
        var file = files.GetFileInfo($"{Root}/{relative}");
        if (!file.Exists || file.IsDirectory || file.PhysicalPath is null || !ContentTypes.TryGetContentType(relative, out var type))
            return TypedResults.NotFound();
        // Revalidate every time: a new build's pages and modules are picked up at once, unchanged ones answer 304.
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ContentSecurityPolicy =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
        var tag = new EntityTagHeaderValue($"\"{file.LastModified.UtcTicks:x}-{file.Length:x}\"");
        return TypedResults.PhysicalFile(file.PhysicalPath, type, lastModified: file.LastModified, entityTag: tag);
    }
}
