using Microsoft.AspNetCore.Http.HttpResults;

namespace JobMonitor.Service.Monitor;

/// <summary>The API's error answers: ProblemDetails, with <c>errors: {field: [message]}</c> for invalid input.</summary>
public static class Problems
{
    public static ProblemHttpResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request",
            detail: string.Join(" ", errors.Values.SelectMany(m => m)),
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>Also the answer for a job outside the caller's scopes: for them it does not exist.</summary>
    public static ProblemHttpResult JobNotFound(JobRef job) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Job not found", detail: $"No job {job}.");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    public static ProblemHttpResult Conflict(string reason, string detail, IDictionary<string, object?>? more = null)
    {
        var extensions = new Dictionary<string, object?>(more ?? new Dictionary<string, object?>()) { ["reason"] = reason };
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail, extensions: extensions);
    }
}

/// <summary>Collects field errors of a request body; empty when the body is valid.</summary>
public sealed class FieldErrors
{
    readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
            _errors[field] = messages = [];
        messages.Add(message);
        return this;
    }

    /// <summary>Adds an error when <paramref name="text" /> is longer than <paramref name="max" /> characters.</summary>
    public FieldErrors MaxLength(string field, string? text, int max) =>
        text is not null && text.Length > max ? Add(field, $"{field} must be at most {max} characters.") : this;

    public ProblemHttpResult ToProblem() => Problems.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
}
