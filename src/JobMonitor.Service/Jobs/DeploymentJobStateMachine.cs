using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Recovery;
using JobMonitor.Service.Jobs.Natures;
using JobMonitor.Service.Scheduling;
using JobMonitor.Service.Security;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Jobs;

/// <summary>
/// Owns a deployment job from INIT to END. The constructor declares which message is handled in which status and the
/// plain transitions; moves that depend on the pipeline (the next step, rollback, traps, the RUN gate) are made by the
/// step logic in the partial files beside this one. docs/states.md draws the declared graph.
/// </summary>
public sealed partial class DeploymentJobStateMachine : MassTransitStateMachine<DeploymentJobState>
{
    readonly TimeProvider _clock;
    readonly JobOptions _options;
    readonly NatureClassifier _natures;
    readonly JobAccess _access;

    public DeploymentJobStateMachine(TimeProvider clock, IOptions<JobOptions> options, NatureClassifier natures, JobAccess access)
    {
        _clock = clock;
        _options = options.Value;
        _natures = natures;
        _access = access;

        InstanceState(x => x.CurrentState);

        Event(() => OpenJob, e => e.CorrelateById(m => m.Message.JobId));
        InternalEvent(() => StepRunStarted, m => m.Message.JobId);
        InternalEvent(() => StepRunProgressed, m => m.Message.JobId);
        InternalEvent(() => StepRunFinished, m => m.Message.JobId);
        InternalEvent(() => StepRunAbandoned, m => m.Message.JobId);
        InternalEvent(() => JobTriggerFired, m => m.Message.JobId);
        InternalEvent(() => RecoverJob, m => m.Message.JobId);
        CommandEvent(() => ApproveJob);
        CommandEvent(() => RejectJob);
        CommandEvent(() => RescheduleJob);
        CommandEvent(() => RerunJob);
        CommandEvent(() => CancelJob);
        CommandEvent(() => DeleteJob);
        CommandEvent(() => RespondToTrap);
        CommandEvent(() => PauseTrap);
        CommandEvent(() => ResumeTrap);

        // Every change of status is announced once, whether declared here or made by the step logic.
        BeforeEnterAny(entering => entering.If(c => c.Message != Initial && c.Message != Final,
            announce => announce.ThenAsync(c => AnnounceAsync(c, c.Message))));

        // Internal events that arrive after the job moved on (a late step result, a stale trigger) change nothing.
        OnUnhandledEvent(x => x.Ignore());

        Initially(
            When(OpenJob).ThenAsync(OpenAsync));

        During(Ready, Rollback,
            When(StepRunStarted).ThenAsync(c => StartedAsync(c, c.Message.StepRunId, c.Message.Worker, c.Message.StartedAt)));

        // Ready too: a result implies its step's start, whose own message may have been lost.
        During(Ready, Running, Rollback,
            When(StepRunProgressed).ThenAsync(RecordProgressAsync),
            When(StepRunFinished).ThenAsync(c => FinishStepAsync(c, c.Message)),
            When(StepRunAbandoned, c => c.Message.StepRunId == (c.Saga.StepRunId ?? c.Saga.WaitingGateRun))
                .ThenAsync(c => OpenGateForReportAsync(c, c.Message.StepRunId))
                .Then(RecordAbend)
                .TransitionTo(Abend)
                .ThenAsync(DisarmTriggersAsync));

        DuringAny(
            When(OpenJob).ThenAsync(AcknowledgeRepeatedOpenAsync),
            When(RecoverJob).ThenAsync(RecoverAsync));

        // Stored instants. A trigger armed before the job moved on finds no handler here, or a stale token, and is ignored.
        During(Ready,
            When(JobTriggerFired, c => Due(c, JobTriggerKind.RunGate) && WaitingAtRunGate(c.Saga))
                .ThenAsync(RunGateFiredAsync));

        During(Ready, WaitingForApproval,
            When(JobTriggerFired, c => Due(c, JobTriggerKind.MaxStart) && WaitingToStart(c.Saga))
                .IfElse(BeforeMaxStart,
                    early => early.ThenAsync(ArmMaxStartAsync),
                    due => due
                        .ThenAsync(c => StopStepRunAsync(c, "the job expired"))
                        .Then(c => RecordExpiry(c.Saga, _clock.GetUtcNow()))
                        .TransitionTo(Expired)
                        .ThenAsync(DisarmTriggersAsync)));

        During(Trapped,
            When(JobTriggerFired, c => Due(c, JobTriggerKind.TrapTimeout) && c.Saga.Trap is not null)
                .ThenAsync(TimeOutTrapAsync));

        // Operator commands, in the statuses that accept them (SPEC §4; JobCommandRules is the same table for the API).
        During(WaitingForApproval,
            Command(ApproveJob, OperatorCommand.Approve, accepted => accepted
                .ThenAsync(ApproveAsync)),
            Command(RejectJob, OperatorCommand.Reject, accepted => accepted
                .Then(RecordRejection)
                .TransitionTo(Rejected)
                .ThenAsync(DisarmTriggersAsync)));

        During(Ready, WaitingForApproval, Expired,
            Command(RescheduleJob, OperatorCommand.Reschedule, accepted => accepted
                .ThenAsync(RescheduleAsync), CheckReschedule));

        During(new[] { Ready, Running, WaitingForApproval, Trapped, TrapPaused },
            Command(CancelJob, OperatorCommand.Cancel, accepted => accepted
                .ThenAsync(CancelAsync)
                .TransitionTo(Canceled)
                .ThenAsync(DisarmTriggersAsync)));

        During(AllStatesBut(Running, Rollback, Trapped, TrapPaused),
            Command(RerunJob, OperatorCommand.Rerun, accepted => accepted
                .ThenAsync(RerunAsync), CheckRerun));

        // Final: the repository removes the row and purges the log; the audit entry stays.
        During(AllStatesBut(Running, Rollback),
            Command(DeleteJob, OperatorCommand.Delete, accepted => accepted
                .ThenAsync(DeleteAsync)
                .Finalize()));

        During(Trapped, TrapPaused,
            Command(RespondToTrap, OperatorCommand.RespondToTrap, accepted => accepted
                .ThenAsync(RespondToTrapAsync), CheckTrapResponse));

        During(Trapped,
            Command(PauseTrap, OperatorCommand.PauseTrap, accepted => accepted
                .Then(PauseTrapTimeout)
                .TransitionTo(TrapPaused)
                .ThenAsync(DisarmTrapTimeoutAsync)));

        During(TrapPaused,
            Command(ResumeTrap, OperatorCommand.ResumeTrap, accepted => accepted
                .ThenAsync(ResumeTrapTimeoutAsync)
                .TransitionTo(Trapped)));

        // The moves the step logic makes itself (MoveToAsync), where the next status depends on the pipeline: the next
        // step, a rollback, approval, the RUN gate, a trap, the end. MoveToAsync refuses a move not listed here.
        State[] next = [Ready, Rollback, WaitingForApproval, Expired, Finished, Error];
        StepLogicMoves =
        [
            new(OpenJob, [Initial], next, "PRE dispatched; a step with nothing to run is passed at once"),
            new(StepRunStarted, [Ready, Running], [Ready, Running],
                "a worker holds the step's lease (a rollback step stays in Rollback); a RUN dispatched by its trigger first opens the gate"),
            new(StepRunProgressed, [Ready, Running], [Ready, Running], "the step's first progress, its start message lost"),
            new(StepRunAbandoned, [Ready], [Ready], "a RUN dispatched by its trigger, abandoned before the saga heard of it: the gate opens first"),
            new(StepRunFinished, [Ready, Running, Rollback], [Running, Trapped, .. next],
                "the step's start if its message was lost, then a trap, or the next step, rollback, approval, RUN gate or end"),
            new(RecoverJob, [Ready, Running, Rollback, WaitingForApproval], [Running, Trapped, .. next],
                "a lost result applied as StepRunFinished, the RUN gate opened, or the max start date passed"),
            new(JobTriggerFired, [Ready, Trapped], next, "the RUN gate opens (RUN dispatched, or expired); a trap times out"),
            new(ApproveJob, [WaitingForApproval], next, "the RUN gate"),
            new(RescheduleJob, [Ready, WaitingForApproval, Expired], next, "waiting again: for approval if owed, else at the RUN gate"),
            new(RerunJob, AllStatesBut(Running, Rollback, Trapped, TrapPaused), next, "the step it restarts at, dispatched or at the RUN gate"),
            new(RespondToTrap, [Trapped, TrapPaused], next, "retry and skip run the step on, abort ends it"),
        ];

        // Last, as it reads the declarations above: in every other status a command is answered with a refusal.
        RefuseWhereUndeclared(ApproveJob, OperatorCommand.Approve);
        RefuseWhereUndeclared(RejectJob, OperatorCommand.Reject);
        RefuseWhereUndeclared(RescheduleJob, OperatorCommand.Reschedule);
        RefuseWhereUndeclared(CancelJob, OperatorCommand.Cancel);
        RefuseWhereUndeclared(RerunJob, OperatorCommand.Rerun);
        RefuseWhereUndeclared(DeleteJob, OperatorCommand.Delete);
        RefuseWhereUndeclared(RespondToTrap, OperatorCommand.RespondToTrap);
        RefuseWhereUndeclared(PauseTrap, OperatorCommand.PauseTrap);
        RefuseWhereUndeclared(ResumeTrap, OperatorCommand.ResumeTrap);

        // A deleted job leaves the store: the repository removes it once it is final.
        SetCompletedWhenFinalized();
    }

