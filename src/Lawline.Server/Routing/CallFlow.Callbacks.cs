using Lawline.Server.Routing.Ivr;
using Lawline.Sip.Calls;

namespace Lawline.Server.Routing;

// Callbacks (回拨): tasks for voicemails and callback requests, and the outbound calls the router asks for when an
// agent is free — the agent's phone first, then the citizen through the outbound trunk.
public sealed partial class CallFlow
{
    /// <summary>A voicemail or an out-of-hours callback request: a task, and a place in the general queue's callbacks.</summary>
    private async Task ScheduleCallbackTaskAsync(InboundCall caller, CallbackKind kind, string? skillCode, CancellationToken cancellationToken)
    {
        var queue = skillCode is not null && directory.HasQueue(RoutingDirectory.QueueFor(caller.PlatformId, skillCode))
            ? RoutingDirectory.QueueFor(caller.PlatformId, skillCode)
            : directory.GeneralQueueOf(caller.PlatformId);
        var callbackId = new CallId("cb-" + caller.Leg.Value);
        var at = time.GetUtcNow();
        await records.UpdateAsync(caller.RecordId, r => r.CallbackRequestedAt ??= at, cancellationToken);
        var taskId = await callbackTasks.CreateAsync(caller.PlatformId, kind, caller.Number, caller.RecordId, skillCode, router.CallbackClosingTime(), cancellationToken);
        taskOfCallback[callbackId] = taskId;
        var request = router.ScheduleCallback(callbackId, queue, caller.Number);
        if (request.Merged && taskOfCallback.TryGetValue(request.CallbackId, out var existing) && existing != taskId)
        {
            // The number already has a pending callback: this request joins it rather than ringing twice.
            taskOfCallback.TryRemove(callbackId, out _);
            await callbackTasks.UpdateAsync(taskId, t =>
            {
                t.Status = CallbackStatus.Cancelled;
                t.Note = $"与回拨任务 {existing} 合并";
            }, cancellationToken);
            await callbackTasks.UpdateAsync(existing, t => t.Requests++, cancellationToken);
        }
    }

    /// <summary>
    /// The caller gave up waiting (queued or ringing): after a real wait and from a number that can be dialled, a
    /// callback task for the platform's supervisors, due by the closing time — one open task per number.
    /// </summary>
    private async Task AbandonedAsync(InboundCall caller, string? skillCode, DateTimeOffset left, CancellationToken cancellationToken)
    {
        var after = options.Value.AbandonedCallbackAfterSeconds;
        var record = await records.FindAsync(caller.RecordId, cancellationToken);
        if (after <= 0 || record?.QueuedAt is not { } queued || left - queued < TimeSpan.FromSeconds(after)
            || !Common.PhoneNumberFormatter.TryNormalize(caller.Number, out var number) || number is null)
        {
            return;
        }

        if (await callbackTasks.HasOpenAsync(caller.PlatformId, number.E164, cancellationToken))
        {
            return;
        }

        await callbackTasks.CreateAsync(caller.PlatformId, CallbackKind.Abandoned, number.E164, caller.RecordId, skillCode, router.CallbackClosingTime(), cancellationToken);
    }

    /// <summary>A supervisor closed the task: the router no longer waits to place its callback.</summary>
    public void WithdrawCallback(int taskId)
    {
        foreach (var (callbackId, task) in taskOfCallback)
        {
            if (task == taskId && taskOfCallback.TryRemove(callbackId, out _))
            {
                router.Remove(callbackId);
            }
        }
    }

    /// <summary>After a restart: the callbacks still owed today go back to the router.</summary>
    private async Task RestoreCallbacksAsync(CancellationToken cancellationToken)
    {
        foreach (var task in await callbackTasks.OutstandingAsync(cancellationToken))
        {
            var queue = task.SkillCode is not null && directory.HasQueue(RoutingDirectory.QueueFor(task.PlatformId, task.SkillCode))
                ? RoutingDirectory.QueueFor(task.PlatformId, task.SkillCode)
                : directory.HasQueue(directory.GeneralQueueOf(task.PlatformId)) ? directory.GeneralQueueOf(task.PlatformId) : (QueueId?)null;
            if (queue is null)
            {
                continue;
            }

            var callbackId = new CallId("task-" + task.Id);
            taskOfCallback[callbackId] = task.Id;
            router.ScheduleCallback(callbackId, queue.Value, task.CallerNumber, task.Urgent ? CallPriority.UrgentCallback : CallPriority.Normal);
        }
    }

