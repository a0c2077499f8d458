using JobMonitor.Service.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace JobMonitor.Bench;

/// <summary>
/// Jobs written straight into jobmonitor.jobs with COPY (binary), spread as a year of a busy shop: ~20 projects of
/// unequal size, 5 environments, mostly finished jobs, the active ones (ready, running, waiting...) recent.
/// Deterministic: the same seed writes the same rows.
/// </summary>
public static class ListData
{
    public static readonly string[] Projects =
    [
        "shop", "billing", "search", "catalog", "checkout", "payments", "identity", "mail", "reports", "warehouse",
        "pricing", "loyalty", "mobile-api", "cms", "analytics", "gateway", "notifications", "inventory", "crm", "support",
    ];

    public static readonly string[] Environments = ["DEV", "TEST", "QA", "STAGING", "PROD"];
    public static readonly string[] Natures = ["database", "config", "hotfix", "infra", "frontend", "backend", "security"];
    static readonly string[] Components = ["web", "api", "worker", "db", "batch", "ui"];
    static readonly string[] RoleApprovers = ["role:approvers"];
    static readonly string[] Owners = ["ana", "bruno", "chen", "dana", "emil", "fatou", "gus", "hana"];

    // Weights per 10,000 jobs.
    static readonly (JobStatus Status, int Weight)[] Statuses =
    [
        (JobStatus.Finished, 8_500), (JobStatus.Error, 400), (JobStatus.Canceled, 200), (JobStatus.Expired, 200),
        (JobStatus.Rejected, 100), (JobStatus.Ready, 300), (JobStatus.Running, 100), (JobStatus.WaitingForApproval, 100),
        (JobStatus.Abend, 30), (JobStatus.Rollback, 20), (JobStatus.Trapped, 30), (JobStatus.TrapPaused, 20),
    ];

    /// <summary>A saga document of the size the service stores for a small job (the list never reads it).</summary>
    const string Document = """
        {"step":"End","exec":1,"progress":1,"pipeline":{"pre":[{"name":"backup","kind":"Script","params":{"script":"backup"}}],
        "run":[{"name":"deploy","kind":"Script","params":{"script":"deploy","args":["--all"]}}],"post":[{"name":"smoke","kind":"Http",
        "params":{"url":"https://example.invalid/health"}}]},"steps":[{"exec":1,"step":"Pre","outcome":"success","ops":[{"index":0,
        "name":"backup","kind":"script","outcome":"success"}]},{"exec":1,"step":"Run","outcome":"success","ops":[{"index":0,"name":
        "deploy","kind":"script","outcome":"success"}]},{"exec":1,"step":"Post","outcome":"success","ops":[{"index":0,"name":"smoke",
        "kind":"http","outcome":"success"}]}],"revisions":[{"id":"a1b2c3d","author":"ana","message":"fix cart totals","paths":["src/Cart.cs"]}]}
        """;

