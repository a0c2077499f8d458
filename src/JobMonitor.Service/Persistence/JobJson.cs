using System.Text.Json;
using System.Text.Json.Serialization;

namespace JobMonitor.Service.Persistence;

/// <summary>How a saga instance is written to and read from jobs.data.</summary>
public static class JobJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
