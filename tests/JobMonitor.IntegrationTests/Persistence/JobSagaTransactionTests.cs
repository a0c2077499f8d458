using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using MassTransit;
using Xunit;

namespace JobMonitor.IntegrationTests.Persistence;

/// <summary>The repository's unit of work without a bus: the optimistic concurrency rules themselves.</summary>
public sealed class JobSagaTransactionTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Saving_a_stale_version_throws_ConcurrencyException_and_stores_nothing()
    {
        var dataSource = await database.DataSourceAsync();
        var job = NewJob();
        await using (var create = await JobSagaTransaction.BeginAsync(dataSource, Cancellation))
        {
            Assert.True(await create.TryInsertAsync(job, Cancellation));
            await create.CommitAsync();
        }

        await using (var first = await JobSagaTransaction.BeginAsync(dataSource, Cancellation))
        await using (var second = await JobSagaTransaction.BeginAsync(dataSource, Cancellation))
        {
            var winner = (await first.LoadAsync(job.CorrelationId, Cancellation))!;
            var loser = (await second.LoadAsync(job.CorrelationId, Cancellation))!;
            winner.Owner = "winner";
            first.Update(winner);
            await first.CommitAsync();

            loser.Owner = "loser";
            loser.PendingLog.Add(Line(loser, "lost"));
            // The update goes with the commit's batch: the conflict surfaces there, and nothing of it is stored.
            second.Update(loser);
            var conflict = await Assert.ThrowsAsync<ConcurrencyException>(second.CommitAsync);
            Assert.Equal(job.CorrelationId, conflict.CorrelationId);
            Assert.Single(loser.PendingLog);
        }

        var stored = await new JobReadStore(dataSource).GetAsync(job.CorrelationId, Cancellation);
        Assert.Equal(("winner", 2), (stored?.Owner, stored?.Version));
        Assert.Empty(await new JobLogStore(dataSource).ReadAsync(job.CorrelationId, 0, 10, Cancellation));
    }

    [Fact]
    public async Task The_inbox_row_and_the_job_are_read_in_one_statement_and_a_stale_read_still_conflicts()
    {
        var dataSource = await database.DataSourceAsync();
        var job = NewJob();
        var (consumer, message) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var create = await JobSagaTransaction.BeginAsync(dataSource, Cancellation))
        {
            // No job yet: nothing is kept, and the load looks for it again.
            Assert.True(await create.TryConsumeAsync(consumer, Guid.NewGuid(), job.CorrelationId, Cancellation));
            Assert.True(await create.TryInsertAsync(job, Cancellation));
            Assert.Equal(1, (await create.LoadAsync(job.CorrelationId, Cancellation))?.Version);
            await create.CommitAsync();
        }

        await using (var stale = await JobSagaTransaction.BeginAsync(dataSource, Cancellation))
        {
            Assert.True(await stale.TryConsumeAsync(consumer, message, job.CorrelationId, Cancellation));
            await using (var other = await JobSagaTransaction.BeginAsync(dataSource, Cancellation))
            {
                var moved = (await other.LoadAsync(job.CorrelationId, Cancellation))!;
                moved.Owner = "other";
                other.Update(moved);
                await other.CommitAsync();
            }

            var read = (await stale.LoadAsync(job.CorrelationId, Cancellation))!;
            Assert.Equal(1, read.Version);
            read.Owner = "stale";
            stale.Update(read);
            await Assert.ThrowsAsync<ConcurrencyException>(stale.CommitAsync);
        }

        // The conflict rolled the inbox row back with the rest: the message's retry is applied, on the current job.
        await using (var retry = await JobSagaTransaction.BeginAsync(dataSource, Cancellation))
        {
            Assert.True(await retry.TryConsumeAsync(consumer, message, job.CorrelationId, Cancellation));
            var current = (await retry.LoadAsync(job.CorrelationId, Cancellation))!;
            Assert.Equal((2, "other"), (current.Version, current.Owner));
            await retry.CommitAsync();
        }
        await using var duplicate = await JobSagaTransaction.BeginAsync(dataSource, Cancellation);
        Assert.False(await duplicate.TryConsumeAsync(consumer, message, job.CorrelationId, Cancellation));
    }

    [Fact]
    public async Task Inserting_an_existing_job_is_refused_and_its_log_lines_are_rolled_back()
    {
        var dataSource = await database.DataSourceAsync();
        var job = NewJob();
        await using (var create = await JobSagaTransaction.BeginAsync(dataSource, Cancellation))
        {
            job.PendingLog.Add(Line(job, "first"));
            await create.InsertAsync(job, Cancellation);
            await create.CommitAsync();
        }
        Assert.Empty(job.PendingLog);

        var twin = NewJob(job.CorrelationId);
        twin.PendingLog.Add(Line(twin, "second"));
        await using (var again = await JobSagaTransaction.BeginAsync(dataSource, Cancellation))
        {
            await Assert.ThrowsAsync<ConcurrencyException>(() => again.InsertAsync(twin, Cancellation));
            Assert.False(await again.TryInsertAsync(twin, Cancellation));
        }

        var lines = await new JobLogStore(dataSource).ReadAsync(job.CorrelationId, 0, 10, Cancellation);
        Assert.Equal(["first"], lines.Select(l => l.Text));
    }

    [Fact]
    public async Task Deleting_a_stale_version_throws_ConcurrencyException()
    {
        var dataSource = await database.DataSourceAsync();
        var job = NewJob();
        await using (var create = await JobSagaTransaction.BeginAsync(dataSource, Cancellation))
        {
            await create.InsertAsync(job, Cancellation);
            await create.CommitAsync();
        }

        job.Version = 0;
        await using var delete = await JobSagaTransaction.BeginAsync(dataSource, Cancellation);
        await Assert.ThrowsAsync<ConcurrencyException>(() => delete.DeleteAsync(job, Cancellation));
    }

    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    internal static DeploymentJobState NewJob(Guid? id = null, DateTimeOffset? createdAt = null)
    {
        var jobId = id ?? Guid.NewGuid();
        var now = createdAt ?? DateTimeOffset.UtcNow;
        return new DeploymentJobState
        {
            CorrelationId = jobId,
            CurrentState = JobStatus.Ready.StateName(),
            Key = $"N.TEST-{jobId:N}",
            Name = "direct",
            Project = "proj",
            Environment = "test",
            Type = JobType.Normal,
            CreatedAt = now,
            UpdatedAt = now,
            ScheduledAt = now,
            MaxStartAt = now.AddHours(1),
        };
    }

    static JobLogEntry Line(DeploymentJobState job, string text) => new()
    {
        JobId = job.CorrelationId,
        Exec = 0,
        Step = "Init",
        Level = JobLogLevel.Info,
        Text = text,
        At = DateTimeOffset.UtcNow,
    };
}
