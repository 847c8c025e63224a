namespace Lawline.Server.Routing;

/// <summary>
/// The router's one timer. Every pending moment — a waiting call crossing an overflow threshold, an
/// announcement, the callback offer, the maximum wait, a callback's retry delay or closing time, an agent's
/// wrap-up end — is an entry in one heap, and the timer is armed for the earliest. Entries are never removed
/// when they stop mattering; each carries its owner's version and is skipped when the owner has moved on.
/// </summary>
public sealed partial class CallRouter
{
    private readonly record struct TimerItem(QueuedCall? Call, AgentRuntime? Agent, int Version);

    private void OnTimer()
    {
        try
        {
            lock (_gate)
            {
                _armedFor = null;
                var now = _clock.GetUtcNow();
                while (_timers.TryPeek(out var item, out var due) && due <= now.UtcTicks)
                {
                    _timers.Dequeue();
                    if (!IsLive(item))
                    {
                        continue;
                    }

                    if (item.Call is { } call)
                    {
                        ScheduleCall(call, now);
                    }
                    else
                    {
                        EndWrapUp(item.Agent!, now);
                    }
                }

                Dispatch(now);
                ArmTimer(now);
            }
        }
        catch (Exception e)
        {
            // A timer callback has nobody to throw to; the next change re-arms the timer.
            Log.TimerFailed(_logger, e);
        }
    }

    private bool IsLive(TimerItem item) => item.Call is { } call
        ? call.TimerVersion == item.Version && call.State == CallState.Waiting && _calls.TryGetValue(call.Id, out var known) && known == call
        : item.Agent!.TimerVersion == item.Version && item.Agent.State == AgentState.WrapUp && _agents.TryGetValue(item.Agent.Id, out var agent) && agent == item.Agent;

    private void ArmTimer(DateTimeOffset now)
    {
        while (_timers.TryPeek(out var item, out _) && !IsLive(item))
        {
            _timers.Dequeue();
        }

        if (!_timers.TryPeek(out _, out var due))
        {
            if (_armedFor is not null)
            {
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _armedFor = null;
            }

            return;
        }

        if (_armedFor == due)
        {
            return;
        }

        _armedFor = due;
        var delay = TimeSpan.FromTicks(Math.Max(due - now.UtcTicks, 1));
        _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Handles whatever is due for a waiting call now, then queues its next moment (replacing any older one).</summary>
    private void ScheduleCall(QueuedCall call, DateTimeOffset now)
    {
        call.TimerVersion++;
        var queue = call.Queue;
        var rules = queue.Definition.Rules;
        var waited = now - call.EnqueuedAt;
        DateTimeOffset? next = null;
        void Consider(DateTimeOffset? at)
        {
            if (at > now && (next is null || at < next))
            {
                next = at;
            }
        }

        if (call.IsCallback)
        {
            if (call.ExpiresAt <= now)
            {
                Expire(call, CallbackExpiry.ClosingTime, now);
                return;
            }

            Consider(call.NotBefore);
            Consider(call.ExpiresAt);
        }
        else
        {
            if (!call.CallbackOfferSignalled && rules.CallbackOfferAfter is { } offerAfter)
            {
                if (waited >= offerAfter)
                {
                    call.CallbackOfferSignalled = true;
                    Publish(new CallbackOfferAvailable(call.Id, queue.Id, now));
                }
                else
                {
                    Consider(call.EnqueuedAt + offerAfter);
                }
            }

            if (!call.MaxWaitSignalled && rules.MaxWait is { } maxWait)
            {
                if (waited >= maxWait)
                {
                    call.MaxWaitSignalled = true;
                    Publish(new MaxWaitReached(call.Id, queue.Id, waited, now));
                }
                else
                {
                    Consider(call.EnqueuedAt + maxWait);
                }
            }

            if (rules.AnnounceEvery is not { } every || every <= TimeSpan.Zero)
            {
                call.NextAnnouncement = null;
            }
            else
            {
                call.NextAnnouncement ??= now + every;
                if (call.NextAnnouncement <= now)
                {
                    Publish(new AnnouncementDue(call.Id, queue.Id, Position(call), ExpectedWait(call, now), now));
                    while (call.NextAnnouncement <= now)
                    {
                        call.NextAnnouncement += every;
                    }
                }

                Consider(call.NextAnnouncement);
            }
        }

        // Crossing an overflow threshold makes more agents eligible: wake up then to dispatch.
        if (queue.GeneralPool is not null)
        {
            Consider(call.EnqueuedAt + rules.OverflowToGeneralAfter);
        }

        if (queue.ParentPool is not null)
        {
            Consider(call.EnqueuedAt + rules.OverflowToParentPlatformAfter);
        }

        if (next is { } at)
        {
            _timers.Enqueue(new TimerItem(call, null, call.TimerVersion), at.UtcTicks);
        }
    }
}
