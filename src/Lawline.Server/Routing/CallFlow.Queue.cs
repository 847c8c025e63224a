using System.Threading.Channels;
using Lawline.Server.Routing.Ivr;
using Lawline.Sip.Calls;

namespace Lawline.Server.Routing;

/// <summary>A citizen's call once the IVR knows the platform: its leg, call record and number (E.164 when it parsed).</summary>
internal sealed record InboundCall(CallLegId Leg, long RecordId, int PlatformId, string PlatformCode, string Number);

/// <summary>
/// A caller waiting in a queue: what the router and the caller's keypad send them (offers, announcements, the
/// callback offer, digits), read by the one task that owns the call.
/// </summary>
internal sealed class WaitingCall(InboundCall caller)
{
    public InboundCall Caller { get; } = caller;

    public Channel<object> Signals { get; } = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
}

// Waiting in the queue: music on hold, position and expected wait announced, the "press 1 to be called back" offer,
// and the router's offers rung one after another until an agent answers or the caller leaves.
public sealed partial class CallFlow
{
    private const char CallbackKey = '1';

    private async Task QueueAndConnectAsync(ICallControl calls, InboundCall caller, string skillCode, CallPriority priority, CancellationToken cancellationToken)
    {
        var leg = caller.Leg;
        var callId = new CallId(leg.Value);
        var queueId = RoutingDirectory.QueueFor(caller.PlatformId, skillCode);
        if (!directory.HasQueue(queueId))
        {
            queueId = directory.GeneralQueueOf(caller.PlatformId);
        }

        var waitingCall = new WaitingCall(caller);
        waiting[callId] = waitingCall;
        var callerEnded = EndOf(leg);
        Task? announcement = null;
        var callbackOffered = false;
        try
        {
            await calls.HoldAsync(leg); // music while waiting
            // Taken before enqueueing: a ready agent is offered the call within Enqueue itself.
            var queuedAt = time.GetUtcNow();
            router.Enqueue(callId, queueId, priority, caller.Number);
            await records.UpdateAsync(caller.RecordId, r =>
            {
                r.SkillCode = skillCode;
                r.QueuedAt ??= queuedAt; // the first queue: the caller's wait counts from there, transfers or not
                r.Priority = priority;
            }, cancellationToken);

            if (router.PositionOf(callId) is { } position)
            {
                // Nobody was free: tell the caller at once where they are, then every AnnounceEvery.
                announcement = AnnounceAsync(calls, caller, [DefaultIvrFlows.PositionPrompt(position), DefaultIvrFlows.WaitPrompt(router.ExpectedWait(callId))], cancellationToken);
            }

            while (true)
            {
                var next = waitingCall.Signals.Reader.ReadAsync(cancellationToken).AsTask();
                if (await Task.WhenAny(next, callerEnded) == callerEnded)
                {
                    router.Abandon(callId);
                    var left = (await callerEnded).At;
                    await records.UpdateAsync(caller.RecordId, r =>
                    {
                        r.AbandonedIn = AbandonedIn.Queue;
                        r.AbandonedAt = left;
                    }, cancellationToken);
                    await AbandonedAsync(caller, skillCode, left, cancellationToken);
                    return;
                }

                switch (await next)
                {
                    case AnnouncementDue due when announcement is null || announcement.IsCompleted:
                        announcement = AnnounceAsync(calls, caller, [DefaultIvrFlows.PositionPrompt(due.Position), DefaultIvrFlows.WaitPrompt(due.ExpectedWait)], cancellationToken);
                        break;
                    case CallbackOfferAvailable:
                        callbackOffered = true;
                        if (announcement is not null)
                        {
                            await announcement;
                        }

                        announcement = AnnounceAsync(calls, caller, [DefaultIvrFlows.Prompts.CallbackOffer], cancellationToken);
                        break;
                    case DtmfReceived { Digit: CallbackKey } when callbackOffered:
                        await StopAnnouncementAsync(calls, leg, announcement);
                        if (await AcceptCallbackAsync(calls, caller, skillCode, cancellationToken))
                        {
                            return;
                        }

                        break;
                    case OfferCall offer:
                        await StopAnnouncementAsync(calls, leg, announcement);
                        announcement = null;
                        await records.UpdateAsync(caller.RecordId, r =>
                        {
                            r.OfferedAt ??= offer.At;
                            r.OfferCount++;
                        }, cancellationToken);
                        if (await OfferToAgentAsync(calls, caller, offer, callerEnded, cancellationToken) is { } outcome)
                        {
                            if (outcome.RequeueTo is { } skill)
                            {
                                // Transferred to another skill: back to waiting, ahead of first-time callers.
                                waiting.TryRemove(callId, out _);
                                await QueueAndConnectAsync(calls, caller, skill, CallPriority.Transferred, cancellationToken);
                            }

                            return;
                        }

                        break;
                }
            }
        }
        finally
        {
            waiting.TryRemove(callId, out _);
        }
    }

