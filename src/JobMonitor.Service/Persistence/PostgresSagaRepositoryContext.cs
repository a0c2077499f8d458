using JobMonitor.Service.Jobs;
using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;

namespace JobMonitor.Service.Persistence;

/// <summary>The saga repository as one message sees it: every read and write goes through its transaction.</summary>
public sealed class PostgresSagaRepositoryContext<TMessage>(
    JobSagaTransaction transaction,
    ConsumeContext<TMessage> consumeContext,
    ISagaConsumeContextFactory<JobSagaTransaction, DeploymentJobState> factory)
    : ConsumeContextScope<TMessage>(consumeContext, transaction), SagaRepositoryContext<DeploymentJobState, TMessage>
    where TMessage : class
{
    public Task<SagaConsumeContext<DeploymentJobState, T>> CreateSagaConsumeContext<T>(
        ConsumeContext<T> consumeContext, DeploymentJobState instance, SagaConsumeContextMode mode)
        where T : class =>
        factory.CreateSagaConsumeContext(transaction, consumeContext, instance, mode);

    /// <summary>A new instance, stored by <see cref="Save" /> once the state machine has run.</summary>
    public Task<SagaConsumeContext<DeploymentJobState, TMessage>> Add(DeploymentJobState instance) =>
        Create(instance, SagaConsumeContextMode.Add);

    /// <summary>Insert-first policy: null when the instance exists, and MassTransit then loads it.</summary>
    public async Task<SagaConsumeContext<DeploymentJobState, TMessage>> Insert(DeploymentJobState instance) =>
        await transaction.TryInsertAsync(instance, CancellationToken)
            ? await Create(instance, SagaConsumeContextMode.Insert)
            : null!;

    public async Task<SagaConsumeContext<DeploymentJobState, TMessage>> Load(Guid correlationId) =>
        await transaction.LoadAsync(correlationId, CancellationToken) is { } instance
            ? await Create(instance, SagaConsumeContextMode.Load)
            : null!;

    public Task Save(SagaConsumeContext<DeploymentJobState> context) =>
        transaction.InsertAsync(context.Saga, CancellationToken);

    public Task Update(SagaConsumeContext<DeploymentJobState> context)
    {
        transaction.Update(context.Saga);
        return Task.CompletedTask;
    }

    public Task Delete(SagaConsumeContext<DeploymentJobState> context) =>
        transaction.DeleteAsync(context.Saga, CancellationToken);

    // Nothing was written for a discarded or read-only instance; the transaction simply does not include it.
    public Task Discard(SagaConsumeContext<DeploymentJobState> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<DeploymentJobState> context) => Task.CompletedTask;

    Task<SagaConsumeContext<DeploymentJobState, TMessage>> Create(DeploymentJobState instance, SagaConsumeContextMode mode) =>
        factory.CreateSagaConsumeContext(transaction, this, instance, mode);
}
