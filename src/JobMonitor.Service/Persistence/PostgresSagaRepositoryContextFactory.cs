using JobMonitor.Contracts;
using JobMonitor.Service.Jobs;
using MassTransit;
using MassTransit.Saga;
using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>
/// Runs each saga message in a transaction committed after the state machine and the save: the outbox's, which also
/// holds the message's inbox row and the messages it sends, or one of its own where there is no outbox.
/// </summary>
public sealed class PostgresSagaRepositoryContextFactory(
    NpgsqlDataSource dataSource,
    ISagaConsumeContextFactory<JobSagaTransaction, DeploymentJobState> factory)
    : ISagaRepositoryContextFactory<DeploymentJobState>
{
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<DeploymentJobState, T>> next)
        where T : class
    {
        if (context.TryGetPayload<JobSagaTransaction>(out var shared))
        {
            // A command numbered by the ordered relay applies only after the job's earlier commands.
            if (context.Message is JobCommand command && context.Headers.Get<int>(CommandOrder.Header) is { } sequence)
                await CommandOrder.TakeTurnAsync(shared, command.JobId, sequence, context.CancellationToken);
            await next.Send(new PostgresSagaRepositoryContext<T>(shared, context, factory));
            return;
        }
        await using var transaction = await JobSagaTransaction.BeginAsync(dataSource, context.CancellationToken);
        await next.Send(new PostgresSagaRepositoryContext<T>(transaction, context, factory));
        await transaction.CommitAsync();
    }

    public Task SendQuery<T>(
        ConsumeContext<T> context, ISagaQuery<DeploymentJobState> query, IPipe<SagaRepositoryQueryContext<DeploymentJobState, T>> next)
        where T : class =>
        throw new NotSupportedException(
            "The PostgreSQL job saga repository correlates by JobId only; correlate the event with CorrelateById, not by expression.");

    public void Probe(ProbeContext context) => context.Add("persistence", "postgresql");
}