    public static async Task LoadAsync(NpgsqlDataSource database, int jobs, DateTimeOffset now, int seed = 42)
    {
        var random = new Random(seed);
        var projectWeights = Projects.Select((_, i) => 1.0 / (i + 1)).ToArray();
        var weightSum = projectWeights.Sum();
        await using var connection = await database.OpenConnectionAsync();
        await using var writer = await connection.BeginBinaryImportAsync(
            """
            COPY jobmonitor.jobs (id, version, status, step, key, name, project, environment, type, progress, scheduled_at,
                max_start_at, started_at, ended_at, created_at, updated_at, natures, owner, approvers, data) FROM STDIN (FORMAT BINARY)
            """);
        for (var i = 0; i < jobs; i++)
        {
            var status = Pick(random, Statuses);
            var active = status is not (JobStatus.Finished or JobStatus.Error or JobStatus.Canceled or JobStatus.Expired
                or JobStatus.Rejected or JobStatus.Abend);
            // Finished work spreads over the year; what is still open was created in the last week.
            var created = now - (active ? TimeSpan.FromDays(7) : TimeSpan.FromDays(365)) * random.NextDouble();
            var scheduled = created + TimeSpan.FromMinutes(random.Next(0, 180));
            var started = status is JobStatus.Ready or JobStatus.WaitingForApproval or JobStatus.Expired or JobStatus.Rejected
                ? (DateTimeOffset?)null
                : scheduled + TimeSpan.FromSeconds(random.Next(0, 30));
            var ended = active || started is null ? (DateTimeOffset?)null : started + TimeSpan.FromSeconds(random.Next(20, 1_800));
            var project = Projects[PickIndex(random, projectWeights, weightSum)];
            var environment = Environments[random.Next(Environments.Length)];
            var type = random.Next(10) == 0 ? JobType.Urgent : JobType.Normal;
            var natures = Enumerable.Range(0, random.Next(0, 3)).Select(_ => Natures[random.Next(Natures.Length)]).Distinct().ToArray();

            await writer.StartRowAsync();
            await writer.WriteAsync(RandomId(random), NpgsqlDbType.Uuid);
            await writer.WriteAsync(3, NpgsqlDbType.Integer);
            await writer.WriteAsync(status.StateName(), NpgsqlDbType.Text);
            await writer.WriteAsync(StepOf(status, random).ToString(), NpgsqlDbType.Text);
            await writer.WriteAsync($"{(type == JobType.Urgent ? "U" : "N")}.{environment}-{i + 1:D8}", NpgsqlDbType.Text);
            await writer.WriteAsync($"{project}-{Components[random.Next(Components.Length)]} {random.Next(1, 9)}.{random.Next(0, 40)}.{random.Next(0, 100)}", NpgsqlDbType.Text);
            await writer.WriteAsync(project, NpgsqlDbType.Text);
            await writer.WriteAsync(environment, NpgsqlDbType.Text);
            await writer.WriteAsync(type.ToString(), NpgsqlDbType.Text);
            await writer.WriteAsync(active ? random.NextDouble() : 1.0, NpgsqlDbType.Double);
            await writer.WriteAsync(scheduled, NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(scheduled + TimeSpan.FromDays(1), NpgsqlDbType.TimestampTz);
            await WriteInstantAsync(writer, started);
            await WriteInstantAsync(writer, ended);
            await writer.WriteAsync(created, NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(ended ?? started ?? created, NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(natures, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await writer.WriteAsync(random.Next(4) == 0 ? null : Owners[random.Next(Owners.Length)], NpgsqlDbType.Text);
            await writer.WriteAsync(random.Next(20) == 0 ? RoleApprovers : [], NpgsqlDbType.Array | NpgsqlDbType.Text);
            await writer.WriteAsync(Document, NpgsqlDbType.Jsonb);
        }
        await writer.CompleteAsync();
    }

    // Upstream systems choose job ids: random, not time-ordered.
    static Guid RandomId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    static async Task WriteInstantAsync(NpgsqlBinaryImporter writer, DateTimeOffset? value)
    {
        if (value is { } at)
            await writer.WriteAsync(at, NpgsqlDbType.TimestampTz);
        else
            await writer.WriteNullAsync();
    }

    static JobStep StepOf(JobStatus status, Random random) => status switch
    {
        JobStatus.Ready => random.Next(2) == 0 ? JobStep.Pre : JobStep.Run,
        JobStatus.Running or JobStatus.Trapped or JobStatus.TrapPaused or JobStatus.Abend => (JobStep)random.Next((int)JobStep.Pre, (int)JobStep.End),
        JobStatus.WaitingForApproval => JobStep.Run,
        JobStatus.Rollback => JobStep.RollbackRun,
        JobStatus.Expired or JobStatus.Rejected => JobStep.Run,
        _ => JobStep.End,
    };

    static JobStatus Pick(Random random, (JobStatus Status, int Weight)[] weights)
    {
        var roll = random.Next(weights.Sum(w => w.Weight));
        foreach (var (status, weight) in weights)
        {
            if ((roll -= weight) < 0)
                return status;
        }
        return weights[^1].Status;
    }

    static int PickIndex(Random random, double[] weights, double sum)
    {
        var roll = random.NextDouble() * sum;
        for (var i = 0; i < weights.Length; i++)
        {
            if ((roll -= weights[i]) < 0)
                return i;
        }
        return weights.Length - 1;
    }
}
