using System.Buffers.Binary;

namespace Lawline.Sip.Rtp;

// A key press received as an RFC 4733 telephone-event. Duration is the longest duration the sender reported.
public readonly record struct DtmfDigit(char Digit, TimeSpan Duration);

// RFC 4733 §2.5.2 receiver: one digit per event, where an event is identified by its RTP timestamp
// (every packet of an event repeats the start timestamp; the end packet is sent three times, §2.5.1.4).
// Works for whatever payload type was negotiated and ignores anything else: sipp sends events on PT 96
// from a different SSRC than its audio, after 20 packets on PT 97.
public sealed class DtmfDetector(int eventPayloadType, Action<DtmfDigit> onDigit, int clockRate = 8000)
{
    private const string Digits = "0123456789*#ABCD";
    // Recently finished events. More than one, because a late end packet of the previous event can
    // arrive after the next event has begun.
    private readonly uint[] _finished = new uint[4];
    private int _finishedCount;
    private int _finishedNext;
    private bool _active;
    private uint _activeTimestamp;
    private char _activeDigit;
    private int _activeDuration;

    public int EventPayloadType { get; set; } = eventPayloadType;

    // Feeds one RTP packet; true if it was an event packet of the negotiated type.
    // A digit is reported when its event ends; if all end packets were lost, when the next event starts or on Flush.
    public bool Process(byte payloadType, uint timestamp, ReadOnlySpan<byte> payload)
    {
        if (payloadType != EventPayloadType || payload.Length < 4)
        {
            return false;
        }
        // RFC 4733 §2.3: event(8) | E(1) R(1) volume(6) | duration(16).
        var code = payload[0];
        var end = (payload[1] & 0x80) != 0;
        var duration = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
        if (code >= Digits.Length || IsFinished(timestamp))
        {
            return true;
        }
        if (_active && _activeTimestamp != timestamp)
        {
            Finish();
        }
        if (!_active)
        {
            _active = true;
            _activeTimestamp = timestamp;
            _activeDigit = Digits[code];
            _activeDuration = 0;
        }
        _activeDuration = Math.Max(_activeDuration, duration);
        if (end)
        {
            Finish();
        }
        return true;
    }

    // Reports an event whose end packets never came; called when the event stream has gone quiet.
    public void Flush()
    {
        if (_active)
        {
            Finish();
        }
    }

    private void Finish()
    {
        _active = false;
        _finished[_finishedNext] = _activeTimestamp;
        _finishedNext = (_finishedNext + 1) % _finished.Length;
        _finishedCount = Math.Min(_finishedCount + 1, _finished.Length);
        onDigit(new DtmfDigit(_activeDigit, TimeSpan.FromSeconds((double)_activeDuration / clockRate)));
    }

    private bool IsFinished(uint timestamp)
    {
        for (var i = 0; i < _finishedCount; i++)
        {
            if (_finished[i] == timestamp)
            {
                return true;
            }
        }
        return false;
    }
}