    /// <summary>Takes the caller off music on hold, plays the prompts, and puts them back on hold (unless they were connected meanwhile).</summary>
    private async Task AnnounceAsync(ICallControl calls, InboundCall caller, IReadOnlyList<string> promptNames, CancellationToken cancellationToken)
    {
        var leg = caller.Leg;
        try
        {
            await calls.ResumeAsync(leg);
            foreach (var name in promptNames)
            {
                if (prompts.Resolve(caller.PlatformCode, name) is { } file && calls.GetLeg(leg) is not null)
                {
                    await calls.PlayFileAsync(leg, file, loop: false, stopOnDigit: false, cancellationToken);
                }
            }

            if (waiting.ContainsKey(new CallId(leg.Value)) && calls.GetLeg(leg) is { BridgedTo: null })
            {
                await calls.HoldAsync(leg);
            }
        }
        catch (InvalidOperationException) when (calls.GetLeg(leg) is null)
        {
            // The caller hung up during the announcement.
        }
    }

    private static async Task StopAnnouncementAsync(ICallControl calls, CallLegId leg, Task? announcement)
    {
        if (announcement is { IsCompleted: false })
        {
            calls.StopPlayback(leg);
            await announcement;
        }
    }

    /// <summary>
    /// The caller pressed the callback key: the router keeps their place as a callback (merged with one already
    /// pending for the number), the caller is told and the line closed. False when the router no longer holds the call.
    /// </summary>
    private async Task<bool> AcceptCallbackAsync(ICallControl calls, InboundCall caller, string skillCode, CancellationToken cancellationToken)
    {
        var callId = new CallId(caller.Leg.Value);
        if (router.RequestCallback(callId) is not { } request)
        {
            return false;
        }

        waiting.TryRemove(callId, out _);
        var at = time.GetUtcNow();
        await records.UpdateAsync(caller.RecordId, r => r.CallbackRequestedAt = at, cancellationToken);
        if (request.Merged && taskOfCallback.TryGetValue(request.CallbackId, out var existing))
        {
            await callbackTasks.UpdateAsync(existing, t => t.Requests++, cancellationToken);
        }
        else
        {
            var taskId = await callbackTasks.CreateAsync(caller.PlatformId, CallbackKind.QueueCallback, caller.Number, caller.RecordId, skillCode, router.CallbackClosingTime(), cancellationToken);
            taskOfCallback[request.CallbackId] = taskId;
        }

        await calls.ResumeAsync(caller.Leg);
        if (prompts.Resolve(caller.PlatformCode, DefaultIvrFlows.Prompts.CallbackAccepted) is { } file)
        {
            await calls.PlayFileAsync(caller.Leg, file, cancellationToken: cancellationToken);
        }

        await calls.HangupAsync(caller.Leg);
        return true;
    }
}
