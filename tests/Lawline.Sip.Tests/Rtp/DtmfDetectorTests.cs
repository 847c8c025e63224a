using System.Buffers.Binary;
using Lawline.Sip.Rtp;

namespace Lawline.Sip.Tests.Rtp;

public sealed class DtmfDetectorTests
{
    // What sipp's play_dtmf="12#" puts on the wire: 20 warm-up packets on PT 97, then each digit as
    // RFC 4733 events on PT 96 from an SSRC other than the audio's, the end packet three times.
    internal static IEnumerable<(byte PayloadType, uint Ssrc, ushort Sequence, uint Timestamp, bool Marker, byte[] Payload)> SippDtmf(string digits,
        byte eventType = 96, uint ssrc = 0x5EED0001)
    {
        ushort sequence = 1;
        uint timestamp = 16000;
        for (var i = 0; i < 20; i++)
        {
            yield return (97, ssrc, sequence++, timestamp, false, new byte[160]);
            timestamp += 160;
        }
        foreach (var digit in digits)
        {
            var code = (byte)"0123456789*#ABCD".IndexOf(digit, StringComparison.Ordinal);
            for (ushort duration = 160; duration <= 800; duration += 160)
            {
                yield return (eventType, ssrc, sequence++, timestamp, duration == 160, Event(code, end: false, duration));
            }
            for (var i = 0; i < 3; i++)
            {
                yield return (eventType, ssrc, sequence++, timestamp, false, Event(code, end: true, 960));
            }
            timestamp += 960 + 800;
        }
    }

    internal static byte[] Event(byte code, bool end, ushort duration)
    {
        var payload = new byte[4];
        payload[0] = code;
        payload[1] = (byte)((end ? 0x80 : 0) | 10);
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(2), duration);
        return payload;
    }

    [Fact]
    public void Sipp_digits_are_reported_once_each_with_their_duration()
    {
        var digits = new List<DtmfDigit>();
        var detector = new DtmfDetector(96, digits.Add);

        foreach (var p in SippDtmf("12#"))
        {
            detector.Process(p.PayloadType, p.Timestamp, p.Payload);
        }

        Assert.Equal("12#", new string(digits.Select(d => d.Digit).ToArray()));
        Assert.All(digits, d => Assert.Equal(TimeSpan.FromMilliseconds(120), d.Duration));
    }

    [Fact]
    public void The_same_digit_twice_is_two_presses_and_an_SSRC_change_does_not_matter()
    {
        var digits = new List<DtmfDigit>();
        var detector = new DtmfDetector(101, digits.Add);

        foreach (var p in SippDtmf("55", eventType: 101, ssrc: 1))
        {
            detector.Process(p.PayloadType, p.Timestamp, p.Payload);
        }
        foreach (var p in SippDtmf("5", eventType: 101, ssrc: 2).Select(p => p with { Timestamp = p.Timestamp + 100_000 }))
        {
            detector.Process(p.PayloadType, p.Timestamp, p.Payload);
        }

        Assert.Equal("555", new string(digits.Select(d => d.Digit).ToArray()));
    }

    [Fact]
    public void Events_on_other_payload_types_are_ignored()
    {
        var digits = new List<DtmfDigit>();
        var detector = new DtmfDetector(101, digits.Add);

        foreach (var p in SippDtmf("9", eventType: 96))
        {
            Assert.False(detector.Process(p.PayloadType, p.Timestamp, p.Payload));
        }

        Assert.Empty(digits);
    }

    [Fact]
    public void An_event_whose_end_packets_were_lost_is_reported_when_the_next_begins_or_on_flush()
    {
        var digits = new List<DtmfDigit>();
        var detector = new DtmfDetector(96, digits.Add);
        var packets = SippDtmf("47").Where(p => p.PayloadType == 96 && (p.Payload[1] & 0x80) == 0).ToList();

        foreach (var p in packets)
        {
            detector.Process(p.PayloadType, p.Timestamp, p.Payload);
        }
        Assert.Equal("4", new string(digits.Select(d => d.Digit).ToArray()));
        detector.Flush();
        Assert.Equal("47", new string(digits.Select(d => d.Digit).ToArray()));
        detector.Flush();
        Assert.Equal(2, digits.Count);
    }
}
