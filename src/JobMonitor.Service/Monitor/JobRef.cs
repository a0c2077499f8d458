using System.Diagnostics.CodeAnalysis;

namespace JobMonitor.Service.Monitor;

/// <summary>
/// How a route names a job: its id (a GUID) or its key (<c>N.PROD-00000042</c>, any case). Every <c>/api/jobs/{id}</c>
/// route binds this, and <see cref="VisibleJobs" /> resolves it, so ids and keys work alike everywhere.
/// </summary>
public readonly record struct JobRef
{
    JobRef(Guid? id, string? key, string text) => (Id, Key, Text) = (id, key, text);

    public Guid? Id { get; }

    /// <summary>The key in its stored form (keys are upper case), when the route gave a key.</summary>
    public string? Key { get; }

    string Text { get; }

    /// <summary>Minimal APIs bind route values through this; anything that is not a GUID is taken as a key.</summary>
    public static bool TryParse(string? value, [MaybeNullWhen(false)] out JobRef result)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            result = default;
            return false;
        }
        result = Guid.TryParse(text, out var id) ? new JobRef(id, null, text) : new JobRef(null, text.ToUpperInvariant(), text);
        return true;
    }

    public override string ToString() => Text;
}
