using System.Text;
using JobMonitor.Service.Jobs;
using MassTransit;
using MassTransit.SagaStateMachine;

namespace JobMonitor.Specs.Docs;

/// <summary>
/// docs/states.md, drawn from the job saga's own declaration: MassTransit's graph of it (a status, the event handled
/// in it, the status its TransitionTo leads to), the moves its step logic declares, and the command table the API reads.
/// </summary>
public static class StatesDocument
{
    public const string Path = "docs/states.md";

    const string Regenerate =
        "JOBMONITOR_WRITE_DOCS=1 dotnet test tests/JobMonitor.Specs -c Release --filter \"FullyQualifiedName~StatesDocumentSpecs\"";

    public static string Write(DeploymentJobStateMachine machine)
    {
        var text = new StringBuilder();
        text.Append($"""
            # Job statuses

            <!-- Written by tests/JobMonitor.Specs/Docs/StatesDocument.cs from DeploymentJobStateMachine; do not edit.
                 Rewrite it with: {Regenerate} -->

            ## Declared transitions

            Every `During(status, When(event)…TransitionTo(next))` of the saga, as MassTransit's `GetGraph()` reads it.

            ```mermaid
            stateDiagram-v2

            """);
        foreach (var line in DeclaredTransitions(machine))
            text.Append("    ").Append(line).Append('\n');
        text.Append("""
            ```

            ## Moves the step logic makes

            Not in the diagram: where the next status depends on the pipeline (the next step, a rollback, approval,
            the RUN gate, a trap, the end), the handlers move the job themselves (`MoveToAsync`). The constructor
            declares these moves in `StepLogicMoves`, and `MoveToAsync` refuses any other.

            | message | from | to | why |
            | --- | --- | --- | --- |

            """);
        foreach (var move in machine.StepLogicMoves)
            text.Append($"| {move.Message.Name} | {Names(move.From)} | {Names(move.To)} | {move.Why} |\n");
        text.Append("""

            ## Commands by status

            A command is handled only in the statuses its row allows (`JobCommandRules`, which the API reads; the saga
            declares the same, and JobCommandRulesSpecs holds the two together). Anywhere else it is refused as
            `not_allowed_in_status`, after the repeat, permission and expectedVersion checks, and changes nothing.


            """);
        text.Append("| command | ").AppendJoin(" | ", JobStatuses.All.Select(JobStatuses.Display)).Append(" |\n");
        text.Append("| --- |").Append(string.Concat(JobStatuses.All.Select(_ => " --- |"))).Append('\n');
        foreach (var command in JobCommandRules.All)
            text.Append($"| {command.Wire()} | ").AppendJoin(" | ", JobStatuses.All.Select(s => Cell(command, s))).Append(" |\n");
        return text.ToString();
    }

    /// <summary>Mermaid lines <c>from --> to : event</c>, from MassTransit's graph of the machine.</summary>
    public static IReadOnlyList<string> DeclaredTransitions(DeploymentJobStateMachine machine)
    {
        var graph = machine.GetGraph();
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handled in graph.Vertices.Where(v => v.VertexType == typeof(Event)))
        {
            var from = graph.Edges.Where(e => e.To.Equals(handled)).Select(e => e.From.Title).ToList();
            var to = graph.Edges.Where(e => e.From.Equals(handled)).Select(e => e.To.Title).ToList();
            // The graph has one vertex per event: several sources and several targets would not say which leads where.
            if (from.Count > 1 && to.Count > 1)
                throw new InvalidOperationException($"{handled.Title} leads from {string.Join(", ", from)} to {string.Join(", ", to)}: the graph cannot pair them.");
            foreach (var source in from)
                foreach (var target in to)
                    lines.Add($"{Node(source)} --> {Node(target)} : {handled.Title}");
        }
        return [.. lines];
    }

    public static string OutOfDate => $"{Path} does not match the job saga: rewrite it with {Regenerate}";

    static string Names(IEnumerable<State> states) => string.Join(", ", states.Select(s => s.Name == "Initial" ? "(new)" : s.Name));

    static string Node(string state) => state is "Initial" or "Final" ? "[*]" : state;

    static readonly JobStep[] Steps = Enum.GetValues<JobStep>();

    /// <summary>Allowed in every step of the status, in some (named), or in none.</summary>
    static string Cell(OperatorCommand command, JobStatus status)
    {
        var steps = Steps.Where(step => JobCommandRules.Allows(command, status, step)).ToList();
        return steps.Count == Steps.Length ? "✓"
            : steps.Count == 0 ? ""
            : string.Join(", ", steps.Select(s => s.Wire()));
    }
}
