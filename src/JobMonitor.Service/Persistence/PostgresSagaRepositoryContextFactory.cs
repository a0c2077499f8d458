using JobMonitor.Service.Jobs;
using MassTransit;
using MassTransit.Saga;
using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>Runs each saga message in its own transaction, committed after the state machine and the save.</summary>
public sealed class PostgresSagaRepositoryContextFactory(
    NpgsqlDataSource dataSource,
    ISagaConsumeContextFactory<JobSagaTransaction, DeploymentJobState> factory)
    : ISagaRepositoryContextFactory<DeploymentJobState>
{
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<DeploymentJobState, T>> next)
        where T : class
    {
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
