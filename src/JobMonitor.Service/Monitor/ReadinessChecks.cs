using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace JobMonitor.Service.Monitor;

/// <summary>PostgreSQL answers a query.</summary>
public sealed class PostgresReadinessCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (NpgsqlException e)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL did not answer", e);
        }
    }
}

/// <summary>Hangfire's storage answers and at least one Hangfire server is alive to fire triggers.</summary>
public sealed class HangfireReadinessCheck(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers();
            return Task.FromResult(servers.Count > 0
                ? HealthCheckResult.Healthy($"{servers.Count} Hangfire server(s)")
                : HealthCheckResult.Unhealthy("no Hangfire server is running"));
        }
        catch (NpgsqlException e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Hangfire storage did not answer", e));
        }
    }
}
