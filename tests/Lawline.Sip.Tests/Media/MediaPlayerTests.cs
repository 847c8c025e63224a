using System.Diagnostics.Metrics;
using Lawline.Sip.Media;
using Lawline.Sip.Rtp;
using Lawline.Sip.Tests.Rtp;
using Microsoft.Extensions.Time.Testing;

namespace Lawline.Sip.Tests.Media;

public sealed class MediaPlayerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly MediaEngine _engine;

    public MediaPlayerTests()
    {
        _engine = new MediaEngine(new MediaOptions { BindAddress = "127.0.0.1", MinPort = 42000, MaxPort = 42999, InactivityTimeout = TimeSpan.FromSeconds(3) }, _time);
    }

    public void Dispose() => _engine.Dispose();

    [Fact]
    public async Task A_WAV_plays_one_frame_per_20_ms_tick_in_order_with_the_marker_on_the_first()
    {
        using var phone = new TestPhone();
        using var endpoint = _engine.CreateEndpoint();
        endpoint.Configure(TestPhone.Media(phone.EndPoint, AudioCodec.Pcma, eventType: 101));
        var audio = WavReader.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "tone1000-ulaw.wav"));

        var playing = endpoint.PlayAsync(audio);
        var frames = new List<(RtpPacket Header, byte[] Payload)>();
        for (var i = 0; i < audio.FrameCount; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(20));
            var (header, payload, _) = await phone.ReceiveAsync();
            frames.Add((header, payload));
        }
        Assert.False(playing.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(20));

        Assert.Equal(PlaybackOutcome.Finished, await playing.WaitAsync(TimeSpan.FromSeconds(3)));
        Assert.Equal(25, frames.Count);
        Assert.True(frames[0].Header.Marker);
        Assert.All(frames.Skip(1), f => Assert.False(f.Header.Marker));
        var expected = new byte[160];
        for (var i = 0; i < frames.Count; i++)
        {
            Assert.Equal(8, frames[i].Header.PayloadType);
            Assert.Equal(endpoint.Ssrc, frames[i].Header.Ssrc);
            audio.CopyFrame(i, AudioCodec.Pcma, expected);
            Assert.Equal(expected, frames[i].Payload);
            if (i > 0)
            {
                Assert.Equal((ushort)(frames[i - 1].Header.SequenceNumber + 1), frames[i].Header.SequenceNumber);
                Assert.Equal(frames[i - 1].Header.Timestamp + 160, frames[i].Header.Timestamp);
            }
        }
    }

    [Fact]
    public async Task Music_on_hold_loops_until_a_key_press_interrupts_it_and_the_digits_are_collected()
    {
        using var phone = new TestPhone();
        using var endpoint = _engine.CreateEndpoint();
        endpoint.Configure(TestPhone.Media(phone.EndPoint, AudioCodec.Pcmu, eventType: 96));
        var audio = WavReader.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "tone440-alaw.wav"));

        var music = endpoint.PlayAsync(audio, loop: true, stopOnDigit: true);
        for (var i = 0; i < audio.FrameCount * 2 + 3; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(20));
            await phone.ReceiveAsync();
        }
        Assert.False(music.IsCompleted);

        var collecting = endpoint.CollectDigitsAsync(maxDigits: 4, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), terminator: '#');
        foreach (var p in DtmfDetectorTests.SippDtmf("12#"))
        {
            phone.Send(endpoint, p.PayloadType, p.Sequence, p.Timestamp, p.Ssrc, p.Payload, p.Marker);
        }

        Assert.Equal(PlaybackOutcome.InterruptedByDigit, await music.WaitAsync(TimeSpan.FromSeconds(3)));
        var result = await collecting.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(new DigitCollection("12", DigitCollectionEnd.Terminator), result);
    }

    [Fact]
    public async Task Digit_collection_times_out_on_the_media_clock()
    {
        using var phone = new TestPhone();
        using var endpoint = _engine.CreateEndpoint();
        endpoint.Configure(TestPhone.Media(phone.EndPoint, AudioCodec.Pcmu, eventType: 101));

        var nothing = endpoint.CollectDigitsAsync(4, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2));
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(nothing.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new DigitCollection("", DigitCollectionEnd.Timeout), await nothing.WaitAsync(TimeSpan.FromSeconds(3)));

        var one = endpoint.CollectDigitsAsync(4, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2));
        foreach (var p in DtmfDetectorTests.SippDtmf("7", eventType: 101))
        {
            phone.Send(endpoint, p.PayloadType, p.Sequence, p.Timestamp, p.Ssrc, p.Payload, p.Marker);
        }
        await TestPhone.WaitUntilAsync(() => endpoint.Statistics.PacketsReceived == 8);
        // The collector may still be picking up the digit on another thread; give it the moment it needs.
        await Task.Delay(100);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(new DigitCollection("7", DigitCollectionEnd.Timeout), await one.WaitAsync(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Silence_from_a_peer_that_should_send_raises_the_timeout_but_a_peer_on_hold_does_not()
    {
        using var phone = new TestPhone();
        using var talking = _engine.CreateEndpoint();
        using var held = _engine.CreateEndpoint();
        talking.Configure(TestPhone.Media(phone.EndPoint, AudioCodec.Pcmu, eventType: 101));
        held.Configure(TestPhone.Media(phone.EndPoint, AudioCodec.Pcmu, eventType: 101, Lawline.Sip.Sdp.MediaDirection.Inactive));
        var timedOut = new TaskCompletionSource<RtpEndpoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        talking.MediaTimedOut += e => timedOut.TrySetResult(e);
        held.MediaTimedOut += e => timedOut.TrySetResult(e);

        phone.Send(talking, 0, 1, 160, 1, new byte[160]);
        await TestPhone.WaitUntilAsync(() => talking.Statistics.PacketsReceived == 1);
        for (var i = 0; i < 100; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(20));
        }
        Assert.False(talking.IsMediaTimedOut);
        for (var i = 0; i < 60; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(20));
        }

        Assert.Same(talking, await timedOut.Task.WaitAsync(TimeSpan.FromSeconds(3)));
        Assert.True(talking.IsMediaTimedOut);
        Assert.False(held.IsMediaTimedOut);
        phone.Send(talking, 0, 2, 320, 1, new byte[160]);
        await TestPhone.WaitUntilAsync(() => !talking.IsMediaTimedOut);
    }

    [Fact]
    public async Task Packet_counts_and_open_endpoints_are_published_on_the_media_meter()
    {
        var totals = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == _engine.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (totals)
            {
                totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();
        using var phone = new TestPhone();
        var endpoint = _engine.CreateEndpoint();
        endpoint.Configure(TestPhone.Media(phone.EndPoint, AudioCodec.Pcmu, eventType: 101));
        Assert.Equal(1, totals["lawline.rtp.endpoints.active"]);

        // Sequence 1, 2, then 5: two lost.
        foreach (ushort sequence in new ushort[] { 1, 2, 5 })
        {
            phone.Send(endpoint, 0, sequence, sequence * 160u, 9, new byte[160]);
        }
        await TestPhone.WaitUntilAsync(() => endpoint.Statistics.PacketsReceived == 3);
        var prompt = endpoint.PlayAsync(new ToneGenerator(440, duration: TimeSpan.FromMilliseconds(100)));
        for (var i = 0; i < 60; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(20));
        }
        await prompt.WaitAsync(TimeSpan.FromSeconds(3));
        endpoint.Dispose();

        lock (totals)
        {
            Assert.Equal(3, totals["lawline.rtp.packets.received"]);
            Assert.Equal(5, totals["lawline.rtp.packets.sent"]);
            Assert.Equal(2, totals["lawline.rtp.packets.lost"]);
            Assert.Equal(0, totals["lawline.rtp.endpoints.active"]);
        }
        Assert.Equal(2, endpoint.Statistics.PacketsLost);
    }
}
