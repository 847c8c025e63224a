using Microsoft.Extensions.Time.Testing;

namespace Lawline.RoutingSim;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows when its timers are due, so a discrete-event loop can step the clock
/// to exactly the moment the router's timer wants instead of past it.
/// <para>
/// Why: <see cref="FakeTimeProvider.Advance"/> sets the new time first and only then runs the timers that came due
/// in between, so a callback sees the end of the step, not its due time. The router's timer (an overflow threshold,
/// the end of a wrap-up) would decide late by up to the length of the step, and a timer it re-arms from inside the
/// callback for a moment within the step would not run until the next one. Stepping to
/// <see cref="NextTimerDue"/> makes every router decision happen at its own due time, to the tick.
/// </para>
/// </summary>
internal sealed class SimulationClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly List<TrackedTimer> _timers = [];

    /// <summary>Timer callbacks that have run, and how late they ran in total (zero when stepping to due times).</summary>
    public long Fired { get; private set; }

    public TimeSpan TotalLateness { get; private set; }

    public TimeSpan MaxLateness { get; private set; }

    /// <summary>The earliest moment any live timer is due, or null when none is armed.</summary>
    public DateTimeOffset? NextTimerDue
    {
        get
        {
            DateTimeOffset? next = null;
            foreach (var timer in _timers)
            {
                if (timer.Due is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }

            return next;
        }
    }

    /// <summary>Moves the clock to <paramref name="at"/> (never backwards), running the timers due on the way.</summary>
    public void AdvanceTo(DateTimeOffset at)
    {
        var now = GetUtcNow();
        Advance(at > now ? at - now : TimeSpan.Zero);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this, callback);
        tracked.Inner = base.CreateTimer(static s => ((TrackedTimer)s!).Fire(), tracked, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        tracked.State = state;
        _timers.Add(tracked);
        tracked.Change(dueTime, period);
        return tracked;
    }

    private sealed class TrackedTimer(SimulationClock clock, TimerCallback callback) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public ITimer Inner { get; set; } = null!;

        public object? State { get; set; }

        public DateTimeOffset? Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
            return Inner.Change(dueTime, period);
        }

        public void Fire()
        {
            var now = clock.GetUtcNow();
            if (Due is { } due)
            {
                var late = now - due;
                clock.TotalLateness += late;
                if (late > clock.MaxLateness)
                {
                    clock.MaxLateness = late;
                }
            }

            clock.Fired++;

            // One-shot unless periodic; the callback may re-arm through Change.
            Due = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : now + _period;
            callback(State);
        }

        public void Dispose()
        {
            Due = null;
            clock._timers.Remove(this);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
