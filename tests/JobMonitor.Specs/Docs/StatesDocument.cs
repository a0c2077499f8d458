using System.Text;
using JobMonitor.Service.Jobs;
using MassTransit;
using MassTransit.SagaStateMachine;

namespace JobMonitor.Specs.Docs;

/// <summary>
/// docs/states.md, drawn from the job saga's own declaration: MassTransit's graph of it (a status, the event handled
/// in it, the status its TransitionTo leads to) and the command table the API reads. The moves the step logic makes
/// imperatively are not in a declaration, so they are listed by hand here, next to the code that draws the rest.
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

            Not declared, so not in the diagram: where the next status depends on the pipeline (the next step, a
            rollback, the RUN gate, a trap), the handlers move the job themselves (`MoveToAsync`,
            DeploymentJobStateMachine.*.cs).

            | message | from | to |
            | --- | --- | --- |
            | OpenJob | (new) | Ready: PRE dispatched; a PRE with nothing to run goes on as after StepRunFinished |
            | StepRunStarted, or the first progress or result of a step run | Ready | Running (Rollback stays Rollback) |
            | StepRunFinished, RecoverJob (a lost result) | Running, Ready, Rollback | Ready: the next step dispatched or waiting at the RUN gate; Rollback: a rollback step; WaitingForApproval: after PRE with an approval op; Trapped: an op trapped; Expired: past the max start date at the RUN gate; Finished or Error: after the last step |
            | JobTriggerFired (RUN gate), RecoverJob | Ready | Ready (RUN dispatched), Expired |
            | RecoverJob (the max start date passed unnoticed) | Ready, WaitingForApproval | Expired |
            | JobTriggerFired (trap time-out) | Trapped | as RespondToTrap, with the op's time-out action |
            | ApproveJob | WaitingForApproval | Ready, Expired (the RUN gate) |
            | RescheduleJob | Ready, WaitingForApproval, Expired | Ready, WaitingForApproval, Expired |
            | RerunJob | see the table below | Ready: the step it restarts at, dispatched or waiting at the RUN gate; Expired: RUN past its max start date; a step with nothing to run goes on as after StepRunFinished |
            | RespondToTrap | Trapped, TrapPaused | Ready or Rollback: retry runs the op again, skip the ops after it; abort, or a skip with no op left, ends the step as after StepRunFinished |

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
