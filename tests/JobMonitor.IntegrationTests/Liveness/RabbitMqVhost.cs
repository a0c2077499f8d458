using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Liveness;

/// <summary>
/// A throw-away vhost on the test broker, made through the management API (which scripts/test already relies on to
/// make the test vhost). Its address: JOBMONITOR_TEST_RABBITMQ_MANAGEMENT, else port 15672 of the AMQP host, with
/// the AMQP credentials.
/// </summary>
public sealed class RabbitMqVhost : IAsyncDisposable
{
    readonly HttpClient http;

    RabbitMqVhost(HttpClient http, string name, Uri amqp)
    {
        this.http = http;
        Name = name;
        Amqp = amqp;
    }

    public string Name { get; }

    public Uri Amqp { get; }

    public static async Task<RabbitMqVhost> CreateAsync(string purpose)
    {
        var amqp = TestServices.RabbitMq;
        var user = Uri.UnescapeDataString(amqp.UserInfo.Split(':')[0]);
        var password = Uri.UnescapeDataString(amqp.UserInfo.Split(':').ElementAtOrDefault(1) ?? "");
        var management = Environment.GetEnvironmentVariable("JOBMONITOR_TEST_RABBITMQ_MANAGEMENT") is { } configured
            ? new Uri(configured)
            : new UriBuilder("http", amqp.Host, 15672).Uri;
        var http = new HttpClient { BaseAddress = management, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

        var name = $"jobmonitor-{purpose}-{Guid.NewGuid():N}";
        var escaped = Uri.EscapeDataString(name);
        try
        {
            (await http.PutAsJsonAsync($"/api/vhosts/{escaped}", new { })).EnsureSuccessStatusCode();
            (await http.PutAsJsonAsync($"/api/permissions/{escaped}/{Uri.EscapeDataString(user)}",
                new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        }
        catch (HttpRequestException e)
        {
            http.Dispose();
            var problem = $"the RabbitMQ management API at {management} did not make a vhost: {e.Message}";
            if (TestServices.Required)
                throw new InvalidOperationException(problem, e);
            Assert.Skip(problem);
        }
        return new RabbitMqVhost(http, name, new UriBuilder(amqp) { Path = "/" + escaped }.Uri);
    }

    public async ValueTask DisposeAsync()
    {
        using (http)
            await http.DeleteAsync(new Uri($"/api/vhosts/{Uri.EscapeDataString(Name)}", UriKind.Relative));
    }
}
