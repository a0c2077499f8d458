using System.Net;
using System.Text.Json;
using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JobMonitor.IntegrationTests.Monitor;

/// <summary>
/// Jobs written straight into the shared host's jobs table (as the saga repository saves them, without running
/// them), in a project named for one test so that the other tests' jobs never show in its list.
/// </summary>
public sealed class ListedJobs(ServiceHostFixture host)
{
    public string Project { get; } = $"list-{Guid.NewGuid():N}"[..17];

    public static DateTimeOffset Base { get; } = new(2031, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public DeploymentJobState Job(int minute, JobStatus status = JobStatus.Finished, Action<DeploymentJobState>? change = null)
    {
        var id = Guid.NewGuid();
        var job = new DeploymentJobState
        {
            CorrelationId = id,
            CurrentState = status.StateName(),
            Step = JobStep.End,
            Key = $"N.LIST-{id:N}",
            Name = $"web {minute}",
            Project = Project,
            Environment = "PROD",
            Type = JobType.Normal,
            CreatedAt = Base.AddMinutes(minute),
            UpdatedAt = Base.AddMinutes(minute),
            ScheduledAt = Base.AddMinutes(minute + 5),
            MaxStartAt = Base.AddMinutes(minute + 65),
        };
        change?.Invoke(job);
        return job;
    }

    public async Task InsertAsync(params DeploymentJobState[] jobs)
    {
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        await using var transaction = await JobSagaTransaction.BeginAsync(dataSource, TestContext.Current.CancellationToken);
        foreach (var job in jobs)
            await transaction.InsertAsync(job, TestContext.Current.CancellationToken);
        await transaction.CommitAsync();
    }

    /// <summary>One page as <paramref name="user" />; <paramref name="query" /> is appended to this project's filter.</summary>
    public async Task<JsonElement> PageAsync(string query, string user = TestUsers.Admin, bool allProjects = false)
    {
        using var client = host.ClientFor(user);
        using var response = await client.GetAsync($"/api/jobs?{(allProjects ? "" : $"project={Project}&")}{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Every page from the first, following nextCursor.</summary>
    public async Task<List<Guid>> AllIdsAsync(string query, string user = TestUsers.Admin, Func<Task>? betweenPages = null)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await PageAsync(query + (cursor is null ? "" : $"&cursor={cursor}"), user);
            ids.AddRange(Ids(page));
            cursor = page.GetProperty("nextCursor").GetString();
            if (betweenPages is not null)
                await betweenPages();
        }
        while (cursor is not null);
        return ids;
    }

    public static List<Guid> Ids(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid()).ToList();

    public static long Count(JsonElement page, string status) => page.GetProperty("counts").GetProperty(status).GetInt64();

    public static OpDefinition Approval(params string[] approvers) =>
        new() { Name = "approve", Kind = OpKind.Approval, Params = new OpParams { Approvers = approvers } };
}
