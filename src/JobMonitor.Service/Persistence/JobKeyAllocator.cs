using JobMonitor.Service.Jobs;
using Npgsql;

namespace JobMonitor.Service.Persistence;

/// <summary>Hands out job keys such as <c>N.PROD-00000042</c>: type initial, environment, one shared sequence.</summary>
public sealed class JobKeyAllocator(NpgsqlDataSource dataSource) : IJobKeyAllocator
{
    const string NextValue = """
        SELECT nextval('jobmonitor.job_key_seq')
        """;

    public async Task<string> NextAsync(JobType type, string environment, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(environment);
        await using var command = dataSource.CreateCommand(NextValue);
        var number = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return Format(type, environment, number);
    }

    internal static string Format(JobType type, string environment, long number)
    {
        var initial = type switch
        {
            JobType.Normal => 'N',
            JobType.Urgent => 'U',
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
        return $"{initial}.{environment.Trim().ToUpperInvariant()}-{number:D8}";
    }
}
