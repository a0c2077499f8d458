using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Scheduling;
using MassTransit;
using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Jobs;

/// <summary>
/// Owns a deployment job from INIT to END. Declares who may do what in which status; the step and gate logic lives
/// in the partial files beside this one.
/// </summary>
public sealed partial class DeploymentJobStateMachine : MassTransitStateMachine<DeploymentJobState>
{
    readonly TimeProvider _clock;
    readonly JobOptions _options;

    public DeploymentJobStateMachine(TimeProvider clock, IOptions<JobOptions> options)
    {
        _clock = clock;
        _options = options.Value;

        InstanceState(x => x.CurrentState);

        Event(() => Opened, e => e.CorrelateById(m => m.Message.JobId));
        Event(() => ClaimRequested, e =>
        {
            e.CorrelateById(m => m.Message.JobId);
            e.OnMissingInstance(m => m.ExecuteAsync(c => c.RespondAsync(new StepRunClaimRefused
            {
                JobId = c.Message.JobId,
                StepRunId = c.Message.StepRunId,
                Reason = "the job does not exist",
            })));
        });
        Event(() => OpProgressed, e =>
        {
            e.CorrelateById(m => m.Message.JobId);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => StepRunEnded, e =>
        {
            e.CorrelateById(m => m.Message.JobId);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => TriggerFired, e =>
        {
            e.CorrelateById(m => m.Message.JobId);
            e.OnMissingInstance(m => m.Discard());
        });

        // Internal events that arrive after the job moved on (a late step result, a stale trigger) change nothing.
        OnUnhandledEvent(x => x.Ignore());

        Initially(
            When(Opened).ThenAsync(OpenAsync));

        During(Ready,
            When(ClaimRequested).ThenAsync(ClaimAsync),
            When(TriggerFired).ThenAsync(OnTriggerAsync));

        During(Running,
            When(OpProgressed).ThenAsync(RecordProgressAsync),
            When(StepRunEnded).ThenAsync(FinishStepAsync));

        During(AllStatesBut(Ready),
            When(ClaimRequested).ThenAsync(RefuseClaimAsync));

        DuringAny(
            When(Opened).ThenAsync(AcknowledgeRepeatedOpenAsync));
    }

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
    public Event<ClaimStepRun> ClaimRequested { get; private set; } = null!;
    public Event<StepRunProgressed> OpProgressed { get; private set; } = null!;
    public Event<StepRunFinished> StepRunEnded { get; private set; } = null!;
    public Event<JobTriggerFired> TriggerFired { get; private set; } = null!;
}
