using Microsoft.Extensions.Logging;

namespace Lawline.Sip.Media;

internal interface IMediaClockListener
{
    // now is a TimeProvider timestamp. Runs on the clock's timer thread; must not block.
    void OnTick(long now);
}

// The one 20 ms timer that paces every player, flushes every recorder and runs endpoint housekeeping
// (inactivity, RTCP). One timer for 500 calls instead of 500 timers or threads: each tick is a loop over
// a snapshot array. Listeners compute what is due from the elapsed time, not from the number of ticks,
// so a late or skipped tick never makes audio run slow.
public sealed class MediaClock : IDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(20);

    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private IMediaClockListener[] _listeners = [];
    private int _ticking;

    public MediaClock(TimeProvider time, ILogger<MediaClock>? logger = null)
    {
        Time = time;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _timer = time.CreateTimer(static state => ((MediaClock)state!).Tick(), this, Period, Period);
    }

    public TimeProvider Time { get; }

    internal int ListenerCount => Volatile.Read(ref _listeners).Length;

    internal void Add(IMediaClockListener listener)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_listeners, listener) < 0)
            {
                _listeners = [.. _listeners, listener];
            }
        }
    }

    internal void Remove(IMediaClockListener listener)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_listeners, listener);
            if (index >= 0)
            {
                var copy = new IMediaClockListener[_listeners.Length - 1];
                Array.Copy(_listeners, 0, copy, 0, index);
                Array.Copy(_listeners, index + 1, copy, index, copy.Length - index);
                _listeners = copy;
            }
        }
    }

    private void Tick()
    {
        // A System.Threading.Timer callback can overlap the previous one if that ran long; skip instead of piling up.
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }
        try
        {
            var now = Time.GetTimestamp();
            foreach (var listener in Volatile.Read(ref _listeners))
            {
                try
                {
                    listener.OnTick(now);
                }
                catch (Exception e)
                {
                    MediaLog.ClockListenerFailed(_logger, e);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    public void Dispose() => _timer.Dispose();
}
