using System.Net;
using System.Net.Http.Json;
using Hangfire;
using JobMonitor.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace JobMonitor.IntegrationTests.Security;

/// <summary>The Hangfire dashboard: signed-in users who may see the monitor; its buttons only for those who may restart.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class DashboardAccessTests(ServiceHostFixture host)
{
    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-configured-key")]
    public async Task The_dashboard_is_401_without_a_known_key(string? key)
    {
        using var http = host.ClientFor(null);
        if (key is not null)
            http.DefaultRequestHeaders.Add("X-Api-Key", key);

        using var response = await http.GetAsync(new Uri("/hangfire", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_is_403_for_a_user_who_may_not_see_the_monitor()
    {
        using var http = host.ClientFor(TestUsers.Nobody);

        using var response = await http.GetAsync(new Uri("/hangfire", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_opens_with_the_web_monitors_session_and_links_back_to_the_monitor()
    {
        using var browser = host.ClientFor(null);
        using var signIn = await browser.PostAsJsonAsync("/api/session", new { apiKey = TestUsers.KeyOf(TestUsers.Viewer) }, Cancel);
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);

        var page = await browser.GetStringAsync(new Uri("/hangfire", UriKind.Relative), Cancel);

        Assert.Matches("<a href=\"/monitor\"[^>]*>\\s*Monitor\\s*</a>", page);
    }

    [Fact]
    public async Task A_viewer_sees_a_job_without_its_buttons_and_may_not_delete_it_while_a_restarter_may()
    {
        var jobId = host.Services.GetRequiredService<IBackgroundJobClient>()
            .Schedule(() => Console.WriteLine("a dashboard test job"), TimeSpan.FromDays(1));
        var details = new Uri($"/hangfire/jobs/details/{jobId}", UriKind.Relative);
        var delete = new Uri($"/hangfire/jobs/actions/delete/{jobId}", UriKind.Relative);
        using var viewer = host.ClientFor(TestUsers.Viewer);
        using var operatorClient = host.ClientFor(TestUsers.ShopOperator);

        var readOnlyPage = await viewer.GetStringAsync(details, Cancel);
        var operatorPage = await operatorClient.GetStringAsync(details, Cancel);
        using var refused = await viewer.PostAsync(delete, null, Cancel);
        var stateAfterRefusal = JobState(jobId);
        using var deleted = await operatorClient.PostAsync(delete, null, Cancel);

        Assert.Contains("/jobs/actions/delete/", operatorPage, StringComparison.Ordinal);
        Assert.DoesNotContain("/jobs/actions/delete/", readOnlyPage, StringComparison.Ordinal);
        Assert.DoesNotContain("/jobs/actions/requeue/", readOnlyPage, StringComparison.Ordinal);
        Assert.False(refused.IsSuccessStatusCode, $"the viewer's delete answered {refused.StatusCode}");
        Assert.Equal("Scheduled", stateAfterRefusal);
        Assert.True(deleted.IsSuccessStatusCode, $"the operator's delete answered {deleted.StatusCode}");
        Assert.Equal("Deleted", JobState(jobId));
    }

    string? JobState(string jobId)
    {
        using var connection = host.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetJobData(jobId)?.State;
    }
}
