using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Monitor;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JobMonitor.IntegrationTests.Actions;

[Collection(ServiceHostCollection.Name)]
public sealed class CommandStatusRetentionTests(ServiceHostFixture host)
{
    [Fact]
    public async Task Command_answers_older_than_the_retention_are_swept_and_newer_ones_stay()
    {
        var cancel = TestContext.Current.CancellationToken;
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        var now = DateTimeOffset.UtcNow;
        Guid old = Guid.NewGuid(), recent = Guid.NewGuid();
        foreach (var (id, age) in new[] { (old, TimeSpan.FromDays(8)), (recent, TimeSpan.FromDays(6)) })
        {
            await using var insert = dataSource.CreateCommand("""
                INSERT INTO jobmonitor.command_status
                    (command_id, job_id, command, project, environment, requested_by, status, requested_at, at)
                VALUES (@id, @job, 'cancel', 'shop', 'PROD', 'admin', 'accepted', @at, @at)
                """);
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("job", Guid.NewGuid());
            insert.Parameters.AddWithValue("at", now - age);
            await insert.ExecuteNonQueryAsync(cancel);
        }
        var store = host.Services.GetRequiredService<CommandStatusStore>();

        var removed = await store.DeleteRequestedBeforeAsync(now - TimeSpan.FromDays(7), cancel);

        Assert.True(removed >= 1);
        Assert.Null(await store.GetAsync(old, cancel));
        Assert.NotNull(await store.GetAsync(recent, cancel));
    }
}
