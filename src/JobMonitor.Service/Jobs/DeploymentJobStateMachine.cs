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
/// Owns a deployment job from INIT to END. Declares what the job listens to in which status; the step, command and
/// trigger logic lives in the partial files beside this one. Which command is allowed when is
/// <see cref="JobCommandRules" />.
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

        Event(() => Opened, e => e.CorrelateById(m => m.Message.JobId));
        InternalEvent(() => StepStarted, m => m.Message.JobId);
        InternalEvent(() => OpProgressed, m => m.Message.JobId);
        InternalEvent(() => StepRunEnded, m => m.Message.JobId);
        InternalEvent(() => StepRunLost, m => m.Message.JobId);
        InternalEvent(() => TriggerFired, m => m.Message.JobId);
        InternalEvent(() => RecoveryRequested, m => m.Message.JobId);
        CommandEvent(() => ApproveRequested);
        CommandEvent(() => RejectRequested);
        CommandEvent(() => RescheduleRequested);
        CommandEvent(() => RerunRequested);
        CommandEvent(() => CancelRequested);
        CommandEvent(() => DeleteRequested);
        CommandEvent(() => TrapResponded);
        CommandEvent(() => TrapPauseRequested);
        CommandEvent(() => TrapResumeRequested);

        // Internal events that arrive after the job moved on (a late step result, a stale trigger) change nothing.
        OnUnhandledEvent(x => x.Ignore());

        Initially(
            When(Opened).ThenAsync(OpenAsync));

        During(Ready, Rollback,
            When(StepStarted).ThenAsync(c => StartedAsync(c, c.Message.StepRunId, c.Message.Worker, c.Message.StartedAt)));

        // Ready too: a result implies its step's start, whose own message may have been lost.
        During(Ready, Running, Rollback,
            When(OpProgressed).ThenAsync(RecordProgressAsync),
            When(StepRunEnded).ThenAsync(c => FinishStepAsync(c, c.Message)),
            When(StepRunLost).ThenAsync(AbandonAsync));

        DuringAny(
            When(Opened).ThenAsync(AcknowledgeRepeatedOpenAsync),
            When(TriggerFired).ThenAsync(OnTriggerAsync),
            When(RecoveryRequested).ThenAsync(RecoverAsync),
            When(ApproveRequested).ThenAsync(c => HandleAsync(c, JobCommandRules.Approve, ApproveAsync)),
            When(RejectRequested).ThenAsync(c => HandleAsync(c, JobCommandRules.Reject, RejectJobAsync)),
            When(RescheduleRequested).ThenAsync(c => HandleAsync(c, JobCommandRules.Reschedule, RescheduleAsync)),
            When(RerunRequested).ThenAsync(c => HandleAsync(c, JobCommandRules.Rerun, RerunAsync)),
            When(CancelRequested).ThenAsync(c => HandleAsync(c, JobCommandRules.Cancel, CancelAsync)),
            When(DeleteRequested).ThenAsync(c => HandleAsync(c, JobCommandRules.Delete, DeleteAsync)),
            When(TrapResponded).ThenAsync(c => HandleAsync(c, JobCommandRules.RespondToTrap, RespondToTrapAsync)),
            When(TrapPauseRequested).ThenAsync(c => HandleAsync(c, JobCommandRules.PauseTrap, PauseTrapAsync)),
            When(TrapResumeRequested).ThenAsync(c => HandleAsync(c, JobCommandRules.ResumeTrap, ResumeTrapAsync)));

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

    public Event<OpenJob> Opened { get; private set; } = null!;
    public Event<StepRunStarted> StepStarted { get; private set; } = null!;
    public Event<StepRunProgressed> OpProgressed { get; private set; } = null!;
    public Event<StepRunFinished> StepRunEnded { get; private set; } = null!;
    public Event<StepRunAbandoned> StepRunLost { get; private set; } = null!;
    public Event<JobTriggerFired> TriggerFired { get; private set; } = null!;
    public Event<RecoverJob> RecoveryRequested { get; private set; } = null!;
    public Event<ApproveJob> ApproveRequested { get; private set; } = null!;
    public Event<RejectJob> RejectRequested { get; private set; } = null!;
    public Event<RescheduleJob> RescheduleRequested { get; private set; } = null!;
    public Event<RerunJob> RerunRequested { get; private set; } = null!;
    public Event<CancelJob> CancelRequested { get; private set; } = null!;
    public Event<DeleteJob> DeleteRequested { get; private set; } = null!;
    public Event<RespondToTrap> TrapResponded { get; private set; } = null!;
    public Event<PauseTrap> TrapPauseRequested { get; private set; } = null!;
    public Event<ResumeTrap> TrapResumeRequested { get; private set; } = null!;
}
