using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Lawline.Server.Data;
using Lawline.Server.Routing.Ivr;
using Lawline.Server.Security;
using Lawline.Server.Telephony;
using Lawline.Sip.Calls;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Routing;

/// <summary>
/// The hotline call flow: a citizen's call is answered, recorded, led through the platform's IVR, queued for the
/// chosen skill, offered by the router to the right duty lawyer's phone, bridged, and — when the lawyer hangs up
/// first — kept for the satisfaction survey. Every step lands in the call record. Uses only the engine's
/// call-control API and the router; never SIP.
/// </summary>
public sealed partial class CallFlow(
    SipEngineHost engineHost,
    CallRouter router,
    RoutingDirectory directory,
    CallRecordStore records,
    IvrRunner ivr,
    SatisfactionSurvey survey,
    RegistrationNotifier registrations,
    RoutingNotifier routingEvents,
    IServiceScopeFactory scopes,
    IOptions<RoutingOptions> options,
    IOptions<LawlineOptions> lawline,
    TimeProvider time,
    ILogger<CallFlow> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<CallLegId, TaskCompletionSource<CallEnded>> legEnds = new();
    private readonly ConcurrentDictionary<CallId, Channel<OfferCall>> waiting = new();
    private readonly ConcurrentDictionary<CallId, long> recordOfCall = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (engineHost.Engine is not { } engine)
        {
            return;
        }

        router.Configure(await directory.RefreshAsync(stoppingToken));
        using var presence = registrations.Subscribe(OnRegistrationChangedAsync);
        using var decisions = routingEvents.Subscribe(OnRoutingEventAsync);
        var refresh = RefreshPeriodicallyAsync(stoppingToken);
        try
        {
            await foreach (var callEvent in engine.Events.ReadAllAsync(stoppingToken))
            {
                switch (callEvent)
                {
                    case CallOffered offered:
                        // Watch the leg's end from the start; entries exist only for legs the flow follows
                        // (callers, and agents' legs once answered) and are removed when it is done with them.
                        legEnds.GetOrAdd(offered.Leg, _ => NewEnd());
                        _ = HandleInboundAsync(engine.Calls, offered, stoppingToken);
                        break;
                    case CallAnswered answered when engine.Calls.GetLeg(answered.Leg) is { Direction: LegDirection.Outbound }:
                        legEnds.GetOrAdd(answered.Leg, _ => NewEnd());
                        break;
                    case CallEnded ended when legEnds.TryGetValue(ended.Leg, out var end):
                        end.TrySetResult(ended);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await refresh;
    }

    private static TaskCompletionSource<CallEnded> NewEnd() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task<CallEnded> EndOf(CallLegId leg) => legEnds.GetOrAdd(leg, _ => NewEnd()).Task;

    private async Task RefreshPeriodicallyAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                router.Configure(await directory.RefreshAsync(cancellationToken));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>An agent whose phone comes online is ready for calls; one whose last device goes away is logged out.</summary>
    private async Task OnRegistrationChangedAsync(SipRegistrationChanged change)
    {
        if (change.AgentId is not { } agentId)
        {
            return;
        }

        var agent = new AgentId(agentId);
        if (router.GetAgent(agent) is null)
        {
            router.Configure(await directory.RefreshAsync(CancellationToken.None));
        }

        var status = router.GetAgent(agent);
        if (change.DevicesRegistered > 0 && status is { State: AgentState.Offline })
        {
            router.SetReady(agent);
        }
        else if (change.DevicesRegistered == 0 && status is not null && status.State is AgentState.Ready or AgentState.NotReady)
        {
            router.LogOut(agent);
        }
    }

    private Task OnRoutingEventAsync(RoutingEvent routingEvent)
    {
        switch (routingEvent)
        {
            case OfferCall offer when waiting.TryGetValue(offer.CallId, out var channel):
                channel.Writer.TryWrite(offer);
                break;
            case OfferCall stale:
                // The caller left between the decision and now: release the agent without a mark.
                router.Abandon(stale.CallId);
                break;
            case AgentStateChanged { From: AgentState.WrapUp, Call: { } call } done when recordOfCall.TryRemove(call, out var recordId):
                return records.UpdateAsync(recordId, r => r.WrapUpEndedAt = done.At);
        }

        return Task.CompletedTask;
    }

    private async Task HandleInboundAsync(ICallControl calls, CallOffered offered, CancellationToken cancellationToken)
    {
        var leg = offered.Leg;
        try
        {
            if (offered.FromRegisteredUser || directory.PlatformFor(offered.DialedNumber) is not { } platform)
            {
                // Agents' phones dialling out and numbers no platform serves are not hotline calls.
                await calls.HangupAsync(leg, HangupCause.Rejected);
                return;
            }

            var recordId = await records.OpenAsync(platform.Id, CallChannel.Inbound, leg.Value, offered.SipCallId, offered.CallerNumber, offered.DialedNumber, cancellationToken);
            var ended = EndOf(leg);
            _ = RecordEndAsync(recordId, ended);

            await calls.AnswerAsync(leg, cancellationToken);
            if (options.Value.RecordCalls)
            {
                var path = RecordingPath(recordId);
                await calls.StartRecordingAsync(leg, path);
                await records.UpdateAsync(recordId, r => r.RecordingPath = path, cancellationToken);
            }

            IvrFlow flow;
            IvrCallContext context;
            await using (var scope = scopes.CreateAsyncScope())
            {
                scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("call-flow");
                (flow, context) = await scope.ServiceProvider.GetRequiredService<IvrFlowService>().ForCallAsync(platform.Id, cancellationToken);
            }

            Log.IvrStarted(logger, leg.Value, context.PlatformCode, recordId);
            var result = await ivr.RunAsync(calls, leg, flow, context, cancellationToken);
            Log.IvrEnded(logger, leg.Value, result.Outcome.ToString(), result.Digits);
            var ivrPath = JsonSerializer.Serialize(result.Path, Json);
            await records.UpdateAsync(recordId, r => r.IvrPath = ivrPath.Length <= 8000 ? ivrPath : ivrPath[..8000], cancellationToken);

            switch (result.Outcome)
            {
                case IvrOutcome.Queue queue:
                    await QueueAndConnectAsync(calls, leg, offered.CallerNumber, recordId, platform.Id, context.PlatformCode, queue, cancellationToken);
                    break;
                case IvrOutcome.HungUp:
                    await records.UpdateAsync(recordId, r =>
                    {
                        r.AbandonedIn = AbandonedIn.Ivr;
                        r.AbandonedAt = time.GetUtcNow();
                    }, cancellationToken);
                    break;
                case IvrOutcome.Voicemail or IvrOutcome.Callback:
                    // The caller's message is in the call's recording; either way a callback is owed to them.
                    var general = directory.GeneralQueueOf(platform.Id);
                    router.ScheduleCallback(new CallId("cb-" + leg.Value), general, offered.CallerNumber);
                    if (result.Outcome is IvrOutcome.Voicemail)
                    {
                        await Task.WhenAny(ended, Task.Delay(TimeSpan.FromSeconds(60), time, cancellationToken));
                    }

                    await calls.HangupAsync(leg);
                    break;
                default:
                    await calls.HangupAsync(leg);
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            // This task runs unobserved, one per call: whatever went wrong (a leg that ended under us, a database
            // or disk error), log it and end this call; the other calls go on.
            Log.CallFailed(logger, exception, leg.Value);
            await calls.HangupAsync(leg, HangupCause.Failed);
        }
        finally
        {
            legEnds.TryRemove(leg, out _);
        }
    }

    private async Task RecordEndAsync(long recordId, Task<CallEnded> ended)
    {
        var end = await ended;
        await records.UpdateAsync(recordId, r =>
        {
            r.EndedAt = end.At;
            r.EndCause = end.Cause.ToString();
        });
    }

    private async Task QueueAndConnectAsync(ICallControl calls, CallLegId leg, string callerNumber, long recordId, int platformId, string platformCode, IvrOutcome.Queue queue, CancellationToken cancellationToken)
    {
        var callId = new CallId(leg.Value);
        var queueId = RoutingDirectory.QueueFor(platformId, queue.SkillCode);
        if (!directory.HasQueue(queueId))
        {
            queueId = directory.GeneralQueueOf(platformId);
        }

        var offers = Channel.CreateUnbounded<OfferCall>();
        waiting[callId] = offers;
        var callerEnded = EndOf(leg);
        try
        {
            await calls.HoldAsync(leg); // music while waiting
            // Taken before enqueueing: a ready agent is offered the call within Enqueue itself.
            var queuedAt = time.GetUtcNow();
            router.Enqueue(callId, queueId, queue.Priority > 0 ? CallPriority.SpecialLine : CallPriority.Normal, callerNumber);
            await records.UpdateAsync(recordId, r =>
            {
                r.SkillCode = queue.SkillCode;
                r.QueuedAt = queuedAt;
            }, cancellationToken);

            while (true)
            {
                var nextOffer = offers.Reader.ReadAsync(cancellationToken).AsTask();
                if (await Task.WhenAny(nextOffer, callerEnded) == callerEnded)
                {
                    router.Abandon(callId);
                    var left = (await callerEnded).At;
                    await records.UpdateAsync(recordId, r =>
                    {
                        r.AbandonedIn = AbandonedIn.Queue;
                        r.AbandonedAt = left;
                    }, cancellationToken);
                    return;
                }

                var offer = await nextOffer;
                await records.UpdateAsync(recordId, r =>
                {
                    r.OfferedAt ??= offer.At;
                    r.OfferCount++;
                }, cancellationToken);
                if (await OfferToAgentAsync(calls, leg, callerNumber, offer, callerEnded, recordId, platformCode, cancellationToken))
                {
                    return;
                }
            }
        }
        finally
        {
            waiting.TryRemove(callId, out _);
        }
    }

    /// <summary>Rings the offered agent's phone; true when the call was connected (and is now over).</summary>
    private async Task<bool> OfferToAgentAsync(ICallControl calls, CallLegId leg, string callerNumber, OfferCall offer, Task<CallEnded> callerEnded, long recordId, string platformCode, CancellationToken cancellationToken)
    {
        if (directory.PhoneOf(offer.AgentId) is not { } phone)
        {
            router.RingNoAnswer(offer.CallId, offer.AgentId);
            return false;
        }

        using var callerGone = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ = callerEnded.ContinueWith(_ => callerGone.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        OriginateResult ring;
        try
        {
            ring = await calls.OriginateAsync(new OriginateRequest(new OriginateTarget.Registered(phone))
            {
                CallerNumber = callerNumber,
                RingTimeout = TimeSpan.FromSeconds(options.Value.RingTimeoutSeconds),
            }, callerGone.Token);
        }
        catch (ObjectDisposedException)
        {
            ring = OriginateResult.Failed(HangupCause.Cancelled, 487);
        }

        if (callerEnded.IsCompleted)
        {
            if (ring.Leg is { } orphan)
            {
                await calls.HangupAsync(orphan);
            }

            router.Abandon(offer.CallId);
            var left = (await callerEnded).At;
            await records.UpdateAsync(recordId, r =>
            {
                r.AbandonedIn = AbandonedIn.Ringing;
                r.AbandonedAt = left;
            }, cancellationToken);
            return true;
        }

        if (!ring.Answered || ring.Leg is not { } agentLeg)
        {
            // Ring-no-answer: the router makes the agent not-ready and offers the call on, keeping its place.
            router.RingNoAnswer(offer.CallId, offer.AgentId);
            return false;
        }

        router.Answered(offer.CallId, offer.AgentId);
        await records.UpdateAsync(recordId, r =>
        {
            r.AgentId = offer.AgentId.Value;
            r.AnsweredAt = time.GetUtcNow();
        }, cancellationToken);
        await calls.ResumeAsync(leg);
        await calls.BridgeAsync(leg, agentLeg, hangUpTogether: false);

        var agentEnded = EndOf(agentLeg);
        var first = await Task.WhenAny(callerEnded, agentEnded);
        legEnds.TryRemove(agentLeg, out _);
        var talkEnded = time.GetUtcNow();
        recordOfCall[offer.CallId] = recordId;
        router.CallEnded(offer.AgentId);
        if (first == callerEnded)
        {
            await calls.HangupAsync(agentLeg);
            await records.UpdateAsync(recordId, r =>
            {
                r.TalkEndedAt = talkEnded;
                r.CallerHungUpFirst = true;
            }, cancellationToken);
            return true;
        }

        await records.UpdateAsync(recordId, r =>
        {
            r.TalkEndedAt = talkEnded;
            r.CallerHungUpFirst = false;
        }, cancellationToken);
        if (options.Value.Survey)
        {
            // The lawyer hung up first: the caller stays for the survey (满意 1, 基本满意 2, 不满意 3).
            var rating = await survey.RunAsync(calls, leg, platformCode, cancellationToken);
            if (ToRating(rating.Rating) is { } stored)
            {
                await records.UpdateAsync(recordId, r =>
                {
                    r.Rating = stored;
                    r.RatedAt = rating.At;
                }, cancellationToken);
            }
        }

        await calls.HangupAsync(leg);
        return true;
    }

    private static CallRating? ToRating(SurveyRating rating) => rating switch
    {
        SurveyRating.Satisfied => CallRating.Satisfied,
        SurveyRating.BasicallySatisfied => CallRating.BasicallySatisfied,
        SurveyRating.Dissatisfied => CallRating.Dissatisfied,
        _ => null,
    };

    private string RecordingPath(long recordId)
    {
        var root = Path.Combine(lawline.Value.ResolveDataDirectory(), options.Value.RecordingsDirectory);
        var day = time.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        return Path.Combine(root, day.ToString("yyyy", CultureInfo.InvariantCulture), day.ToString("MM", CultureInfo.InvariantCulture),
            day.ToString("dd", CultureInfo.InvariantCulture), recordId.ToString(CultureInfo.InvariantCulture) + ".wav");
    }

    private static partial class Log
    {
        [LoggerMessage(5002, LogLevel.Information, "Call leg {Leg}: IVR of platform {Platform} started (call record {RecordId})")]
        public static partial void IvrStarted(ILogger logger, string leg, string platform, long recordId);

        [LoggerMessage(5003, LogLevel.Information, "Call leg {Leg}: IVR ended with {Outcome}, keys {Digits}")]
        public static partial void IvrEnded(ILogger logger, string leg, string outcome, string digits);

        [LoggerMessage(5001, LogLevel.Warning, "Call leg {Leg}: the call flow failed")]
        public static partial void CallFailed(ILogger logger, Exception exception, string leg);
    }
}
