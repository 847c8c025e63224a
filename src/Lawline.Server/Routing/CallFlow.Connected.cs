using System.Text.Json;
using System.Threading.Channels;
using Lawline.Sip.Calls;

namespace Lawline.Server.Routing;

/// <summary>How an offer ended: connected and over (<see cref="RequeueTo"/> set when the lawyer sent the caller to another skill).</summary>
internal sealed record OfferOutcome(string? RequeueTo);

/// <summary>What a lawyer's transfer does (转接).</summary>
public enum TransferKind
{
    /// <summary>Back to the queue of another skill (the caller keeps priority).</summary>
    Skill,

    /// <summary>Straight to a colleague's phone (an expert seat), without talking first.</summary>
    Agent,

    /// <summary>An outside number through the trunk (12345, 110, a legal aid centre), without talking first.</summary>
    Number,
}

/// <summary>A transfer as the call record keeps it.</summary>
public sealed record TransferEntry(DateTimeOffset At, int? FromAgentId, string Kind, string Target, bool Succeeded, int? SipStatus);

/// <summary>The outcome of a transfer or consultation step requested at the desktop; <see cref="Error"/> says why not.</summary>
public sealed record TransferResult(bool Succeeded, string? Error = null);

internal abstract record CallCommand
{
    public TaskCompletionSource<TransferResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public sealed record Transfer(TransferKind Kind, string Target) : CallCommand;

    /// <summary>Attended: the caller hears music while the lawyer talks to the target first.</summary>
    public sealed record Consult(TransferKind Kind, string Target) : CallCommand;

    public sealed record CompleteConsultation : CallCommand;

    public sealed record CancelConsultation : CallCommand;

    public sealed record Hold(bool OnHold) : CallCommand;

    public sealed record Hangup : CallCommand;
}

/// <summary>A caller connected to a lawyer (or whoever they were transferred to). One task owns it; the desktop sends commands.</summary>
internal sealed class ConnectedCall(InboundCall caller, AgentId agent, CallLegId partner)
{
    public InboundCall Caller { get; } = caller;

    public AgentId Agent { get; } = agent;

    /// <summary>The leg bridged with the caller: the lawyer's, or the transfer target's after a transfer.</summary>
    public CallLegId Partner { get; set; } = partner;

    /// <summary>The leg the lawyer is consulting (attended transfer), while the caller waits.</summary>
    public CallLegId? Consultation { get; set; }

    public string? ConsultationTarget { get; set; }

    public List<TransferEntry> Transfers { get; } = [];

    public Channel<CallCommand> Commands { get; } = Channel.CreateUnbounded<CallCommand>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Set while the partner's phone carries out a transfer (REFER): its leg ending then is not a hang-up.</summary>
    public TaskCompletionSource<TransferCompleted>? PhoneTransfer { get; private set; }

    public string? PhoneTransferTarget { get; private set; }

    public void OnTransferEvent(CallEvent transferEvent)
    {
        switch (transferEvent)
        {
            case TransferRequested requested:
                PhoneTransferTarget = requested.Target;
                PhoneTransfer = new(TaskCreationOptions.RunContinuationsAsynchronously);
                break;
            case TransferCompleted completed:
                PhoneTransfer?.TrySetResult(completed);
                break;
        }
    }

    public void PhoneTransferHandled()
    {
        PhoneTransfer = null;
        PhoneTransferTarget = null;
    }
}

// Connected: ring the offered lawyer, bridge, follow transfers, and keep the caller for the survey when the lawyer hangs up first.
public sealed partial class CallFlow
{
    private static readonly TimeSpan TransferWait = TimeSpan.FromSeconds(60);

