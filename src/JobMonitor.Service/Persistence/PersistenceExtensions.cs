using JobMonitor.Service.Jobs;
using MassTransit;

namespace JobMonitor.Service.Persistence;

public static class PersistenceExtensions
{
    public static void AddPersistence(this IHostApplicationBuilder builder)
    {
        // TODO(persistence): NpgsqlDataSource, migrations hosted service, job log store.
        _ = builder;
    }

    /// <summary>Stores the job saga in PostgreSQL.</summary>
    public static ISagaRegistrationConfigurator<DeploymentJobState> PostgresRepository(
        this ISagaRegistrationConfigurator<DeploymentJobState> saga)
    {
        // TODO(persistence): register the PostgreSQL saga repository.
        return saga;
    }
}
