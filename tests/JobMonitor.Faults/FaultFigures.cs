using System.Globalization;

namespace JobMonitor.Faults;

/// <summary>What one row of SPEC §11 measured.</summary>
public sealed record FaultFigures
{
    public required string Row { get; init; }
    public required int Jobs { get; init; }
    public required JobTally Tally { get; init; }
    public required long ErrorQueueMessages { get; init; }

    /// <summary>From the end of the fault (server back, instance killed or stopped) until every job was final; null: never.</summary>
    public required double? RecoverSeconds { get; init; }

    /// <summary>kill -9: the jobs whose step ran on the killed instance, and when all of them were final.</summary>
    public int? KilledSteps { get; init; }
    public double? KilledStepsFinalSeconds { get; init; }

    /// <summary>
    /// SIGTERM: when the instance exited (null: not within the drain time-out and a margin), when it said it claims
    /// nothing new (null: it never said so), and its claims after that.
    /// </summary>
    public bool Terminated { get; init; }
    public double? ExitSeconds { get; init; }
    public double? ClaimsClosedSeconds { get; init; }
    public long? ClaimedAfterSignal { get; init; }

    /// <summary>Two reschedules per job: jobs left with the first date, i.e. the commands applied in reverse order.</summary>
    public long? Reordered { get; init; }

    /// <summary>Jobs with the last date whose RUN trigger never moved them: not final 60 s after it.</summary>
    public long? TriggersLost { get; init; }

    /// <summary>Duplicate delivery: the queues whose every message was delivered twice.</summary>
    public int? QueuesDoubled { get; init; }
    public long? CopiesDelivered { get; init; }

    /// <summary>Where the stranded jobs stopped, when some were (see <see cref="FaultStage"/>).</summary>
    public string? Diagnosis { get; init; }

    public override string ToString()
    {
        var t = Tally;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{Row}: {Jobs} jobs, {t.Stranded} stranded, {t.Count("Finished")} Finished, {t.Count("Abend")} Abend ({t.UnexpectedAbend} of a live worker), " +
            $"{t.Count("Error")} Error; ops twice {t.OpsTwice}, log lines twice {t.LogLinesTwice}, audit twice {t.AuditTwice}, " +
            $"steps twice {t.StepsTwice}; {ErrorQueueMessages} in _error queues; " +
            $"recovered {(RecoverSeconds is { } s ? $"in {s:0.0} s" : "never")}");
        if (KilledSteps is { } killed)
            text += string.Create(CultureInfo.InvariantCulture,
                $"; {killed} steps on the killed instance, final {(KilledStepsFinalSeconds is { } k ? $"{k:0.0} s" : "never")} after the kill");
        if (Terminated)
            text += string.Create(CultureInfo.InvariantCulture,
                $"; exited {(ExitSeconds is { } e ? $"{e:0.0} s" : "not")} after SIGTERM, stopped claiming " +
                $"{(ClaimsClosedSeconds is { } c ? $"{c:0.0} s after it, {ClaimedAfterSignal} claims since" : "never (no word of it in its output)")}");
        if (Reordered is { } reordered)
            text += $"; {reordered} jobs with commands applied out of order, {TriggersLost} triggers lost";
        if (QueuesDoubled is { } queues)
            text += $"; {queues} queues doubled, {CopiesDelivered} copies delivered";
        if (t.RepeatedLogLines.Count > 0)
            text += "; lines repeated: " + string.Join(" | ", t.RepeatedLogLines);
        text += "; statuses " + string.Join(", ", t.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"));
        return Diagnosis is null ? text : $"{text}\nstranded:\n{Diagnosis}";
    }
}
