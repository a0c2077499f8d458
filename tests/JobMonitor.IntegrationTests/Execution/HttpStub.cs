using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JobMonitor.IntegrationTests.Execution;

/// <summary>A tiny HTTP server on 127.0.0.1 for http ops: <c>/allowed/status/{code}</c> and <c>/allowed/slow</c>.</summary>
public sealed class HttpStub : IAsyncDisposable
{
    readonly WebApplication app;

    HttpStub(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Every request the stub received: method, path and the X-Token header.</summary>
    public ConcurrentQueue<(string Method, string Path, string? Token, string Body)> Requests { get; } = new();

    public static async Task<HttpStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        HttpStub? stub = null;
        app.Use(async (context, next) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            stub!.Requests.Enqueue((context.Request.Method, context.Request.Path.Value ?? "", context.Request.Headers["X-Token"].FirstOrDefault(), body));
            await next(context);
        });
        app.MapMethods("/allowed/status/{code:int}", ["GET", "POST", "PUT"], (int code) => Results.Text($"answered {code}", statusCode: code));
        app.MapGet("/allowed/slow", async (CancellationToken aborted) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), aborted);
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        stub = new HttpStub(app, new Uri(address));
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
