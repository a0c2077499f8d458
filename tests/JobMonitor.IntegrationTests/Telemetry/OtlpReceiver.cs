using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace JobMonitor.IntegrationTests.Telemetry;

/// <summary>The smallest OTLP/HTTP receiver: answers 200 to every POST and counts them by path (/v1/traces, /v1/metrics...).</summary>
public sealed class OtlpReceiver : IDisposable
{
    readonly HttpListener listener = new();
    readonly ConcurrentDictionary<string, int> posts = new();
    readonly Task serving;

    public OtlpReceiver()
    {
        Endpoint = new Uri($"http://127.0.0.1:{FreePort()}/");
        listener.Prefixes.Add(Endpoint.ToString());
        listener.Start();
        serving = ServeAsync();
    }

    public Uri Endpoint { get; }

    public int Posts(string path) => posts.GetValueOrDefault(path);

    async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            await using (var body = new MemoryStream())
            {
                await context.Request.InputStream.CopyToAsync(body);
                if (context.Request.HttpMethod == "POST" && context.Request.ContentType == "application/x-protobuf" && body.Length > 0)
                    posts.AddOrUpdate(context.Request.Url!.AbsolutePath, 1, (_, n) => n + 1);
            }
            // An empty body is a valid ExportTraceServiceResponse / ExportMetricsServiceResponse.
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        listener.Close();
        serving.Wait(TimeSpan.FromSeconds(5));
    }
}
