namespace JobMonitor.Bench;

/// <summary>Command-line options; URIs default to the environment, then to the local services.</summary>
public sealed record BenchOptions
{
    public int Jobs { get; init; } = 2_000;

    /// <summary>Jobs run end to end before anything is measured.</summary>
    public int WarmUp { get; init; } = 20;
    public int Scheduled { get; init; } = 500;
    public TimeSpan Spread { get; init; } = TimeSpan.FromSeconds(30);
    public bool SkipFloor { get; init; }

    /// <summary>The floor's work through MassTransit, with the contract's events, and both (<see cref="Bench.Ceilings"/>).</summary>
    public bool Ceilings { get; init; }
    public bool SkipLateness { get; init; }

    /// <summary>Only the lateness run (e.g. --scheduled 10000 --spread 60): no throughput, floor or idle latency.</summary>
    public bool SkipThroughput { get; init; }

    /// <summary>Jobs for the list benchmark; 0 runs the throughput and lateness benchmark instead.</summary>
    public int ListJobs { get; init; }

    /// <summary>Jobs for the retention benchmark; 0 runs another benchmark.</summary>
    public int RetentionJobs { get; init; }

    /// <summary>Run the SPEC §11 fault rows instead (all, or those whose name contains one of <see cref="FaultRows"/>).</summary>
    public bool Faults { get; init; }
    public IReadOnlyList<string> FaultRows { get; init; } = [];

    public bool KeepDatabase { get; init; }
    /// <summary>The broker; the bench makes a vhost of its own there (the URI's vhost is not used).</summary>
    public Uri RabbitMq { get; init; } = new(
        Environment.GetEnvironmentVariable("JOBMONITOR_BENCH_RABBITMQ") ?? "amqp://guest:guest@localhost:5672/");

    /// <summary>The broker's management API, which makes and deletes the bench's vhost; default: port 15672 of the AMQP host.</summary>
    public Uri? RabbitMqManagement { get; init; } =
        Environment.GetEnvironmentVariable("JOBMONITOR_BENCH_RABBITMQ_MANAGEMENT") is { } management ? new Uri(management) : null;

    public Uri ManagementOrDefault => RabbitMqManagement ?? new UriBuilder("http", RabbitMq.Host, 15672).Uri;
    public string Postgres { get; init; } =
        Environment.GetEnvironmentVariable("JOBMONITOR_BENCH_POSTGRES")
        ?? "Host=localhost;Username=jobmonitor;Password=jobmonitor;Database=postgres";

    public const string Help = """
        JobMonitor benchmark: runs the real service in-process and measures it against the real broker and database.

        Usage: dotnet run -c Release --project bench/JobMonitor.Bench -- [options]

          --jobs N            jobs for the throughput run (default 2000; PRE/RUN/POST, one log op each, due now)
          --warm-up N         jobs run end to end before anything is measured (default 20: past the first run's
                              stall, while the JIT still compiles the hot code for ~30 s; some thousands: a warm process)
          --scheduled M       jobs for the lateness run (default 500)
          --spread SECONDS    the lateness run's scheduledAt spread (default 30)
          --skip-floor        skip the raw RabbitMQ + Npgsql floor
          --ceilings          after the lateness run, the floor's work again through MassTransit, with the contract's
                              events, and both, each against the floor run again before and after them
          --skip-lateness     skip the lateness run
          --skip-throughput   only the lateness run (with --scheduled 10000 --spread 60: 10,000 jobs due in a minute)
          --list-1m           instead: the job list benchmark on 1,000,000 jobs loaded with COPY (no broker needed);
                              list and count queries timed without, then with the list indexes
          --list N            the same with N jobs
          --retention-1m      instead: the retention sweep on the same 1,000,000 jobs with their log, runs and triggers
                              (no broker needed); the jobs ended more than 90 days ago are purged, timed per batch
          --retention N       the same with N jobs
          --keep-database     keep the run's database (for EXPLAIN ANALYZE or reading a run's jobs by hand)
          --faults            instead: the SPEC §11 fault rows (kill -9, RabbitMQ and PostgreSQL down 15 s / 60 s,
                              duplicate delivery, SIGTERM, two instances) against the fault suite's own servers,
                              200 jobs each; needs the JOBMONITOR_FAULT_* variables of jm_faults_services_up
                              (scripts/lib/services.sh). Ignores --rabbitmq and --postgres.
          --fault-row TEXT    with --faults: only the rows whose name contains TEXT (repeatable)
          --rabbitmq URI      AMQP URI of the broker; the bench makes a vhost jm-bench-<random> there through the
                              management API and deletes it at the end (the URI's own vhost is not used)
                              (default $JOBMONITOR_BENCH_RABBITMQ, else amqp://guest:guest@localhost:5672/)
          --rabbitmq-management URI   the broker's management API, with the AMQP URI's credentials
                              (default $JOBMONITOR_BENCH_RABBITMQ_MANAGEMENT, else http://<AMQP host>:15672/)
          --postgres CONN     Npgsql connection string of a user that may create databases; the bench creates
                              jm_bench_<random> and drops it at the end
                              (default $JOBMONITOR_BENCH_POSTGRES, else
                              Host=localhost;Username=jobmonitor;Password=jobmonitor;Database=postgres)
          --help              this text

        The last line printed is one JSON object with the figures and the goal checks.
        """;

    /// <summary>Null when --help was asked for.</summary>
    public static BenchOptions? Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            options = args[i] switch
            {
                "--help" or "-h" => null,
                "--jobs" => options with { Jobs = PositiveInt(args, ++i) },
                "--warm-up" => options with { WarmUp = PositiveInt(args, ++i) },
                "--scheduled" => options with { Scheduled = PositiveInt(args, ++i) },
                "--spread" => options with { Spread = TimeSpan.FromSeconds(PositiveInt(args, ++i)) },
                "--skip-floor" => options with { SkipFloor = true },
                "--ceilings" => options with { Ceilings = true },
                "--skip-lateness" => options with { SkipLateness = true },
                "--skip-throughput" => options with { SkipThroughput = true },
                "--list-1m" => options with { ListJobs = 1_000_000 },
                "--list" => options with { ListJobs = PositiveInt(args, ++i) },
                "--retention-1m" => options with { RetentionJobs = 1_000_000 },
                "--retention" => options with { RetentionJobs = PositiveInt(args, ++i) },
                "--keep-database" => options with { KeepDatabase = true },
                "--faults" => options with { Faults = true },
                "--fault-row" => options with { FaultRows = [.. options.FaultRows, Value(args, ++i)] },
                "--rabbitmq" => options with { RabbitMq = new Uri(Value(args, ++i)) },
                "--rabbitmq-management" => options with { RabbitMqManagement = new Uri(Value(args, ++i)) },
                "--postgres" => options with { Postgres = Value(args, ++i) },
                var unknown => throw new ArgumentException($"Unknown option {unknown}; see --help."),
            };
            if (options is null)
                return null;
        }
        return options.Ceilings && (options.SkipFloor || options.SkipThroughput)
            ? throw new ArgumentException("--ceilings runs the floor's work of the throughput run: not with --skip-floor or --skip-throughput.")
            : options;
    }

    static string Value(IReadOnlyList<string> args, int i) =>
        i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value; see --help.");

    static int PositiveInt(IReadOnlyList<string> args, int i) =>
        int.TryParse(Value(args, i), out var n) && n > 0
            ? n
            : throw new ArgumentException($"{args[i - 1]} needs a positive integer; see --help.");
}
