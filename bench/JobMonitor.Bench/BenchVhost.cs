using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace JobMonitor.Bench;

/// <summary>
/// A RabbitMQ vhost made for one bench run through the broker's management API (guest's permissions on it), and
/// deleted with everything in it at the end: the bench needs no manual rabbitmqctl step and leaves nothing behind.
/// </summary>
public sealed class BenchVhost : IAsyncDisposable
{
    readonly HttpClient _management;
    readonly string _escapedName;

    BenchVhost(HttpClient management, string name, Uri amqp)
    {
        _management = management;
        _escapedName = Uri.EscapeDataString(name);
        Name = name;
        Amqp = amqp;
    }

    public string Name { get; }

    /// <summary>The broker's AMQP URI with this vhost as its path.</summary>
    public Uri Amqp { get; }

    public static async Task<BenchVhost> CreateAsync(Uri broker, Uri management)
    {
        var userInfo = Uri.UnescapeDataString(broker.UserInfo);
        var user = userInfo.Split(':')[0];
        var http = new HttpClient { BaseAddress = management, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)));
        var name = $"jm-bench-{Guid.NewGuid():N}"[..21];
        var vhost = new BenchVhost(http, name, new UriBuilder(broker) { Path = "/" + Uri.EscapeDataString(name) }.Uri);
        try
        {
            (await http.PutAsJsonAsync($"api/vhosts/{vhost._escapedName}", new { })).EnsureSuccessStatusCode();
            (await http.PutAsJsonAsync($"api/permissions/{vhost._escapedName}/{Uri.EscapeDataString(user)}",
                new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
            return vhost;
        }
        catch (Exception)
        {
            await vhost.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (_management)
            await _management.DeleteAsync(new Uri($"api/vhosts/{_escapedName}", UriKind.Relative));
    }
}