    /// <summary>
    /// The router chose an agent for a callback: ring the agent, then call the citizen through the trunk and connect
    /// them, recording the call. A citizen not reached is a failed attempt (the router retries later, keeping the place).
    /// </summary>
    private async Task PlaceCallbackAsync(OfferCall offer)
    {
        if (calls is not { } control || AgentTarget(offer.AgentId) is not { } agentTarget || OutboundTrunk() is not { } trunk
            || directory.PlatformOfQueue(offer.QueueId) is not { } platform)
        {
            router.RingNoAnswer(offer.CallId, offer.AgentId);
            return;
        }

        var taskId = taskOfCallback.GetValueOrDefault(offer.CallId);
        var call = new OutboundCallback();
        long? recordId = null;
        var skillCode = directory.SkillOfQueue(offer.QueueId);
        Task Publish(AgentCallStage stage) => recordId is { } id
            ? agentCalls.PublishAsync(new AgentCallEvent(stage, offer.AgentId, id, platform.Id, offer.CallerNumber, skillCode, true, null, time.GetUtcNow()))
            : Task.CompletedTask;
        try
        {
            if (taskId != 0)
            {
                await callbackTasks.UpdateAsync(taskId, t => t.Status = CallbackStatus.Calling);
            }

            // One record per attempt: the callback-attempt and connection KPIs count them.
            recordId = await records.OpenAsync(platform.Id, CallChannel.Callback, offer.CallId.Value, "", offer.CallerNumber, platform.Code, CancellationToken.None);
            await records.UpdateAsync(recordId.Value, r =>
            {
                r.CallbackTaskId = taskId == 0 ? null : taskId;
                r.SkillCode = skillCode;
                r.AgentId = offer.AgentId.Value;
                r.OfferedAt = offer.At;
                r.OfferCount = 1;
                r.AnsweredReason = offer.Reason;
                r.AnsweredOnMobile = agentTarget is OriginateTarget.Trunk;
            });
            await Publish(AgentCallStage.Ringing);

            var step = await ConnectCallbackAsync(control, agentTarget, "回拨", trunk, offer.CallerNumber, platform.Code, recordId.Value, call,
                () => router.Answered(offer.CallId, offer.AgentId));
            if (step.Outcome == OutboundOutcome.StaffNoAnswer)
            {
                await FinishAttemptAsync(recordId.Value, "AgentNoAnswer");
                await Publish(AgentCallStage.Ended);
                router.RingNoAnswer(offer.CallId, offer.AgentId);
                if (taskId != 0)
                {
                    await callbackTasks.UpdateAsync(taskId, t => t.Status = CallbackStatus.Pending);
                }

                return;
            }

            if (step.Outcome == OutboundOutcome.CitizenNotReached)
            {
                await FinishAttemptAsync(recordId.Value, step.Cause.ToString());
                await Publish(AgentCallStage.Ended);
                router.CallbackFailed(offer.CallId, offer.AgentId);
                if (taskId != 0)
                {
                    var attemptAt = time.GetUtcNow();
                    await callbackTasks.UpdateAsync(taskId, t => t.LastAttemptAt = attemptAt);
                }

                return;
            }

            var (citizenLeg, citizenEnded, agentEnded, now) = (call.Citizen!.Value, call.CitizenEnded!, call.StaffEnded!, call.ConnectedAt);
            await Publish(AgentCallStage.Connected);
            if (taskId != 0)
            {
                taskOfCallback.TryRemove(offer.CallId, out _);
                await callbackTasks.UpdateAsync(taskId, t =>
                {
                    t.Status = CallbackStatus.Done;
                    t.Attempts++;
                    t.LastAttemptAt = now;
                    t.CompletedAt = now;
                    t.CompletedByCallRecordId = recordId.Value;
                    t.CompletedByAgentId = offer.AgentId.Value;
                });
            }

            var end = await Task.WhenAny(citizenEnded, agentEnded);
            var ended = await end;
            var talkEnded = time.GetUtcNow();
            recordOfCall[offer.CallId] = recordId.Value;
            router.CallEnded(offer.AgentId);
            await Publish(AgentCallStage.Ended);
            await records.UpdateAsync(recordId.Value, r =>
            {
                r.TalkEndedAt = talkEnded;
                r.EndedAt = talkEnded;
                r.CallerHungUpFirst = end == citizenEnded;
                r.EndCause = ended.Cause.ToString();
            });
            legEnds.TryRemove(citizenLeg, out _);
        }
        catch (Exception exception)
        {
            Log.CallFailed(logger, exception, offer.CallId.Value);
            if (call.Staff is { } leg)
            {
                await control.HangupAsync(leg, HangupCause.Failed);
            }

            router.CallbackFailed(offer.CallId, offer.AgentId);
        }
        finally
        {
            if (call.Staff is { } leg)
            {
                legEnds.TryRemove(leg, out _);
            }
        }
    }

