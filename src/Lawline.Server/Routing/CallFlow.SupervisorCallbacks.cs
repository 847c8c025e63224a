using Lawline.Server.Data;
using Lawline.Sip.Calls;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Routing;

/// <summary>A supervisor's 回访 call for a task: their registered phone first, then the citizen.</summary>
public sealed record SupervisorCallbackRequest(long AttemptId, int TaskId, int PlatformId, string PlatformCode, string StaffPhone, int? StaffAgentId, string CitizenNumber);

// 回访 by a supervisor: the same callback path as the router's (ConnectCallbackAsync), placed on request, with the
// outcome of each call written to its CallbackAttempt.
public sealed partial class CallFlow
{
    /// <summary>Whether callbacks can be placed at all: telephony is on and there is an outbound trunk.</summary>
    public bool CanPlaceCallbacks => calls is not null && OutboundTrunk() is not null;

    /// <summary>Whether the phone account is registered (online) now.</summary>
    public bool IsPhoneOnline(string username) => engineHost.Engine is { } engine && engine.Locations.Lookup(username).Count > 0;

    /// <summary>
    /// Opens the outbound call's record (linked to the attempt and the task) and places the call in the background;
    /// null when telephony or the outbound trunk is not available.
    /// </summary>
    public async Task<long?> StartSupervisorCallbackAsync(SupervisorCallbackRequest request, CancellationToken cancellationToken)
    {
        if (calls is not { } control || OutboundTrunk() is not { } trunk)
        {
            return null;
        }

        var recordId = await records.OpenAsync(request.PlatformId, CallChannel.Callback, "attempt-" + request.AttemptId, "", request.CitizenNumber, request.PlatformCode, cancellationToken);
        var at = time.GetUtcNow();
        await records.UpdateAsync(recordId, r =>
        {
            r.CallbackTaskId = request.TaskId;
            r.AgentId = request.StaffAgentId;
            r.OfferedAt = at;
            r.OfferCount = 1;
        }, cancellationToken);
        await UpdateAttemptAsync(request, (attempt, task) =>
        {
            attempt.CallRecordId = recordId;
            task.Status = CallbackStatus.Calling;
        }, cancellationToken);
        _ = PlaceSupervisorCallbackAsync(control, trunk, request, recordId);
        return recordId;
    }

    private async Task PlaceSupervisorCallbackAsync(ICallControl control, string trunk, SupervisorCallbackRequest request, long recordId)
    {
        var call = new OutboundCallback();
        CallbackAttemptResult result = CallbackAttemptResult.Failed;
        string? note = null;
        try
        {
            var step = await ConnectCallbackAsync(control, new OriginateTarget.Registered(request.StaffPhone), "回访", trunk, request.CitizenNumber,
                request.PlatformCode, recordId, call);
            if (step.Outcome != OutboundOutcome.Connected)
            {
                await FinishAttemptAsync(recordId, step.Outcome == OutboundOutcome.StaffNoAnswer ? "AgentNoAnswer" : step.Cause.ToString());
                (result, note) = step.Outcome == OutboundOutcome.StaffNoAnswer
                    ? (CallbackAttemptResult.NotPlaced, "督导话机未接听")
                    : (step.Cause switch
                    {
                        HangupCause.Busy => CallbackAttemptResult.Busy,
                        HangupCause.NoAnswer or HangupCause.Cancelled => CallbackAttemptResult.NoAnswer,
                        _ => CallbackAttemptResult.Failed,
                    }, null);
                return;
            }

            result = CallbackAttemptResult.Answered;
            var answeredAt = call.ConnectedAt;
            await UpdateAttemptAsync(request, (attempt, task) =>
            {
                attempt.Result = CallbackAttemptResult.Answered;
                task.LastAttemptAt = answeredAt;
            }, CancellationToken.None);
            var end = await Task.WhenAny(call.CitizenEnded!, call.StaffEnded!);
            var ended = await end;
            var talkEnded = time.GetUtcNow();
            await records.UpdateAsync(recordId, r =>
            {
                r.TalkEndedAt = talkEnded;
                r.EndedAt = talkEnded;
                r.CallerHungUpFirst = end == call.CitizenEnded;
                r.EndCause = ended.Cause.ToString();
            });
        }
        catch (Exception exception)
        {
            Log.CallFailed(logger, exception, "attempt-" + request.AttemptId);
            note = "call failed";
            if (call.Staff is { } leg)
            {
                await control.HangupAsync(leg, HangupCause.Failed);
            }
        }
        finally
        {
            foreach (var leg in new[] { call.Staff, call.Citizen })
            {
                if (leg is { } ended)
                {
                    legEnds.TryRemove(ended, out _);
                }
            }

            var endedAt = time.GetUtcNow();
            await UpdateAttemptAsync(request, (attempt, task) =>
            {
                attempt.Result = result;
                attempt.EndedAt = endedAt;
                attempt.Note ??= note;
                if (result != CallbackAttemptResult.NotPlaced)
                {
                    task.Attempts++;
                    task.LastAttemptAt = attempt.At;
                }

                if (task.Status == CallbackStatus.Calling)
                {
                    task.Status = CallbackStatus.Pending;
                }
            }, CancellationToken.None);
        }
    }

    private Task UpdateAttemptAsync(SupervisorCallbackRequest request, Action<CallbackAttempt, CallbackTask> step, CancellationToken cancellationToken) =>
        scopes.WriteAsSystemAsync("call-flow", async db =>
        {
            var attempt = await db.CallbackAttempts.SingleAsync(a => a.Id == request.AttemptId, cancellationToken);
            var task = await db.CallbackTasks.SingleAsync(t => t.Id == request.TaskId, cancellationToken);
            step(attempt, task);
        }, cancellationToken);
}
