using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Jobs;

namespace JobMonitor.IntegrationTests.Monitor;

/// <summary>GET /api/jobs over the running service: filters, sorts, counts, scopes, validation, keyset paging.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class JobListTests(ServiceHostFixture host)
{
    [Fact]
    public async Task Each_filter_narrows_the_list_to_the_matching_jobs()
    {
        var jobs = new ListedJobs(host);
        var ready = jobs.Job(1, JobStatus.Ready, j => j.Step = JobStep.Pre);
        var waiting = jobs.Job(2, JobStatus.WaitingForApproval, j => (j.Step, j.Type) = (JobStep.Run, JobType.Urgent));
        var dev = jobs.Job(3, change: j => (j.Environment, j.Natures) = ("DEV", ["database", "hotfix"]));
        var named = jobs.Job(4, change: j => (j.Name, j.Key) = ("Cart_Service 2.0", $"U.PROD-{Guid.NewGuid():N}"));
        var ran = jobs.Job(5, JobStatus.Error, j => (j.StartedAt, j.EndedAt) = (ListedJobs.Base.AddHours(2), ListedJobs.Base.AddHours(3)));
        await jobs.InsertAsync(ready, waiting, dev, named, ran);

        async Task<Guid[]> Find(string query) => [.. ListedJobs.Ids(await jobs.PageAsync(query)).Order()];
        Guid[] Of(params DeploymentJobState[] expected) => [.. expected.Select(j => j.CorrelationId).Order()];

        Assert.Equal(Of(ready, waiting, dev, named, ran), await Find(""));
        Assert.Equal(Of(ready, waiting), await Find("status=Ready&status=Waiting%20for%20Approval"));
        Assert.Equal(Of(waiting), await Find("status=WaitingForApproval"));
        Assert.Equal(Of(ready), await Find("step=PRE"));
        Assert.Equal(Of(dev), await Find("environment=DEV"));
        Assert.Equal(Of(waiting), await Find("type=Urgent"));
        Assert.Equal(Of(dev), await Find("nature=hotfix"));
        Assert.Equal(Of(named), await Find("q=cart_serv"));
        Assert.Equal(Of(named), await Find("q=u.prod-"));
        Assert.Empty(await Find("q=%25"));
        Assert.Equal(Of(ran), await Find($"startedFrom={Iso(ListedJobs.Base.AddHours(1))}&startedTo={Iso(ListedJobs.Base.AddHours(2.5))}"));
        Assert.Equal(Of(ran), await Find("endedFrom=2031-03-01T16:00:00%2B01:00"));
        Assert.Equal(Of(ready, waiting), await Find($"scheduledTo={Iso(ListedJobs.Base.AddMinutes(8))}"));
        Assert.Equal(Of(dev, named, ran), await Find($"scheduledFrom={Iso(ListedJobs.Base.AddMinutes(8))}&scheduledTo={Iso(ListedJobs.Base.AddDays(1))}"));
        Assert.Equal(Of(ready, ran), await Find($"id={ready.CorrelationId}&id={ran.CorrelationId}"));
        Assert.Equal(Of(waiting), await Find($"status=WaitingForApproval&id={ready.CorrelationId}&id={waiting.CorrelationId}"));
    }

    [Fact]
    public async Task The_status_vocabulary_is_every_display_name_in_the_order_of_the_spec()
    {
        using var client = host.ClientFor(TestUsers.Viewer);

        var statuses = await client.GetFromJsonAsync<string[]>("/api/jobs/statuses", TestContext.Current.CancellationToken) ?? [];

        Assert.Equal(
            ["Ready", "Running", "Waiting for Approval", "Rejected", "Expired", "Abend", "Rollback", "Finished", "Error",
                "Canceled", "Trapped", "Trap Paused"],
            statuses);
    }

    [Fact]
    public async Task Sorts_order_by_the_field_with_jobs_without_a_value_last_in_both_orders()
    {
        var jobs = new ListedJobs(host);
        var all = Enumerable.Range(0, 7).Select(i => jobs.Job(i, change: j =>
        {
            // Three never started; two share a start: the id breaks the tie.
            j.StartedAt = i switch { 0 or 3 or 5 => null, 4 => ListedJobs.Base.AddHours(1), _ => ListedJobs.Base.AddHours(i) };
            j.Key = $"N.LIST-{(char)('g' - i)}-{Guid.NewGuid():N}";
        })).ToList();
        await jobs.InsertAsync([.. all]);

        var started = all.Where(j => j.StartedAt is not null);
        var notStarted = all.Where(j => j.StartedAt is null);
        Assert.Equal(
            started.OrderBy(j => j.StartedAt).ThenBy(j => Pg(j.CorrelationId), StringComparer.Ordinal).Concat(notStarted.OrderBy(j => Pg(j.CorrelationId), StringComparer.Ordinal)).Select(j => j.CorrelationId),
            await jobs.AllIdsAsync("sort=started&order=asc&limit=2"));
        Assert.Equal(
            started.OrderByDescending(j => j.StartedAt).ThenByDescending(j => Pg(j.CorrelationId), StringComparer.Ordinal).Concat(notStarted.OrderByDescending(j => Pg(j.CorrelationId), StringComparer.Ordinal)).Select(j => j.CorrelationId),
            await jobs.AllIdsAsync("sort=started&limit=2"));
        Assert.Equal(all.OrderBy(j => j.Key, StringComparer.Ordinal).Select(j => j.CorrelationId), await jobs.AllIdsAsync("sort=key&order=asc&limit=3"));
        Assert.Equal(all.OrderByDescending(j => j.CreatedAt).Select(j => j.CorrelationId), await jobs.AllIdsAsync("limit=3"));
        Assert.Equal(all.OrderBy(j => j.ScheduledAt).Select(j => j.CorrelationId), await jobs.AllIdsAsync("sort=scheduled&order=asc&limit=4"));
    }

    [Fact]
    public async Task Counts_per_status_follow_the_filter_but_not_its_status_part()
    {
        var jobs = new ListedJobs(host);
        await jobs.InsertAsync(
            jobs.Job(1, JobStatus.Ready), jobs.Job(2, JobStatus.Ready), jobs.Job(3, JobStatus.WaitingForApproval),
            jobs.Job(4, JobStatus.Finished), jobs.Job(5, JobStatus.Finished, j => j.Environment = "DEV"));

        var page = await jobs.PageAsync("status=Ready");
        Assert.Equal(2, ListedJobs.Ids(page).Count);
        Assert.Equal((2L, 1L, 2L, 0L), (ListedJobs.Count(page, "Ready"), ListedJobs.Count(page, "Waiting for Approval"),
            ListedJobs.Count(page, "Finished"), ListedJobs.Count(page, "Error")));
        var prod = await jobs.PageAsync("environment=PROD");
        Assert.Equal(1L, ListedJobs.Count(prod, "Finished"));
        Assert.Equal(JobStatuses.All.Count, prod.GetProperty("counts").EnumerateObject().Count());
    }

    [Fact]
    public async Task A_job_outside_the_callers_scope_is_absent_from_items_and_counts()
    {
        var jobs = new ListedJobs(host);
        // The environment is this test's own: shop-operator's scope is shop/*, and other tests run shop jobs too.
        var environment = jobs.Project;
        var shop = jobs.Job(1, JobStatus.Ready, j => (j.Project, j.Environment) = ("shop", environment));
        var other = jobs.Job(2, JobStatus.Ready, j => j.Environment = environment);
        await jobs.InsertAsync(shop, other);

        var operatorPage = await jobs.PageAsync($"environment={environment}", TestUsers.ShopOperator, allProjects: true);
        var viewerPage = await jobs.PageAsync($"environment={environment}", TestUsers.Viewer, allProjects: true);
        var hidden = await jobs.PageAsync($"project={jobs.Project}", TestUsers.ShopOperator, allProjects: true);

        Assert.Equal([shop.CorrelationId], ListedJobs.Ids(operatorPage));
        Assert.Equal(1L, ListedJobs.Count(operatorPage, "Ready"));
        Assert.Equal([other.CorrelationId, shop.CorrelationId], ListedJobs.Ids(viewerPage));
        Assert.Equal(2L, ListedJobs.Count(viewerPage, "Ready"));
        Assert.Empty(ListedJobs.Ids(hidden));
        Assert.Equal(0L, ListedJobs.Count(hidden, "Ready"));
    }

    [Fact]
    public async Task A_caller_without_a_visible_scope_gets_an_empty_page_and_zero_counts()
    {
        var jobs = new ListedJobs(host);
        await jobs.InsertAsync(jobs.Job(1, JobStatus.Ready));

        var page = await jobs.PageAsync("", TestUsers.Nobody, allProjects: true);

        Assert.Empty(ListedJobs.Ids(page));
        Assert.Null(page.GetProperty("nextCursor").GetString());
        Assert.All(page.GetProperty("counts").EnumerateObject(), count => Assert.Equal(0L, count.Value.GetInt64()));
    }

    [Fact]
    public async Task Allowed_actions_are_the_status_rules_the_caller_holds_the_permission_for()
    {
        var jobs = new ListedJobs(host);
        var environment = jobs.Project;
        var ready = jobs.Job(1, JobStatus.Ready, j => (j.Project, j.Environment, j.Step) = ("shop", environment, JobStep.Pre));
        var waiting = jobs.Job(2, JobStatus.WaitingForApproval, j =>
            (j.Project, j.Environment, j.Step, j.Pipeline) = ("shop", environment, JobStep.Run, new JobPipeline { Pre = [ListedJobs.Approval("role:release-managers")] }));
        await jobs.InsertAsync(ready, waiting);

        async Task<Dictionary<Guid, string[]>> ActionsFor(string user) =>
            (await jobs.PageAsync($"environment={environment}", user, allProjects: true)).GetProperty("items").EnumerateArray()
                .ToDictionary(i => i.GetProperty("id").GetGuid(), i => i.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()!).ToArray());

        var admin = await ActionsFor(TestUsers.Admin);
        var shopOperator = await ActionsFor(TestUsers.ShopOperator);
        var releaseManager = await ActionsFor(TestUsers.ReleaseManager);
        var viewer = await ActionsFor(TestUsers.Viewer);

        Assert.Equal(["rerun", "cancel", "reschedule", "delete"], admin[ready.CorrelationId]);
        Assert.Equal(["rerun", "cancel", "reschedule"], shopOperator[ready.CorrelationId]);
        Assert.Equal(["rerun", "cancel", "reschedule"], shopOperator[waiting.CorrelationId]);
        Assert.Equal(["approve", "reject"], releaseManager[waiting.CorrelationId]);
        Assert.Empty(releaseManager[ready.CorrelationId]);
        Assert.Empty(viewer[waiting.CorrelationId]);
    }

    [Fact]
    public async Task Bad_parameters_are_a_problem_naming_each_field()
    {
        using var client = host.ClientFor(TestUsers.Admin);
        using var response = await client.GetAsync(
            "/api/jobs?id=job-1&status=Sleeping&step=NAP&type=Slow&sort=size&order=up&limit=501&startedFrom=yesterday&endedTo=2031-03-01T12:00:00");
        // Two jobs of its own: a first page of one has a next cursor even when no other test has run yet.
        var jobs = new ListedJobs(host);
        await jobs.InsertAsync(jobs.Job(1), jobs.Job(2));
        var keyCursor = (await jobs.PageAsync("sort=key&limit=1", allProjects: true)).GetProperty("nextCursor").GetString();
        using var wrongSort = await client.GetAsync($"/api/jobs?sort=created&cursor={keyCursor}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal(["endedTo", "id", "limit", "order", "sort", "startedFrom", "status", "step", "type"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, wrongSort.StatusCode);
        Assert.True(JsonDocument.Parse(await wrongSort.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    [Fact]
    public async Task Pages_read_while_jobs_are_inserted_hold_every_job_of_the_snapshot_once()
    {
        var jobs = new ListedJobs(host);
        var snapshot = Enumerable.Range(0, 40).Select(i => jobs.Job(i % 13, change: j => j.ScheduledAt = ListedJobs.Base.AddMinutes(i % 7))).ToList();
        await jobs.InsertAsync([.. snapshot]);
        var inserted = new List<Guid>();
        var minute = 100;
        async Task InsertMore()
        {
            // New jobs: created now (ahead of the newest-first cursor) and scheduled anywhere in the range.
            var more = Enumerable.Range(0, 3).Select(i => jobs.Job(minute++, change: j => j.ScheduledAt = ListedJobs.Base.AddMinutes(i * 3))).ToArray();
            inserted.AddRange(more.Select(j => j.CorrelationId));
            await jobs.InsertAsync(more);
        }

        var newestFirst = await jobs.AllIdsAsync("limit=6", betweenPages: InsertMore);
        var bySchedule = await jobs.AllIdsAsync("sort=scheduled&order=asc&limit=6", betweenPages: InsertMore);

        var expected = snapshot.Select(j => j.CorrelationId).Order().ToList();
        Assert.Equal(expected, newestFirst.Order().ToList());
        Assert.Equal(bySchedule.Count, bySchedule.Distinct().Count());
        Assert.Subset(bySchedule.ToHashSet(), expected.ToHashSet());
        Assert.Subset(expected.Concat(inserted).ToHashSet(), bySchedule.ToHashSet());
    }

    static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    // PostgreSQL orders uuids by their bytes in text order, which differs from Guid.CompareTo.
    static string Pg(Guid id) => id.ToString("N");
}