    private enum OutboundOutcome
    {
        StaffNoAnswer,
        CitizenNotReached,
        Connected,
    }

    /// <summary>The legs of a callback as it progresses (the staff leg is known before the citizen answers).</summary>
    private sealed class OutboundCallback
    {
        public CallLegId? Staff { get; set; }

        public Task<CallEnded>? StaffEnded { get; set; }

        public CallLegId? Citizen { get; set; }

        public Task<CallEnded>? CitizenEnded { get; set; }

        public DateTimeOffset ConnectedAt { get; set; }
    }

    /// <summary>
    /// The path every callback takes (the router's and a supervisor's 回访): ring the staff phone; once answered, call
    /// the citizen through the outbound trunk; once the citizen answers, record (citizen and staff in the record),
    /// greet and bridge. A staff phone that does not answer or a citizen not reached ends every leg it opened.
    /// </summary>
    private async Task<(OutboundOutcome Outcome, HangupCause Cause)> ConnectCallbackAsync(ICallControl control, OriginateTarget staff, string staffCallerName,
        string trunk, string citizenNumber, string platformCode, long recordId, OutboundCallback call, Action? citizenAnswered = null)
    {
        var ring = await control.OriginateAsync(new OriginateRequest(staff)
        {
            CallerNumber = citizenNumber,
            CallerName = staffCallerName,
            RingTimeout = TimeSpan.FromSeconds(options.Value.RingTimeoutSeconds),
        });
        if (ring is not { Answered: true, Leg: { } answered })
        {
            return (OutboundOutcome.StaffNoAnswer, ring.Cause);
        }

        call.Staff = answered;
        call.StaffEnded = EndOf(answered);
        var citizen = await control.OriginateAsync(new OriginateRequest(new OriginateTarget.Trunk(trunk, Dialable(citizenNumber)))
        {
            CallerNumber = platformCode,
            RingTimeout = TimeSpan.FromSeconds(40),
        });
        if (citizen is not { Answered: true, Leg: { } citizenLeg } || call.StaffEnded.IsCompleted)
        {
            if (citizen.Leg is { } orphan)
            {
                await control.HangupAsync(orphan);
            }

            await control.HangupAsync(answered);
            return (OutboundOutcome.CitizenNotReached, citizen.Answered ? HangupCause.Cancelled : citizen.Cause);
        }

        citizenAnswered?.Invoke();
        call.Citizen = citizenLeg;
        call.CitizenEnded = EndOf(citizenLeg);
        var now = time.GetUtcNow();
        call.ConnectedAt = now;
        var path = options.Value.RecordCalls ? RecordingPath(recordId) : null;
        if (path is not null)
        {
            await control.StartRecordingAsync(citizenLeg, path);
        }

        await records.UpdateAsync(recordId, r =>
        {
            r.CallerLeg = citizenLeg.Value;
            r.AnsweredAt = now;
            r.RecordingPath = path;
        });

        if (prompts.Resolve(platformCode, DefaultIvrFlows.Prompts.CallbackGreeting) is { } greeting)
        {
            await control.PlayFileAsync(citizenLeg, greeting);
        }

        await control.BridgeAsync(citizenLeg, answered, hangUpTogether: true);
        return (OutboundOutcome.Connected, HangupCause.Normal);
    }

    private Task FinishAttemptAsync(long recordId, string cause)
    {
        var at = time.GetUtcNow();
        return records.UpdateAsync(recordId, r =>
        {
            r.EndedAt = at;
            r.EndCause = cause.Length <= 32 ? cause : cause[..32];
        });
    }

    /// <summary>What the trunk dials for a stored number: a Chinese E.164 number as the national number, else as stored.</summary>
    private static string Dialable(string number) =>
        number.StartsWith("+86", StringComparison.Ordinal) ? number[3..] : number.TrimStart('+');
}
