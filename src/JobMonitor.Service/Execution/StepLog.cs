using System.Threading.Channels;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Telemetry;

namespace JobMonitor.Service.Execution;

/// <summary>
/// The job log lines of one step run, written in small batches so that a chatty script neither floods the database
/// with one insert per line nor holds its lines back: a batch goes out at 100 lines or 200 ms after its first line.
/// What the ops' programs print is capped for the whole step run (<c>Execution:MaxOutputPerStep</c>). The lines still
/// unwritten when the step ends are handed to the caller (<see cref="CloseAsync"/>), to be written with its result.
/// </summary>
public sealed class StepLog : IAsyncDisposable
{
    const int MaxBatch = 100;
    static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(200);

    readonly Channel<JobLogEntry> lines = Channel.CreateUnbounded<JobLogEntry>(new() { SingleReader = true });
    readonly RunJobStep step;
    readonly string? traceId;
    readonly TimeProvider time;
    readonly IJobLogWriter writer;
    readonly ILogger logger;
    readonly Task pump;
    readonly long maxOutput;
    long outputUsed;
    List<JobLogEntry> rest = [];

    public StepLog(RunJobStep step, long maxOutput, IJobLogWriter writer, TimeProvider time, ILogger logger)
    {
        this.step = step;
        this.maxOutput = maxOutput;
        this.writer = writer;
        this.time = time;
        this.logger = logger;
        traceId = JobTracing.TraceIdOf(step.TraceParent) ?? System.Diagnostics.Activity.Current?.TraceId.ToHexString();
        pump = PumpAsync();
    }

    public void Write(string? op, JobLogLevel level, string text) =>
        lines.Writer.TryWrite(new JobLogEntry
        {
            JobId = step.JobId,
            Exec = step.Exec,
            Step = step.Step.Wire(),
            Op = op,
            Level = level,
            Text = text,
            At = time.GetUtcNow(),
            TraceId = traceId,
        });

    public IOpLog ForOp(string op, SecretMask mask) => new OpLog(this, op, mask);

    // Stdout and stderr pumps write at once: the count is shared, and only the line that crosses the cap says so.
    void WriteOutput(string op, JobLogLevel level, string text)
    {
        var used = Interlocked.Add(ref outputUsed, text.Length + 1);
        if (used <= maxOutput)
            Write(op, level, text);
        else if (used - text.Length - 1 <= maxOutput)
            Write(op, JobLogLevel.Warn, $"output truncated: the step's ops printed more than {maxOutput} characters; the rest is not logged");
    }

    /// <summary>
    /// Ends the log and returns the lines not written yet, for the caller to write in the transaction that ends the step
    /// run: one round trip less per step, and the step's outcome is still stored only with its log.
    /// </summary>
    public async Task<IReadOnlyList<JobLogEntry>> CloseAsync()
    {
        lines.Writer.TryComplete();
        await pump;
        var taken = rest;
        rest = [];
        return taken;
    }

    /// <summary>Writes what is left unless <see cref="CloseAsync"/> took it.</summary>
    public async ValueTask DisposeAsync()
    {
        await WriteAsync(await CloseAsync());
    }

    async Task PumpAsync()
    {
        var reader = lines.Reader;
        while (await reader.WaitToReadAsync())
        {
            var batch = new List<JobLogEntry>(MaxBatch);
            using var due = new CancellationTokenSource(MaxDelay, time);
            while (batch.Count < MaxBatch)
            {
                if (reader.TryRead(out var line))
                    batch.Add(line);
                else if (!await MoreWithinAsync(reader, due.Token))
                    break;
            }
            // The log is closed and this batch is its end: it is left for the step's last write.
            if (reader.Completion.IsCompleted)
            {
                rest = batch;
                return;
            }
            await WriteAsync(batch);
        }
    }

    static async Task<bool> MoreWithinAsync(ChannelReader<JobLogEntry> reader, CancellationToken due)
    {
        try
        {
            return await reader.WaitToReadAsync(due);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    async Task WriteAsync(IReadOnlyList<JobLogEntry> batch)
    {
        if (batch.Count == 0)
            return;
        try
        {
            await writer.AppendAsync(batch, CancellationToken.None);
        }
        catch (Exception e)
        {
            // A lost log batch must not fail a deployment that is otherwise going fine.
            logger.LogError(e, "Could not write {Count} log lines of job {JobId} step run {StepRunId}", batch.Count, step.JobId, step.StepRunId);
        }
    }

    sealed class OpLog(StepLog log, string op, SecretMask mask) : IOpLog
    {
        public void Write(JobLogLevel level, string text) => log.Write(op, level, mask.Apply(text));

        public void WriteOutput(JobLogLevel level, string text) => log.WriteOutput(op, level, mask.Apply(text));
    }
}
