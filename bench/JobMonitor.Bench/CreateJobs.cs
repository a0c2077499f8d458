using System.Text;

namespace JobMonitor.Bench;

/// <summary>CreateJob commands as raw JSON, the way upstream systems publish them.</summary>
public static class CreateJobs
{
    public const string Exchange = "JobMonitor.Contracts:CreateJob";

    const string ThreeSteps = """
        {
          "pre":  [{ "name": "prepare", "kind": "log", "params": { "message": "preparing" } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying" } }],
          "post": [{ "name": "notify", "kind": "log", "params": { "message": "done" } }]
        }
        """;

    const string PreAndRun = """
        {
          "pre":  [{ "name": "prepare", "kind": "log", "params": { "message": "preparing" } }],
          "run":  [{ "name": "deploy", "kind": "log", "params": { "message": "deploying" } }]
        }
        """;

    /// <summary>PRE, RUN and POST with one log op each, due now.</summary>
    public static byte[] DueNow(Guid jobId) => Json(jobId, ThreeSteps, scheduledAt: null);

    /// <summary>PRE and RUN with one log op each, RUN due at <paramref name="scheduledAt"/>.</summary>
    public static byte[] DueAt(Guid jobId, DateTimeOffset scheduledAt) => Json(jobId, PreAndRun, scheduledAt);

    static byte[] Json(Guid jobId, string pipeline, DateTimeOffset? scheduledAt) => Encoding.UTF8.GetBytes($$"""
        {
          "jobId": "{{jobId}}", "commandId": "{{Guid.NewGuid()}}", "requestedBy": "bench",
          "name": "bench {{jobId:N}}", "project": "bench", "environment": "PROD", "type": "Normal",
          "pipeline": {{pipeline}}
          {{(scheduledAt is { } at ? $", \"scheduledAt\": \"{at:O}\"" : "")}}
        }
        """);
}
