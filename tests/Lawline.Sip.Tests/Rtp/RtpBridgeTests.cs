using System.Net;
using Lawline.Sip.Media;
using Lawline.Sip.Rtp;
using Lawline.Sip.Sdp;

namespace Lawline.Sip.Tests.Rtp;

public sealed class RtpBridgeTests : IDisposable
{
    private readonly MediaEngine _engine = new(new MediaOptions { BindAddress = "127.0.0.1", MinPort = 41000, MaxPort = 41999 });

    public void Dispose() => _engine.Dispose();

    [Fact]
    public async Task Relays_between_a_PCMU_and_a_PCMA_leg_as_one_continuous_stream_with_DTMF_types_rewritten()
    {
        using var caller = new TestPhone();
        using var agent = new TestPhone();
        using var a = _engine.CreateEndpoint();
        using var b = _engine.CreateEndpoint();
        // The caller's SDP names an address nobody listens on (a phone behind NAT); its packets reveal the real one.
        a.Configure(TestPhone.Media(new IPEndPoint(IPAddress.Loopback, 9), AudioCodec.Pcmu, eventType: 101));
        b.Configure(TestPhone.Media(agent.EndPoint, AudioCodec.Pcma, eventType: 100));
        using var bridge = RtpBridge.Connect(a, b);

        var tone = new ToneGenerator(1000);
        var sent = new List<byte[]>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(TestPhone.ToneFrame(tone, AudioCodec.Pcmu));
            caller.Send(a, 0, (ushort)(1000 + i), 5000 + (uint)i * 160, 0x1111, sent[^1], marker: i == 0);
        }
        // Comfort noise is not negotiated: dropped, not forwarded.
        caller.Send(a, 13, 1005, 5800, 0x1111, [0x40]);
        // The phone restarts its stream with a new SSRC, sequence and timestamp (e.g. after a re-INVITE).
        for (var i = 0; i < 3; i++)
        {
            sent.Add(TestPhone.ToneFrame(tone, AudioCodec.Pcmu));
            caller.Send(a, 0, (ushort)(7 + i), 99_999 + (uint)i * 160, 0x2222, sent[^1]);
        }
        caller.Send(a, 101, 10, 100_479, 0x2222, DtmfDetectorTests.Event(1, end: false, 160), marker: true);

        var received = new List<(RtpPacket Header, byte[] Payload, IPEndPoint From)>();
        for (var i = 0; i < 9; i++)
        {
            received.Add(await agent.ReceiveAsync());
        }

