using JobMonitor.Service.Jobs;

namespace JobMonitor.Service.Execution.Ops;

/// <summary>The op kinds this worker runs, by kind.</summary>
public sealed class OpKinds(IEnumerable<IOpKind> kinds)
{
    readonly Dictionary<OpKind, IOpKind> byKind = kinds.ToDictionary(k => k.Kind);

    public IOpKind Get(OpKind kind) =>
        byKind.TryGetValue(kind, out var runner)
            ? runner
            : throw new OpFailedException($"op kind {Name(kind)} is not supported by this worker");

    public static string Name(OpKind kind) => kind.ToString().ToLowerInvariant();
}
