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
    CallbackTaskStore callbackTasks,
    Satisfaction.RatingRecorder ratings,
    IvrRunner ivr,
    SatisfactionSurvey survey,
    PromptLibrary prompts,
    RegistrationNotifier registrations,
    RoutingNotifier routingEvents,
    CallNotifier agentCalls,
    IServiceScopeFactory scopes,
    IOptions<RoutingOptions> options,
    IOptions<LawlineOptions> lawline,
    TimeProvider time,
    ILogger<CallFlow> logger,
    Analytics.Monitoring.RepeatCallerMonitor repeatCallers) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<CallLegId, TaskCompletionSource<CallEnded>> legEnds = new();
    private readonly ConcurrentDictionary<CallId, WaitingCall> waiting = new();
    private readonly ConcurrentDictionary<CallId, long> recordOfCall = new();

    // Agents' legs of connected calls (for their phones' transfers) and the connected calls by agent (for the desktop).
    private readonly ConcurrentDictionary<CallLegId, ConnectedCall> connectedByLeg = new();
    private readonly ConcurrentDictionary<AgentId, ConnectedCall> connectedByAgent = new();

    // Router callback ids → their callback task.
    private readonly ConcurrentDictionary<CallId, int> taskOfCallback = new();

    private ICallControl? calls;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (engineHost.Engine is not { } engine)
        {
            return;
        }

        calls = engine.Calls;
        router.Configure(await directory.RefreshAsync(stoppingToken));
        await RestoreCallbacksAsync(stoppingToken);
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
                    case DtmfReceived digit when WaitingFor(digit.Leg) is { } waitingCall:
                        waitingCall.Signals.Writer.TryWrite(digit);
                        break;
                    case TransferRequested or TransferCompleted when connectedByLeg.TryGetValue(callEvent.Leg, out var connected):
                        connected.OnTransferEvent(callEvent);
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

    private WaitingCall? WaitingFor(CallLegId leg) => waiting.GetValueOrDefault(new CallId(leg.Value));

    private Task OnRoutingEventAsync(RoutingEvent routingEvent)
    {
        switch (routingEvent)
        {
            case OfferCall { IsCallback: true } callback:
                _ = PlaceCallbackAsync(callback);
                break;
            case OfferCall offer when waiting.TryGetValue(offer.CallId, out var waitingCall):
                waitingCall.Signals.Writer.TryWrite(offer);
                break;
            case OfferCall stale:
                // The caller left between the decision and now: release the agent without a mark.
                router.Abandon(stale.CallId);
                break;
            case AnnouncementDue or CallbackOfferAvailable when waiting.TryGetValue(CallOf(routingEvent), out var waitingCall):
                waitingCall.Signals.Writer.TryWrite(routingEvent);
                break;
            case AgentStateChanged { From: AgentState.WrapUp, Call: { } call } done when recordOfCall.TryRemove(call, out var recordId):
                return records.UpdateAsync(recordId, r => r.WrapUpEndedAt = done.At);
            case CallbackScheduled { MergedFrom: { } merged }:
                // The same number asked again while its callback was pending: the request that asked counts itself
                // on the surviving task; its own id is gone from the router.
                taskOfCallback.TryRemove(merged, out _);
                break;
            case CallbackRetryScheduled retry when taskOfCallback.TryGetValue(retry.CallId, out var taskId):
                return callbackTasks.UpdateAsync(taskId, t =>
                {
                    t.Status = CallbackStatus.Pending;
                    t.Attempts = retry.Attempts;
                });
            case CallbackExpired expired when taskOfCallback.TryRemove(expired.CallId, out var taskId):
                return callbackTasks.UpdateAsync(taskId, t =>
                {
                    t.Status = CallbackStatus.Expired;
                    t.Attempts = expired.Attempts;
                    t.Note ??= expired.Reason == CallbackExpiry.ClosingTime ? "未在截止时间前回拨" : "多次回拨未接通";
                });
        }

        return Task.CompletedTask;
    }

    private static CallId CallOf(RoutingEvent routingEvent) => routingEvent switch
    {
        AnnouncementDue due => due.CallId,
        CallbackOfferAvailable available => available.CallId,
        _ => default,
    };

    private async Task HandleInboundAsync(ICallControl calls, CallOffered offered, CancellationToken cancellationToken)
    {
        var leg = offered.Leg;
        try
        {
            if (offered.FromRegisteredUser)
            {
                await ConnectAgentDialAsync(calls, offered, cancellationToken);
                return;
            }

            var platform = directory.PlatformFor(offered.DialedNumber);
            if (platform is null || (options.Value.DialedNumbers.TryGetValue(offered.DialedNumber, out var configured)
                && !string.Equals(configured, platform.Code, StringComparison.OrdinalIgnoreCase)))
            {
                // Platforms created or renamed since the last refresh are known after one.
                router.Configure(await directory.RefreshAsync(cancellationToken));
                platform = directory.PlatformFor(offered.DialedNumber);
            }

            if (platform is null)
            {
                // A number no platform serves is not a hotline call.
                await calls.HangupAsync(leg, HangupCause.Rejected);
                return;
            }

            var recordId = await records.OpenAsync(platform.Id, CallChannel.Inbound, leg.Value, offered.SipCallId, offered.CallerNumber, offered.DialedNumber, cancellationToken);
            // 重复来电监测 runs while the IVR greets the caller; its answer also makes the call a repeat caller in the queue.
            var repeatCheck = repeatCallers.CheckAsync(platform.Id, recordId, cancellationToken);
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
            var caller = new InboundCall(leg, recordId, platform.Id, context.PlatformCode, (await records.FindAsync(recordId, cancellationToken))?.CallerNumber ?? offered.CallerNumber);

            switch (result.Outcome)
            {
                case IvrOutcome.Queue queue:
                    await QueueAndConnectAsync(calls, caller, queue.SkillCode, await PriorityOfAsync(caller, queue, repeatCheck, cancellationToken), cancellationToken);
                    break;
                case IvrOutcome.HungUp:
                    await records.UpdateAsync(recordId, r =>
                    {
                        r.AbandonedIn = AbandonedIn.Ivr;
                        r.AbandonedAt = time.GetUtcNow();
                    }, cancellationToken);
                    break;
                case IvrOutcome.Voicemail:
                    // The message is the call's recording from now on; the supervisor's list links to it.
                    var startedAt = time.GetUtcNow();
                    await records.UpdateAsync(recordId, r => r.VoicemailAt = startedAt, cancellationToken);
                    await Task.WhenAny(ended, Task.Delay(TimeSpan.FromSeconds(options.Value.VoicemailMaxSeconds), time, cancellationToken));
                    await calls.HangupAsync(leg);
                    // Only now: a free lawyer must not call back a citizen who is still leaving the message.
                    await ScheduleCallbackTaskAsync(caller, CallbackKind.Voicemail, skillCode: null, cancellationToken);
                    break;
                case IvrOutcome.Callback:
                    await ScheduleCallbackTaskAsync(caller, CallbackKind.ClosedHours, skillCode: null, cancellationToken);
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
            // The hang-up's CallEnded may still be on its way: forget the leg once it has arrived.
            _ = EndOf(leg).ContinueWith(ended => legEnds.TryRemove(leg, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>The special line the IVR chose, else a repeat caller (called within the window), else normal.</summary>
    private async Task<CallPriority> PriorityOfAsync(InboundCall caller, IvrOutcome.Queue queue, Task<bool> repeatCheck, CancellationToken cancellationToken)
    {
        if (queue.Priority > 0)
        {
            return CallPriority.SpecialLine;
        }

        // The platform's monitoring rule (N calls within D days) flagged the number: a repeat caller too.
        if (await repeatCheck)
        {
            return CallPriority.RepeatCaller;
        }

        var window = options.Value.RepeatCallerWindowHours;
        return window > 0 && await records.CalledBeforeAsync(caller.PlatformId, caller.Number, caller.RecordId, time.GetUtcNow().AddHours(-window), cancellationToken)
            ? CallPriority.RepeatCaller
            : CallPriority.Normal;
    }

    /// <summary>
    /// A lawyer's own phone dials out: another registered phone (an internal call, e.g. to consult an expert before
    /// an attended transfer) or an outside number through the outbound trunk (12345, 110).
    /// </summary>
    private async Task ConnectAgentDialAsync(ICallControl calls, CallOffered offered, CancellationToken cancellationToken)
    {
        var leg = offered.Leg;
        OriginateTarget? target = engineHost.Engine!.Locations.Lookup(offered.DialedNumber).Count > 0
            ? new OriginateTarget.Registered(offered.DialedNumber)
            : OutboundTrunk() is { } trunk && offered.DialedNumber.Length > 0 && offered.DialedNumber.All(char.IsAsciiDigit)
                ? new OriginateTarget.Trunk(trunk, offered.DialedNumber)
                : null;
        if (target is null)
        {
            await calls.HangupAsync(leg, HangupCause.Rejected);
            return;
        }

        var ended = EndOf(leg);
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ = ended.ContinueWith(_ => gone.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var result = await calls.OriginateAsync(new OriginateRequest(target) { CallerNumber = offered.CallerNumber, EarlyMediaFor = leg }, gone.Token);
        if (result is not { Answered: true, Leg: { } other } || ended.IsCompleted)
        {
            if (result.Leg is { } orphan)
            {
                await calls.HangupAsync(orphan);
            }

            await calls.HangupAsync(leg, result.Cause);
            return;
        }

        await calls.AnswerAsync(leg, cancellationToken);
        await calls.BridgeAsync(leg, other, hangUpTogether: true);
    }

    /// <summary>The trunk for callbacks and remote seats: the configured one, else the first.</summary>
    private string? OutboundTrunk() =>
        options.Value.OutboundTrunk is { Length: > 0 } named ? named : engineHost.Engine?.Options.Trunks.FirstOrDefault()?.Name;

    private async Task RecordEndAsync(long recordId, Task<CallEnded> ended)
    {
        var end = await ended;
        await records.UpdateAsync(recordId, r =>
        {
            r.EndedAt = end.At;
            r.EndCause = end.Cause.ToString();
        });
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