    /// <summary>Rings the offered agent's phone; null when nobody answered (keep waiting), else the call is over.</summary>
    private async Task<OfferOutcome?> OfferToAgentAsync(ICallControl calls, InboundCall caller, OfferCall offer, Task<CallEnded> callerEnded, CancellationToken cancellationToken)
    {
        var leg = caller.Leg;
        if (AgentTarget(offer.AgentId) is not { } target)
        {
            router.RingNoAnswer(offer.CallId, offer.AgentId);
            return null;
        }

        var skillCode = directory.SkillOfQueue(offer.QueueId);
        AgentCallEvent Stage(AgentCallStage stage, CallRating? rating = null) =>
            new(stage, offer.AgentId, caller.RecordId, caller.PlatformId, caller.Number, skillCode, false, rating, time.GetUtcNow());
        await agentCalls.PublishAsync(Stage(AgentCallStage.Ringing));
        using var callerGone = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ = callerEnded.ContinueWith(_ => callerGone.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        OriginateResult ring;
        try
        {
            ring = await calls.OriginateAsync(new OriginateRequest(target)
            {
                CallerNumber = caller.Number,
                RingTimeout = TimeSpan.FromSeconds(options.Value.RingTimeoutSeconds),
            }, callerGone.Token);
        }
        catch (ObjectDisposedException)
        {
            ring = OriginateResult.Failed(HangupCause.Cancelled, 487);
        }

        if (callerEnded.IsCompleted)
        {
            await agentCalls.PublishAsync(Stage(AgentCallStage.Ended));
            if (ring.Leg is { } orphan)
            {
                await calls.HangupAsync(orphan);
            }

            router.Abandon(offer.CallId);
            var left = (await callerEnded).At;
            await records.UpdateAsync(caller.RecordId, r =>
            {
                r.AbandonedIn = AbandonedIn.Ringing;
                r.AbandonedAt = left;
            }, cancellationToken);
            await AbandonedAsync(caller, skillCode, left, cancellationToken);
            return new OfferOutcome(null);
        }

        if (!ring.Answered || ring.Leg is not { } agentLeg)
        {
            await agentCalls.PublishAsync(Stage(AgentCallStage.Ended));
            // Ring-no-answer: the router makes the agent not-ready and offers the call on, keeping its place.
            router.RingNoAnswer(offer.CallId, offer.AgentId);
            return null;
        }

        router.Answered(offer.CallId, offer.AgentId);
        var connected = new ConnectedCall(caller, offer.AgentId, agentLeg);
        connectedByLeg[agentLeg] = connected;
        connectedByAgent[offer.AgentId] = connected;
        await records.UpdateAsync(caller.RecordId, r =>
        {
            r.AgentId ??= offer.AgentId.Value;
            r.AnsweredAt ??= time.GetUtcNow();
            r.AnsweredReason ??= offer.Reason;
            r.AnsweredOnMobile = target is OriginateTarget.Trunk;
        }, cancellationToken);
        if (Common.PhoneNumberFormatter.TryNormalize(caller.Number, out var reachedNumber) && reachedNumber is not null)
        {
            await callbackTasks.CloseAbandonedAsync(caller.PlatformId, reachedNumber.E164, caller.RecordId, cancellationToken);
        }
        await calls.ResumeAsync(leg);
        await calls.BridgeAsync(leg, agentLeg, hangUpTogether: false);
        await agentCalls.PublishAsync(Stage(AgentCallStage.Connected));
        var agentReleased = false;
        void ReleaseAgent()
        {
            if (!agentReleased)
            {
                agentReleased = true;
                connectedByAgent.TryRemove(new KeyValuePair<AgentId, ConnectedCall>(offer.AgentId, connected));
                recordOfCall[offer.CallId] = caller.RecordId;
                router.CallEnded(offer.AgentId);
                _ = agentCalls.PublishAsync(Stage(AgentCallStage.Ended));
            }
        }

        try
        {
            var command = connected.Commands.Reader.ReadAsync(cancellationToken).AsTask();
            while (true)
            {
                var partnerEnded = EndOf(connected.Partner);
                var first = await Task.WhenAny(callerEnded, partnerEnded, command);
                if (first == command)
                {
                    var outcome = await RunCommandAsync(calls, connected, await command, callerEnded, ReleaseAgent, cancellationToken);
                    if (outcome is not null)
                    {
                        await SaveTransfersAsync(connected, cancellationToken);
                        return outcome;
                    }

                    command = connected.Commands.Reader.ReadAsync(cancellationToken).AsTask();
                    continue;
                }

                if (first == partnerEnded && connected.PhoneTransfer is { } phoneTransfer)
                {
                    // The lawyer's phone transferred the caller (REFER): follow the caller to the new leg.
                    var done = await Task.WhenAny(phoneTransfer.Task, callerEnded, Task.Delay(TransferWait, time, cancellationToken));
                    if (done == phoneTransfer.Task && (await phoneTransfer.Task) is { Succeeded: true, NewLeg: { } newLeg } completed)
                    {
                        connected.Transfers.Add(new TransferEntry(completed.At, connected.Partner == agentLeg ? offer.AgentId.Value : null, "phone", connected.PhoneTransferTarget ?? "", true, completed.SipStatus));
                        connected.PhoneTransferHandled();
                        ReleaseAgent();
                        Forget(connected, connected.Partner);
                        connected.Partner = newLeg;
                        connectedByLeg[newLeg] = connected;
                        await SaveTransfersAsync(connected, cancellationToken);
                        continue;
                    }

                    connected.PhoneTransferHandled();
                }

                if (first == partnerEnded && connected.Consultation is { } consulted && !callerEnded.IsCompleted && calls.GetLeg(consulted) is not null)
                {
                    // The lawyer hung up while consulting: as on a desk phone, that hands the caller over.
                    await HandOverAsync(calls, connected, consulted, ReleaseAgent, cancellationToken);
                    continue;
                }

                var talkEnded = time.GetUtcNow();
                ReleaseAgent();
                await SaveTransfersAsync(connected, cancellationToken);
                if (first == callerEnded || callerEnded.IsCompleted)
                {
                    await calls.HangupAsync(connected.Partner);
                    if (connected.Consultation is { } consultation)
                    {
                        await calls.HangupAsync(consultation);
                    }

                    await records.UpdateAsync(caller.RecordId, r =>
                    {
                        r.TalkEndedAt = talkEnded;
                        r.CallerHungUpFirst = true;
                    }, cancellationToken);
                    await InviteToSurveyBySmsAsync(caller, cancellationToken);
                    return new OfferOutcome(null);
                }

                await records.UpdateAsync(caller.RecordId, r =>
                {
                    r.TalkEndedAt = talkEnded;
                    r.CallerHungUpFirst = false;
                }, cancellationToken);
                if (await SurveyAsync(calls, caller, cancellationToken) is { } rating)
                {
                    await agentCalls.PublishAsync(Stage(AgentCallStage.Rated, rating));
                }

                await calls.HangupAsync(leg);
                return new OfferOutcome(null);
            }
        }
        finally
        {
            ReleaseAgent();
            Forget(connected, connected.Partner);
            Forget(connected, agentLeg);
        }
    }

    private void Forget(ConnectedCall connected, CallLegId leg)
    {
        connectedByLeg.TryRemove(new KeyValuePair<CallLegId, ConnectedCall>(leg, connected));
        legEnds.TryRemove(leg, out _);
    }

    /// <summary>The lawyer hung up first: the caller stays for the survey (满意 1, 基本满意 2, 不满意 3).</summary>
    private async Task<CallRating?> SurveyAsync(ICallControl calls, InboundCall caller, CancellationToken cancellationToken)
    {
        if (!options.Value.Survey)
        {
            return null;
        }

        var rating = await survey.RunAsync(calls, caller.Leg, caller.PlatformCode, cancellationToken);
        if (ToRating(rating.Rating) is not { } stored)
        {
            return null;
        }

        // The one rating write path: history, the call and its work order, and 回访 per the platform's rule
        // (assigned to a supervisor, never the rated lawyer, due in the rule's working days).
        await ratings.RecordAsync(new Satisfaction.RatingInput(caller.PlatformId, caller.RecordId, null, stored, Satisfaction.RatingChannel.Ivr, rating.At), cancellationToken);

        return stored;
    }

    /// <summary>Carries out a desktop command; returns an outcome when the call has left this lawyer for good.</summary>
    private async Task<OfferOutcome?> RunCommandAsync(ICallControl calls, ConnectedCall connected, CallCommand command, Task<CallEnded> callerEnded, Action releaseAgent, CancellationToken cancellationToken)
    {
        var caller = connected.Caller.Leg;
        switch (command)
        {
            case CallCommand.Transfer { Kind: TransferKind.Skill } toSkill:
                await calls.UnbridgeAsync(caller);
                await calls.HangupAsync(connected.Partner);
                releaseAgent();
                connected.Transfers.Add(new TransferEntry(time.GetUtcNow(), connected.Agent.Value, "skill", toSkill.Target, true, null));
                command.Done.TrySetResult(new TransferResult(true));
                return new OfferOutcome(toSkill.Target);

            case CallCommand.Transfer blind:
                if (TransferTarget(blind.Kind, blind.Target) is not { } blindTarget)
                {
                    command.Done.TrySetResult(new TransferResult(false, "That target cannot be reached: an unknown agent, or no outbound trunk for numbers."));
                    return null;
                }

                var from = connected.Partner;
                var result = await calls.TransferAsync(from, blindTarget, cancellationToken);
                connected.Transfers.Add(new TransferEntry(time.GetUtcNow(), connected.Agent.Value, Describe(blind.Kind), blind.Target, result.Answered, result.SipStatus));
                if (result is { Answered: true, Leg: { } newLeg })
                {
                    releaseAgent();
                    Forget(connected, from);
                    connected.Partner = newLeg;
                    connectedByLeg[newLeg] = connected;
                    command.Done.TrySetResult(new TransferResult(true));
                }
                else
                {
                    command.Done.TrySetResult(new TransferResult(false, $"The target did not answer ({result.SipStatus})."));
                }

                await SaveTransfersAsync(connected, cancellationToken);
                return null;

            case CallCommand.Consult consult:
                if (connected.Consultation is not null || TransferTarget(consult.Kind, consult.Target) is not { } consultTarget)
                {
                    command.Done.TrySetResult(new TransferResult(false, connected.Consultation is null ? "That target cannot be reached: an unknown agent, or no outbound trunk for numbers." : "A consultation is already in progress."));
                    return null;
                }

                await calls.UnbridgeAsync(caller);
                await calls.HoldAsync(caller);
                var consultation = await calls.OriginateAsync(new OriginateRequest(consultTarget)
                {
                    CallerNumber = connected.Caller.Number,
                    RingTimeout = TimeSpan.FromSeconds(options.Value.RingTimeoutSeconds * 2),
                }, cancellationToken);
                if (consultation is { Answered: true, Leg: { } consultLeg } && !callerEnded.IsCompleted)
                {
                    connected.Consultation = consultLeg;
                    connected.ConsultationTarget = Describe(consult.Kind) + ":" + consult.Target;
                    await calls.BridgeAsync(connected.Partner, consultLeg, hangUpTogether: false);
                    command.Done.TrySetResult(new TransferResult(true));
                }
                else
                {
                    if (consultation.Leg is { } unused)
                    {
                        await calls.HangupAsync(unused);
                    }

                    await ReconnectAsync(calls, connected);
                    connected.Transfers.Add(new TransferEntry(time.GetUtcNow(), connected.Agent.Value, "attended-" + Describe(consult.Kind), consult.Target, false, consultation.SipStatus));
                    command.Done.TrySetResult(new TransferResult(false, $"The target did not answer ({consultation.SipStatus})."));
                }

                return null;

            case CallCommand.CompleteConsultation when connected.Consultation is { } target:
                await HandOverAsync(calls, connected, target, releaseAgent, cancellationToken);
                command.Done.TrySetResult(new TransferResult(true));
                return null;

            case CallCommand.Hold hold when connected.Consultation is null:
                if (hold.OnHold)
                {
                    await calls.HoldAsync(caller);
                }
                else
                {
                    await calls.ResumeAsync(caller);
                }

                command.Done.TrySetResult(new TransferResult(true));
                return null;

            case CallCommand.Hangup:
                // As if the lawyer hung up the phone: the partner's end is seen by the loop, which runs the survey.
                await calls.ResumeAsync(caller);
                await calls.HangupAsync(connected.Partner);
                command.Done.TrySetResult(new TransferResult(true));
                return null;

            case CallCommand.CancelConsultation when connected.Consultation is { } target:
                await calls.HangupAsync(target);
                connected.Consultation = null;
                await ReconnectAsync(calls, connected);
                command.Done.TrySetResult(new TransferResult(true));
                return null;

            default:
                command.Done.TrySetResult(new TransferResult(false, "There is no consultation in progress."));
                return null;
        }
    }

    /// <summary>Attended transfer completes: the caller is connected to the consulted party and the lawyer leaves.</summary>
    private async Task HandOverAsync(ICallControl calls, ConnectedCall connected, CallLegId consulted, Action releaseAgent, CancellationToken cancellationToken)
    {
        var lawyer = connected.Partner;
        await calls.UnbridgeAsync(consulted);
        await calls.ResumeAsync(connected.Caller.Leg);
        await calls.BridgeAsync(connected.Caller.Leg, consulted, hangUpTogether: false);
        await calls.HangupAsync(lawyer);
        releaseAgent();
        Forget(connected, lawyer);
        var target = connected.ConsultationTarget?.Split(':', 2) ?? ["", ""];
        connected.Transfers.Add(new TransferEntry(time.GetUtcNow(), connected.Agent.Value, "attended-" + target[0], target[1], true, 200));
        connected.Partner = consulted;
        connected.Consultation = null;
        connectedByLeg[consulted] = connected;
        await SaveTransfersAsync(connected, cancellationToken);
    }

    /// <summary>Back to talking with the caller after a consultation that did not go ahead.</summary>
    private static async Task ReconnectAsync(ICallControl calls, ConnectedCall connected)
    {
        await calls.UnbridgeAsync(connected.Partner);
        await calls.ResumeAsync(connected.Caller.Leg);
        if (calls.GetLeg(connected.Caller.Leg) is not null && calls.GetLeg(connected.Partner) is not null)
        {
            await calls.BridgeAsync(connected.Caller.Leg, connected.Partner, hangUpTogether: false);
        }
    }

    private static string Describe(TransferKind kind) => kind switch
    {
        TransferKind.Agent => "agent",
        TransferKind.Number => "number",
        _ => "skill",
    };

    /// <summary>A colleague's phone (or mobile for a remote seat), or an outside number through the outbound trunk.</summary>
    private OriginateTarget? TransferTarget(TransferKind kind, string target) => kind switch
    {
        TransferKind.Agent when int.TryParse(target, out var agentId) => AgentTarget(new AgentId(agentId)),
        TransferKind.Number when target.Length is > 0 and <= 20 && target.All(char.IsAsciiDigit) && OutboundTrunk() is { } trunk
            => new OriginateTarget.Trunk(trunk, target),
        _ => null,
    };

    /// <summary>Where an agent takes calls: their registered phone, else their mobile through the trunk (remote seat).</summary>
    private OriginateTarget? AgentTarget(AgentId agent) =>
        directory.PhoneOf(agent) is { } phone ? new OriginateTarget.Registered(phone)
        : directory.MobileOf(agent) is { } mobile && OutboundTrunk() is { } trunk ? new OriginateTarget.Trunk(trunk, Dialable(mobile))
        : null;

    private Task SaveTransfersAsync(ConnectedCall connected, CancellationToken cancellationToken)
    {
        if (connected.Transfers.Count == 0)
        {
            return Task.CompletedTask;
        }

        var json = JsonSerializer.Serialize(connected.Transfers, Json);
        return records.UpdateAsync(connected.Caller.RecordId, r => r.Transfers = json.Length <= 8000 ? json : r.Transfers, cancellationToken);
    }

    // ---------------------------------------------------------------- the desktop's call control

    /// <summary>Whether the agent is connected to a caller now, and the call's record.</summary>
    public long? CurrentCallRecordOf(AgentId agent) => connectedByAgent.TryGetValue(agent, out var connected) ? connected.Caller.RecordId : null;

    /// <summary>Transfers the agent's current caller (blind), or starts, completes or cancels a consultation (attended).</summary>
    public async Task<TransferResult> ControlAsync(AgentId agent, CallControlRequest request, CancellationToken cancellationToken)
    {
        if (!connectedByAgent.TryGetValue(agent, out var connected))
        {
            return new TransferResult(false, "You are not on a call.");
        }

        if (request is { Kind: TransferKind.Skill, Target: { } skillCode })
        {
            request = request with { Target = skillCode.ToUpperInvariant() };
        }

        CallCommand command = request.Action switch
        {
            CallControlAction.Transfer => new CallCommand.Transfer(request.Kind, request.Target ?? ""),
            CallControlAction.Consult => new CallCommand.Consult(request.Kind, request.Target ?? ""),
            CallControlAction.CompleteConsultation => new CallCommand.CompleteConsultation(),
            CallControlAction.Hold => new CallCommand.Hold(true),
            CallControlAction.Resume => new CallCommand.Hold(false),
            CallControlAction.Hangup => new CallCommand.Hangup(),
            _ => new CallCommand.CancelConsultation(),
        };
        if (request is { Action: CallControlAction.Transfer, Kind: TransferKind.Skill } && !directory.HasQueue(RoutingDirectory.QueueFor(connected.Caller.PlatformId, request.Target ?? "")))
        {
            return new TransferResult(false, "There is no queue for that skill on this platform.");
        }

        connected.Commands.Writer.TryWrite(command);
        return await command.Done.Task.WaitAsync(cancellationToken);
    }
}

public enum CallControlAction
{
    Transfer,
    Consult,
    CompleteConsultation,
    CancelConsultation,

    /// <summary>The caller hears music and the lawyer is muted to them, e.g. while looking something up.</summary>
    Hold,
    Resume,

    /// <summary>The lawyer ends their part from the desktop; the caller stays for the survey as after a hang-up on the phone.</summary>
    Hangup,
}

public sealed record CallControlRequest(CallControlAction Action, TransferKind Kind = TransferKind.Skill, string? Target = null);
