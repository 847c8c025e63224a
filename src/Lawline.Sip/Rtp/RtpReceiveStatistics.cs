namespace Lawline.Sip.Rtp;

// Reception statistics for the current source (RFC 3550 §6.4.1, appendices A.1, A.3 and A.8).
// A new SSRC starts a new source; the totals (received, lost, late) carry on across sources.
internal struct RtpReceiveStatistics
{
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;

    private bool _started;
    private uint _ssrc;
    private ushort _maxSequence;
    private uint _cycles;
    private uint _baseSequence;
    private long _sourceReceived;
    private long _expectedPrior;
    private long _receivedPrior;
    private long _lastTransit;
    private bool _haveTransit;
    // RFC 3550 A.8 keeps jitter scaled by 16 to avoid floating point.
    private long _jitterScaled;

    public long Received;
    public long Lost;
    public long Late;

    public readonly uint Ssrc => _ssrc;
    public readonly uint Jitter => (uint)(_jitterScaled >> 4);
    public readonly uint ExtendedHighestSequence => _cycles + _maxSequence;

    // Returns the number of packets newly found missing (a forward gap), for the lost-packets counter.
    public int Update(uint ssrc, ushort sequence, uint rtpTimestamp, long arrivalInClockUnits, bool isAudio)
    {
        Received++;
        if (!_started || ssrc != _ssrc)
        {
            _started = true;
            _ssrc = ssrc;
            _maxSequence = sequence;
            _cycles = 0;
            _baseSequence = sequence;
            _sourceReceived = 1;
            _expectedPrior = 0;
            _receivedPrior = 0;
            _haveTransit = false;
            _jitterScaled = 0;
            UpdateJitter(rtpTimestamp, arrivalInClockUnits, isAudio);
            return 0;
        }
        _sourceReceived++;
        var delta = (ushort)(sequence - _maxSequence);
        var gap = 0;
        if (delta == 0)
        {
            // A duplicate.
            Late++;
            return 0;
        }
        if (delta < MaxDropout)
        {
            // In order, possibly with a gap (A.1).
            if (sequence < _maxSequence)
            {
                _cycles += 1u << 16;
            }
            gap = delta - 1;
            _maxSequence = sequence;
        }
        else if (delta <= ushort.MaxValue + 1 - MaxMisorder)
        {
            // A very large jump: the sender restarted its sequence. Start over without counting loss.
            _maxSequence = sequence;
            _baseSequence = sequence;
            _cycles = 0;
            _sourceReceived = 1;
            _expectedPrior = 0;
            _receivedPrior = 0;
        }
        else
        {
            // Older than the highest seen: late or reordered; it was counted as lost when the gap opened.
            Late++;
            if (Lost > 0)
            {
                Lost--;
            }
            return 0;
        }
        Lost += gap;
        UpdateJitter(rtpTimestamp, arrivalInClockUnits, isAudio);
        return gap;
    }

    // A.3: fraction lost since the previous report, and cumulative lost for this source.
    public (byte FractionLost, int CumulativeLost) TakeLossReport()
    {
        var expected = (long)ExtendedHighestSequence - _baseSequence + 1;
        var cumulative = expected - _sourceReceived;
        var expectedInterval = expected - _expectedPrior;
        var receivedInterval = _sourceReceived - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = _sourceReceived;
        var lostInterval = expectedInterval - receivedInterval;
        var fraction = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
        return (fraction, (int)Math.Clamp(cumulative, int.MinValue, int.MaxValue));
    }

    public readonly bool HasSource => _started;

    private void UpdateJitter(uint rtpTimestamp, long arrival, bool isAudio)
    {
        // Telephone-event packets repeat one timestamp, so only audio packets say anything about jitter.
        if (!isAudio)
        {
            return;
        }
        var transit = arrival - rtpTimestamp;
        if (_haveTransit)
        {
            var d = transit - _lastTransit;
            if (d < 0)
            {
                d = -d;
            }
            // Ignore absurd jumps (a timestamp discontinuity), which would otherwise dominate for seconds.
            if (d < 8000 * 10)
            {
                _jitterScaled += d - ((_jitterScaled + 8) >> 4);
            }
        }
        _lastTransit = transit;
        _haveTransit = true;
    }
}