        Assert.All(received, r => Assert.Equal(b.Ssrc, r.Header.Ssrc));
        Assert.All(received, r => Assert.Equal(b.LocalRtpPort, r.From.Port));
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(8, received[i].Header.PayloadType);
            var expected = sent[i].ToArray();
            G711.Transcode(expected, AudioCodec.Pcmu, AudioCodec.Pcma);
            Assert.Equal(expected, received[i].Payload);
        }
        for (var i = 1; i < 9; i++)
        {
            Assert.Equal((ushort)(received[i - 1].Header.SequenceNumber + 1), received[i].Header.SequenceNumber);
        }
        for (var i = 1; i < 8; i++)
        {
            Assert.InRange(received[i].Header.Timestamp - received[i - 1].Header.Timestamp, 160u, 8000u);
        }
        Assert.True(received[0].Header.Marker);
        Assert.False(received[1].Header.Marker);
        // New source: marked as a new talkspurt so the far end's jitter buffer resynchronises.
        Assert.True(received[5].Header.Marker);
        Assert.Equal(100, received[8].Header.PayloadType);
        Assert.Equal(new byte[] { 1, 10, 0, 160 }, received[8].Payload);

        // The agent talks back; the caller's leg sends to where the caller's packets came from, not to the SDP address.
        var reply = TestPhone.ToneFrame(new ToneGenerator(400), AudioCodec.Pcma);
        agent.Send(b, 8, 1, 1, 0x3333, reply);
        var back = await caller.ReceiveAsync();
        Assert.Equal(0, back.Header.PayloadType);
        Assert.Equal(a.Ssrc, back.Header.Ssrc);
        var expectedBack = reply.ToArray();
        G711.Transcode(expectedBack, AudioCodec.Pcma, AudioCodec.Pcmu);
        Assert.Equal(expectedBack, back.Payload);
        Assert.Equal(caller.EndPoint, a.RemoteEndPoint);
        Assert.Equal(9, a.Statistics.PacketsReceived);
        Assert.Equal(1, a.Statistics.IgnoredPackets);
    }

    [Fact]
    public async Task Events_are_dropped_towards_a_leg_without_telephone_event_and_nothing_goes_to_a_leg_on_hold()
    {
        using var caller = new TestPhone();
        using var agent = new TestPhone();
        using var a = _engine.CreateEndpoint();
        using var b = _engine.CreateEndpoint();
        a.Configure(TestPhone.Media(caller.EndPoint, AudioCodec.Pcmu, eventType: 101));
        b.Configure(TestPhone.Media(agent.EndPoint, AudioCodec.Pcmu, eventType: null));
        using var bridge = RtpBridge.Connect(a, b);

        caller.Send(a, 101, 1, 160, 7, DtmfDetectorTests.Event(5, end: false, 160), marker: true);
        caller.Send(a, 0, 2, 320, 7, new byte[160]);
        var first = await agent.ReceiveAsync();
        Assert.Equal(0, first.Header.PayloadType);

        // The agent puts the caller on hold (a=sendonly): nothing is sent to the agent until it resumes.
        b.Configure(TestPhone.Media(agent.EndPoint, AudioCodec.Pcmu, eventType: null, MediaDirection.SendOnly));
        caller.Send(a, 0, 3, 480, 7, Enumerable.Repeat((byte)0x11, 160).ToArray());
        await TestPhone.WaitUntilAsync(() => a.Statistics.PacketsReceived == 3);
        b.Configure(TestPhone.Media(agent.EndPoint, AudioCodec.Pcmu, eventType: null, MediaDirection.SendRecv));
        caller.Send(a, 0, 4, 640, 7, Enumerable.Repeat((byte)0x22, 160).ToArray());
        var afterResume = await agent.ReceiveAsync();
        Assert.Equal(0x22, afterResume.Payload[0]);
        // The held packet left a gap in the sender's sequence; the relay keeps it, so the agent's loss stats stay right.
        Assert.Equal((ushort)(first.Header.SequenceNumber + 2), afterResume.Header.SequenceNumber);
    }

    [Fact]
    public async Task After_unbridging_a_leg_hears_only_its_own_prompt()
    {
        using var caller = new TestPhone();
        using var agent = new TestPhone();
        using var a = _engine.CreateEndpoint();
        using var b = _engine.CreateEndpoint();
        a.Configure(TestPhone.Media(caller.EndPoint, AudioCodec.Pcmu, eventType: 101));
        b.Configure(TestPhone.Media(agent.EndPoint, AudioCodec.Pcmu, eventType: 101));
        var bridge = RtpBridge.Connect(a, b);
        Assert.Throws<InvalidOperationException>(() => RtpBridge.Connect(a, b));
        caller.Send(a, 0, 1, 160, 7, new byte[160]);
        var relayed = await agent.ReceiveAsync();

        bridge.Dispose();
        Assert.False(a.IsBridged);
        caller.Send(a, 0, 2, 320, 7, new byte[160]);
        await TestPhone.WaitUntilAsync(() => a.Statistics.PacketsReceived == 2);
        var prompt = b.PlayAsync(new ToneGenerator(440, duration: TimeSpan.FromMilliseconds(40)));

        var next = await agent.ReceiveAsync();
        Assert.True(next.Header.Marker);
        Assert.True(Goertzel.EnergyShare(WavReaderTestsDecode(next.Payload), 440) > 0.8);
        Assert.Equal((ushort)(relayed.Header.SequenceNumber + 1), next.Header.SequenceNumber);
        Assert.Equal(PlaybackOutcome.Finished, await prompt.WaitAsync(TimeSpan.FromSeconds(3)));
    }

    private static short[] WavReaderTestsDecode(byte[] payload) => Tests.Media.WavReaderTests.Decode(payload, AudioCodec.Pcmu);
}