    void InternalEvent<T>(System.Linq.Expressions.Expression<Func<Event<T>>> property, Func<ConsumeContext<T>, Guid> jobId)
        where T : class =>
        Event(property, e =>
        {
            e.CorrelateById(jobId);
            e.OnMissingInstance(m => m.Discard());
        });

    void CommandEvent<T>(System.Linq.Expressions.Expression<Func<Event<T>>> property) where T : JobCommand =>
        Event(property, e =>
        {
            e.CorrelateById(m => m.Message.JobId);
            e.OnMissingInstance(m => m.ExecuteAsync(RejectMissingAsync));
        });

    /// <summary>The moves of the step logic, declared in the constructor; docs/states.md lists them beside the graph.</summary>
    public IReadOnlyList<StepLogicMove> StepLogicMoves { get; }

    State[] AllStatesBut(params State[] excluded) =>
        new[] { Ready, Running, WaitingForApproval, Rejected, Expired, Abend, Rollback, Finished, Error, Canceled, Trapped, TrapPaused }
            .Except(excluded).ToArray();

    public State Ready { get; private set; } = null!;
    public State Running { get; private set; } = null!;
    public State WaitingForApproval { get; private set; } = null!;
    public State Rejected { get; private set; } = null!;
    public State Expired { get; private set; } = null!;
    public State Abend { get; private set; } = null!;
    public State Rollback { get; private set; } = null!;
    public State Finished { get; private set; } = null!;
    public State Error { get; private set; } = null!;
    public State Canceled { get; private set; } = null!;
    public State Trapped { get; private set; } = null!;
    public State TrapPaused { get; private set; } = null!;

    public Event<OpenJob> OpenJob { get; private set; } = null!;
    public Event<StepRunStarted> StepRunStarted { get; private set; } = null!;
    public Event<StepRunProgressed> StepRunProgressed { get; private set; } = null!;
    public Event<StepRunFinished> StepRunFinished { get; private set; } = null!;
    public Event<StepRunAbandoned> StepRunAbandoned { get; private set; } = null!;
    public Event<JobTriggerFired> JobTriggerFired { get; private set; } = null!;
    public Event<RecoverJob> RecoverJob { get; private set; } = null!;
    public Event<ApproveJob> ApproveJob { get; private set; } = null!;
    public Event<RejectJob> RejectJob { get; private set; } = null!;
    public Event<RescheduleJob> RescheduleJob { get; private set; } = null!;
    public Event<RerunJob> RerunJob { get; private set; } = null!;
    public Event<CancelJob> CancelJob { get; private set; } = null!;
    public Event<DeleteJob> DeleteJob { get; private set; } = null!;
    public Event<RespondToTrap> RespondToTrap { get; private set; } = null!;
    public Event<PauseTrap> PauseTrap { get; private set; } = null!;
    public Event<ResumeTrap> ResumeTrap { get; private set; } = null!;
}
