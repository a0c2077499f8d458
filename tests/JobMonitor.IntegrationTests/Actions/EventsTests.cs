using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Lifecycle;

namespace JobMonitor.IntegrationTests.Actions;

/// <summary>GET /api/events: job changes and deletions as server-sent events, only for jobs the caller may see.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class EventsTests(ServiceHostFixture host)
{
    readonly ActionCalls _calls = new(host);

    [Fact]
    public async Task Events_deliver_changes_and_deletions_of_visible_jobs_and_never_an_out_of_scope_job()
    {
        await using var events = await SseStream.OpenAsync(_calls.As(TestUsers.ShopOperator), "/api/events");
        var bank = await _calls.CreateAsync("bank", LifecycleJobs.LogOnlyPipeline);
        await _calls.Jobs.WaitForStatusAsync(bank, "Finished");
        var shop = await _calls.CreateAsync("shop", LifecycleJobs.LogOnlyPipeline);

        var finished = await events.WaitForAsync(e => e.EventType == "job" && Is(e.Data, shop, "Finished"), "the shop job's Finished event");
        // The out-of-scope deletion first: had it leaked, it would be there by the time the visible one arrives.
        await _calls.AcceptedAsync(TestUsers.Admin, bank, "delete");
        await _calls.AcceptedAsync(TestUsers.Admin, shop, "delete");
        await events.WaitForAsync(e => e.EventType == "deleted" && Id(e.Data) == shop, "the shop job's deletion");

        Assert.Equal("shop", JsonDocument.Parse(finished.Data).RootElement.GetProperty("project").GetString());
        Assert.DoesNotContain(events.Received, e => Id(e.Data) == bank);
    }

    static Guid Id(string data) => JsonDocument.Parse(data).RootElement.GetProperty("id").GetGuid();

    static bool Is(string data, Guid id, string status)
    {
        var job = JsonDocument.Parse(data).RootElement;
        return job.GetProperty("id").GetGuid() == id && job.GetProperty("status").GetString() == status;
    }
}
