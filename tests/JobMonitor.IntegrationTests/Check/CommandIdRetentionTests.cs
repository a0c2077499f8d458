using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JobMonitor.IntegrationTests.Check;

/// <summary>jobmonitor.command_ids keeps applied command ids for Jobs:CommandIdRetention (30 days), then forgets them.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class CommandIdRetentionTests(ServiceHostFixture host)
{
    [Fact]
    public async Task Command_ids_older_than_the_retention_are_forgotten_and_younger_ones_kept()
    {
        var (old, young, jobId) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var data = host.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var insert = data.CreateCommand("""
            INSERT INTO jobmonitor.command_ids (command_id, job_id, command, at)
            VALUES (@old, @job, 'CancelJob', now() - interval '31 days'), (@young, @job, 'ApproveJob', now() - interval '29 days')
            """))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid>("old", old));
            insert.Parameters.Add(new NpgsqlParameter<Guid>("young", young));
            insert.Parameters.Add(new NpgsqlParameter<Guid>("job", jobId));
            await insert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        var ledger = host.Services.GetRequiredService<CommandLedger>();

        Assert.True(await ledger.ForgetExpiredAsync(TestContext.Current.CancellationToken) >= 1);

        var (forgotten, _, _) = await ledger.LookUpAsync(old, jobId, TestContext.Current.CancellationToken);
        var (kept, _, _) = await ledger.LookUpAsync(young, jobId, TestContext.Current.CancellationToken);
        Assert.Null(forgotten);
        Assert.Equal(("ApproveJob", jobId), (kept?.Command, kept?.JobId));
    }
}
