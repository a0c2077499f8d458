using JobMonitor.Contracts;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.IntegrationTests.Lifecycle;
using JobMonitor.Service.Jobs;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JobMonitor.IntegrationTests.Messaging;

/// <summary>The saga's inbox and the order of a job's commands, on the running service (and a second instance).</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class InboxAndOrderTests(ServiceHostFixture host)
{
    const string Pipeline = LifecycleJobs.LogOnlyPipeline;

    readonly LifecycleJobs _jobs = new(host);

    [Fact]
    public async Task A_saga_message_delivered_again_with_the_same_message_id_is_acknowledged_without_effect()
    {
        var scheduledAt = DateTimeOffset.UtcNow.AddHours(1);
        var jobId = await _jobs.CreateAsync(Pipeline, scheduledAt, scheduledAt.AddHours(1));
        await _jobs.WaitAtRunGateAsync(jobId);
        var saga = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"exchange:{DeploymentJobStateDefinition.QueueName}"));
        var messageId = NewId.NextGuid();

        var first = scheduledAt.AddMinutes(10);
        await saga.Send(Reschedule(jobId, first), send => send.MessageId = messageId, TestContext.Current.CancellationToken);
        await WaitForScheduledAtAsync(jobId, first);

        // The same message id with another command inside: a redelivery as far as the inbox can tell.
        var duplicates = Duplicates();
        await saga.Send(Reschedule(jobId, first.AddMinutes(10)), send => send.MessageId = messageId, TestContext.Current.CancellationToken);
        await ServiceHostFixture.WaitUntilAsync(() => Task.FromResult(Duplicates() > duplicates), TimeSpan.FromSeconds(20),
            "the inbox to recognise the redelivery");

        Assert.Equal(first, await ScheduledAtAsync(jobId));
        Assert.Single(await _jobs.AuditAsync(jobId));
    }

    [Fact]
    public async Task Commands_for_one_job_apply_in_the_order_they_were_published_with_two_instances_reading_them()
    {
        var scheduledAt = DateTimeOffset.UtcNow.AddHours(1);
        var jobId = await _jobs.CreateAsync(Pipeline, scheduledAt, scheduledAt.AddHours(1));
        await _jobs.WaitAtRunGateAsync(jobId);
        await using var second = await host.StartSecondInstanceAsync();

        const int count = 20;
        for (var i = 1; i <= count; i++)
        {
            // Alternating types: each used to have a queue of its own, read at its own pace.
            if (i % 2 == 0)
                await _jobs.SendAsync("RescheduleJob", jobId, $"\"scheduledAt\": \"{scheduledAt.AddMinutes(i):O}\", \"comment\": \"{i}\"");
            else
                await _jobs.SendAsync("RerunJob", jobId, $"\"step\": \"RUN\", \"comment\": \"{i}\"");
        }

        await ServiceHostFixture.WaitUntilAsync(async () => (await _jobs.AuditAsync(jobId)).Count >= count, TimeSpan.FromSeconds(60),
            $"all {count} commands to be applied");
        var applied = (await _jobs.AuditAsync(jobId)).Select(a => int.Parse(a.Comment!)).ToList();
        LifecycleJobs.Print($"applied in the order {string.Join(' ', applied)}");
        Assert.Equal(Enumerable.Range(1, count), applied);
    }

    long Duplicates() => host.Telemetry.CollectMetrics().Sum("jobmonitor.inbox.duplicates");

    static RescheduleJob Reschedule(Guid jobId, DateTimeOffset scheduledAt) => new()
    {
        JobId = jobId,
        CommandId = Guid.NewGuid(),
        RequestedBy = "ana",
        ScheduledAt = scheduledAt.ToString("O"),
    };

    Task WaitForScheduledAtAsync(Guid jobId, DateTimeOffset scheduledAt) =>
        ServiceHostFixture.WaitUntilAsync(async () => await ScheduledAtAsync(jobId) == scheduledAt,
            TimeSpan.FromSeconds(20), $"the job to be rescheduled to {scheduledAt:O}");

    async Task<DateTimeOffset?> ScheduledAtAsync(Guid jobId) =>
        (await _jobs.Api.FindAsync(jobId))?.GetProperty("scheduledAt").GetDateTimeOffset();
}
