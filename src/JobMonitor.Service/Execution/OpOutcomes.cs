using System.Text.Json.Serialization;

namespace JobMonitor.Service.Execution;

/// <summary>
/// How an op or a step stands or ended. The job document (its JSON enum converter) and the wire
/// (<see cref="OpResult.Outcome"/>, the ledger, events, the read API) carry the lower-case name.
/// </summary>
public enum OpOutcome
{
    /// <summary>Not started yet.</summary>
    [JsonStringEnumMemberName("pending")] Pending,

    /// <summary>A step record whose worker has started it and not yet reported its end.</summary>
    [JsonStringEnumMemberName("running")] Running,

    [JsonStringEnumMemberName("success")] Success,

    /// <summary>Failed with onError ignore.</summary>
    [JsonStringEnumMemberName("warning")] Warning,

    [JsonStringEnumMemberName("error")] Error,

    /// <summary>Failed with onError trap: the step stops there and the job waits for a person (retry, skip, abort).</summary>
    [JsonStringEnumMemberName("trapped")] Trapped,

    /// <summary>Never ran: its step was skipped (nothing left to run) or ended before reaching it.</summary>
    [JsonStringEnumMemberName("skipped")] Skipped,

    /// <summary>In telemetry only: a step run that stopped without a result (its lease was lost or released).</summary>
    [JsonStringEnumMemberName("lost")] Lost,
}

public static class OpOutcomes
{
    /// <summary>The name the wire, the ledger and the read API use.</summary>
    public static string Wire(this OpOutcome outcome) => WireNames.Of(outcome);

    /// <summary>An outcome as a worker reported it (<see cref="OpResult.Outcome"/>).</summary>
    public static OpOutcome Parse(string wire) =>
        WireNames.TryParse<OpOutcome>(wire, out var outcome) ? outcome : throw new FormatException($"'{wire}' is not an op outcome");
}
