using System.Text.Json;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Check;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Telemetry;
using MassTransit;

namespace JobMonitor.Service.Retries;

/// <summary>
/// Outermost filter of a receive endpoint. A message whose failure is transient after all its immediate retries goes
/// back on its queue (RabbitMQ redelivers it; the kill switch pauses the endpoint while most messages fail): an outage
/// of any length parks nothing in an _error queue. Any other failure makes a poison message: it goes to the _error
/// queue, visibly (a service log error, <c>jobmonitor.messages.poison</c>, and a line in the log of the job it names).
/// A command refused by its contract is no poison: the endpoint's refusal filter answers it.
/// </summary>
public sealed class OutageFilter(JobReadStore jobs, IJobLogWriter jobLog, TimeProvider clock, ILogger<OutageFilter> logger)
    : IFilter<ConsumeContext>
{
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        try
        {
            await next.Send(context);
        }
        catch (Exception e) when (e is not OperationCanceledException && TransientFailures.Are(e))
        {
            JobMonitorTelemetry.MessagesRequeued.Add(1, Endpoint(context));
            logger.LogWarning(e, "Message {MessageId} on {Endpoint} still fails for a passing reason; it goes back on its queue",
                context.MessageId, context.ReceiveContext.InputAddress);
            // MassTransit returns a message whose consumer was canceled to its queue instead of moving it to _error.
            throw new OperationCanceledException($"Message {context.MessageId} requeued after a transient failure.", e);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CommandRefusedException)
        {
            await ReportPoisonAsync(context, e);
            throw;
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("outage");

    async Task ReportPoisonAsync(ConsumeContext context, Exception failure)
    {
        var types = string.Join(", ", context.SupportedMessageTypes);
        JobMonitorTelemetry.MessagesPoisoned.Add(1, Endpoint(context));
        var jobId = JobIdIn(context.ReceiveContext.Body);
        logger.LogError(failure, "Poison message {MessageId} ({MessageTypes}) of job {JobId} on {Endpoint} moves to the _error queue",
            context.MessageId, types, jobId, context.ReceiveContext.InputAddress);
        if (jobId is not { } id)
            return;
        try
        {
            if (await jobs.GetAsync(id, CancellationToken.None) is not { } job)
                return;
            await jobLog.AppendAsync([new JobLogEntry
            {
                JobId = id,
                Exec = job.Exec,
                Step = job.Step.Wire(),
                Level = JobLogLevel.Error,
                Text = $"a message for this job could not be processed and was set aside in {context.ReceiveContext.InputAddress.AbsolutePath.Trim('/')}_error: {failure.Message}",
                At = clock.GetUtcNow(),
            }], CancellationToken.None);
        }
        catch (Exception e) when (TransientFailures.Are(e))
        {
            logger.LogWarning(e, "Could not write the poison message line in the log of job {JobId}", id);
        }
    }

    static KeyValuePair<string, object?> Endpoint(ConsumeContext context) =>
        new("endpoint", context.ReceiveContext.InputAddress.AbsolutePath.Trim('/'));

    /// <summary>The jobId of the message, in a MassTransit envelope or in raw JSON; null when there is none.</summary>
    static Guid? JobIdIn(MessageBody body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.GetBytes());
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
                root = message;
            return root.ValueKind == JsonValueKind.Object
                   && (root.TryGetProperty("jobId", out var id) || root.TryGetProperty("JobId", out id))
                   && id.TryGetGuid(out var jobId)
                ? jobId
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
