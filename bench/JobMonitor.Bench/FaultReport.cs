using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace JobMonitor.Bench;

/// <summary>The fault rows as a table (the one README shows), then one JSON line.</summary>
public static class FaultReport
{
    public static void Print(IReadOnlyList<FaultBench.Row> rows)
    {
        Console.WriteLine();
        Console.WriteLine("== JobMonitor fault rows (SPEC §11) ==");
        Console.WriteLine("| fault | jobs | stranded | Abend (of a live worker) | ops twice | other effects twice | `_error` | recovered in |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            if (row.Figures is not { } f)
            {
                Console.WriteLine($"| {row.Name} | not measured: {row.Failure} |");
                continue;
            }
            var t = f.Tally;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Name} | {f.Jobs} | {t.Stranded} | {t.Count("Abend")} ({t.UnexpectedAbend}) | {t.OpsTwice} | " +
                $"{t.LogLinesTwice + t.AuditTwice + t.StepsTwice} | {f.ErrorQueueMessages} | " +
                $"{Seconds(f.RecoverSeconds)}{Detail(f)} |"));
        }

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            machine = new { cores = Environment.ProcessorCount, os = RuntimeInformation.OSDescription, dotnet = RuntimeInformation.FrameworkDescription },
            date = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            faults = rows.Select(r => new
            {
                row = r.Name,
                failure = r.Failure,
                jobs = r.Figures?.Jobs,
                statuses = r.Figures?.Tally.Statuses,
                stranded = r.Figures?.Tally.Stranded,
                abendOfLiveWorker = r.Figures?.Tally.UnexpectedAbend,
                opsTwice = r.Figures?.Tally.OpsTwice,
                logLinesTwice = r.Figures?.Tally.LogLinesTwice,
                auditTwice = r.Figures?.Tally.AuditTwice,
                stepsTwice = r.Figures?.Tally.StepsTwice,
                errorQueueMessages = r.Figures?.ErrorQueueMessages,
                recoverSeconds = r.Figures?.RecoverSeconds,
                killedSteps = r.Figures?.KilledSteps,
                killedStepsFinalSeconds = r.Figures?.KilledStepsFinalSeconds,
                exitSeconds = r.Figures?.ExitSeconds,
                claimsClosedSeconds = r.Figures?.ClaimsClosedSeconds,
                claimedAfterSignal = r.Figures?.ClaimedAfterSignal,
                reordered = r.Figures?.Reordered,
                triggersLost = r.Figures?.TriggersLost,
                queuesDoubled = r.Figures?.QueuesDoubled,
                copiesDelivered = r.Figures?.CopiesDelivered,
            }),
        }, Report.Json));
    }

    // The row's own figure: the killed steps' Abend time, the drained instance's exit, the commands out of order.
    static string Detail(JobMonitor.Faults.FaultFigures f) =>
        f.KilledSteps is { } killed ? $"; {killed} killed steps final in {Seconds(f.KilledStepsFinalSeconds)}"
        : f.Terminated ? $"; exit after SIGTERM in {Seconds(f.ExitSeconds)}, stopped claiming in {Seconds(f.ClaimsClosedSeconds)}, {f.ClaimedAfterSignal} claims since"
        : f.Reordered is { } reordered ? $"; {reordered} out of order, {f.TriggersLost} triggers lost"
        : f.CopiesDelivered is { } copies ? $"; {copies} copies delivered"
        : "";

    static string Seconds(double? seconds) => seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s:0.0} s") : "never";
}
