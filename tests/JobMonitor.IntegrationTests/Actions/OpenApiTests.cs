using System.Net;
using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;

namespace JobMonitor.IntegrationTests.Actions;

/// <summary>GET /openapi/v1.json: the API described, to signed-in callers only.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class OpenApiTests(ServiceHostFixture host)
{
    static readonly string[] ActionResults = ["202", "400", "403", "404", "409"];
    static readonly string[] Paths = ["/api/jobs", "/api/commands/{commandId}", "/api/jobs/{id}/log", "/api/events", "/api/jobs/{id}/trap/resume"];

    [Fact]
    public async Task The_openapi_document_lists_the_action_endpoints_with_their_results_and_needs_a_key()
    {
        using var anonymous = await host.ClientFor(null).GetAsync("/openapi/v1.json");
        var document = JsonDocument.Parse(await host.Client.GetStringAsync("/openapi/v1.json")).RootElement;

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var paths = document.GetProperty("paths");
        var cancel = paths.GetProperty("/api/jobs/{id}/cancel").GetProperty("post");
        Assert.Equal("Actions", cancel.GetProperty("tags")[0].GetString());
        Assert.All(ActionResults, code => Assert.True(cancel.GetProperty("responses").TryGetProperty(code, out _), code));
        foreach (var path in Paths)
            Assert.True(paths.TryGetProperty(path, out _), path);
    }
}
