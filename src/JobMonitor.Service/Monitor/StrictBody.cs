using System.Text.Json;
using JobMonitor.Service.Jobs.Check;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Monitor;

/// <summary>
/// A JSON request body held to the input contract (SPEC §12) before it is deserialised, as bus commands are: an unknown
/// field or a value of the wrong type is a <see cref="Rejection" /> with its path, not silently dropped or a bare 400.
/// An empty body leaves both <see cref="Value" /> and <see cref="Rejection" /> null.
/// </summary>
public sealed class StrictBody<T> where T : class
{
    public T? Value { get; private init; }

    public Rejection? Rejection { get; private init; }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "Minimal APIs bind a parameter through its type's static BindAsync.")]
    public static async ValueTask<StrictBody<T>?> BindAsync(HttpContext http)
    {
        // The endpoint's RequestSizeLimit bounds what this reads.
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (buffer.Length == 0)
            return new StrictBody<T>();
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (ContractShape.Check<T>(body) is { } rejection)
            return new StrictBody<T> { Rejection = rejection };
        var options = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        return new StrictBody<T> { Value = JsonSerializer.Deserialize<T>(body.Span, options) };
    }
}
