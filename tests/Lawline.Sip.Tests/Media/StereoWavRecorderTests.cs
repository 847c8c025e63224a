using System.Buffers.Binary;
using System.Diagnostics;
using Lawline.Sip.Media;
using Lawline.Sip.Rtp;
using Lawline.Sip.Tests.Rtp;
using Microsoft.Extensions.Time.Testing;

namespace Lawline.Sip.Tests.Media;

public sealed class StereoWavRecorderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lawline-recording-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Caller_is_recorded_left_and_agent_right_aligned_in_time()
    {
        using var engine = new MediaEngine(new MediaOptions { BindAddress = "127.0.0.1", MinPort = 43000, MaxPort = 43999 });
        using var caller = new TestPhone();
        using var agent = new TestPhone();
        using var a = engine.CreateEndpoint();
        using var b = engine.CreateEndpoint();
        a.Configure(TestPhone.Media(caller.EndPoint, AudioCodec.Pcmu, eventType: 101));
        b.Configure(TestPhone.Media(agent.EndPoint, AudioCodec.Pcma, eventType: 101));
        using var bridge = RtpBridge.Connect(a, b);
        var path = Path.Combine(_directory, "call.wav");
        var recording = Stopwatch.StartNew();
        var recorder = engine.StartRecording(path);
        bridge.StartRecording(recorder);

        // The caller talks (1000 Hz) for a second; the agent (400 Hz) only joins after half a second.
        var callerTone = new ToneGenerator(1000, amplitude: 8000);
        var agentTone = new ToneGenerator(400, amplitude: 8000);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 50; i++)
        {
            caller.Send(a, 0, (ushort)i, (uint)i * 160, 0xA, TestPhone.ToneFrame(callerTone, AudioCodec.Pcmu));
            if (i >= 25)
            {
                agent.Send(b, 8, (ushort)i, (uint)i * 160, 0xB, TestPhone.ToneFrame(agentTone, AudioCodec.Pcma));
            }
            var due = TimeSpan.FromMilliseconds(20 * (i + 1)) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }
        }
        await TestPhone.WaitUntilAsync(() => a.Statistics.PacketsReceived == 50 && b.Statistics.PacketsReceived == 25);
        recorder.Stop();
        var seconds = recording.Elapsed.TotalSeconds;

        var (channels, rate, left, right) = ReadStereo(path);
        Assert.Equal(2, channels);
        Assert.Equal(8000, rate);
        // As long as the call was recorded (plus the 200 ms lead-in), not as long as the packets say.
        Assert.True(left.Length / 8000.0 >= seconds - 0.1 && left.Length / 8000.0 <= seconds + 0.5, $"{left.Length / 8000.0} s recorded in {seconds} s");
        Assert.True(Goertzel.EnergyShare(left, 1000) > 0.8, "left holds the caller's 1000 Hz");
        Assert.True(Goertzel.EnergyShare(left, 400) < 0.02, "left has no 400 Hz");
        var lastQuarterSecond = right[^2000..];
        Assert.True(Goertzel.EnergyShare(lastQuarterSecond, 400) > 0.8, "right holds the agent's 400 Hz");
        Assert.True(Goertzel.EnergyShare(lastQuarterSecond, 1000) < 0.02, "right has no 1000 Hz");
        // The agent's voice starts half a second after the caller's, as it did on the wire; before that the
        // right channel is silence although no packets came.
        var callerStart = Array.FindIndex(left, s => Math.Abs((int)s) > 1000);
        var agentStart = Array.FindIndex(right, s => Math.Abs((int)s) > 1000);
        Assert.InRange(agentStart - callerStart, 4000 - 400, 4000 + 400);
        Assert.True(Goertzel.Rms(right.AsSpan(callerStart, 3600)) < 20, "the agent's channel is silent before the agent spoke");
    }

    [Fact]
    public void The_header_is_kept_current_while_recording_so_a_crash_leaves_a_playable_file()
    {
        var time = new FakeTimeProvider();
        using var clock = new MediaClock(time);
        var path = Path.Combine(_directory, "crash.wav");
        var recorder = new StereoWavRecorder(path, clock, jitterDelay: TimeSpan.FromMilliseconds(100));
        // 100 ms lead-in, then 2 s of packets.
        var frame = new byte[160];
        var tone = new ToneGenerator(1000);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(tone.TryReadFrame(frame, AudioCodec.Pcmu));
            recorder.Write(RecordingChannel.Left, 1, (uint)i * 160, frame, AudioCodec.Pcmu, time.GetTimestamp());
            time.Advance(TimeSpan.FromMilliseconds(20));
        }
        time.Advance(TimeSpan.FromMilliseconds(20));

        // Read while the recorder still has the file open, as after a crash.
        byte[] bytes;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            bytes = new byte[file.Length];
            file.ReadExactly(bytes);
        }
        var dataSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40));
        Assert.Equal(bytes.Length - 8, (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(bytes.Length - 44, (int)dataSize);
        // At least the first second is on disk, in place.
        Assert.InRange((int)dataSize / 4, 7200, 16000);
        recorder.Stop();
        var (_, _, left, right) = ReadStereo(path);
        Assert.Equal(800 + 16000, left.Length);
        Assert.True(Goertzel.EnergyShare(left, 1000) > 0.9);
        Assert.Equal(0, Goertzel.Rms(right));
    }

    [Fact]
    public void Reordered_packets_land_in_place_and_a_timestamp_jump_re_anchors_instead_of_leaving_a_gap()
    {
        var time = new FakeTimeProvider();
        using var clock = new MediaClock(time);
        var path = Path.Combine(_directory, "jitter.wav");
        var recorder = new StereoWavRecorder(path, clock);
        var tone = new ToneGenerator(1000);
        var frames = Enumerable.Range(0, 20).Select(_ => TestPhone.ToneFrame(tone, AudioCodec.Pcmu)).ToArray();
        // Packets 0..19 with pairs swapped in transit.
        for (var i = 0; i < 20; i += 2)
        {
            recorder.Write(RecordingChannel.Right, 7, 1000 + (uint)(i + 1) * 160, frames[i + 1], AudioCodec.Pcmu, time.GetTimestamp());
            recorder.Write(RecordingChannel.Right, 7, 1000 + (uint)i * 160, frames[i], AudioCodec.Pcmu, time.GetTimestamp());
            time.Advance(TimeSpan.FromMilliseconds(40));
        }
        // The phone jumps its timestamp by an hour (a broken sender): recording continues from now.
        var afterJump = TestPhone.ToneFrame(tone, AudioCodec.Pcmu);
        recorder.Write(RecordingChannel.Right, 7, 1000 + 8000u * 3600, afterJump, AudioCodec.Pcmu, time.GetTimestamp());
        time.Advance(TimeSpan.FromMilliseconds(20));
        recorder.Stop();

        var (_, _, _, right) = ReadStereo(path);
        // The first packet to arrive (frame 1) anchors at the 200 ms lead-in; frame 0 goes just before it.
        var expected = new short[3200];
        for (var i = 0; i < 20; i++)
        {
            G711.Decode(frames[i], expected.AsSpan(i * 160, 160), AudioCodec.Pcmu);
        }
        Assert.Equal(expected, right[1440..4640]);
        // The frame after the jump is placed at its arrival time (400 ms after the first), not an hour later.
        var jumped = new short[160];
        G711.Decode(afterJump, jumped, AudioCodec.Pcmu);
        Assert.Equal(jumped, right[4800..4960]);
        Assert.InRange(right.Length, 4960, 8000);
    }

    internal static (int Channels, int Rate, short[] Left, short[] Right) ReadStereo(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal(bytes.Length - 8, (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(22));
        var rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(24));
        Assert.Equal("data", System.Text.Encoding.ASCII.GetString(bytes, 36, 4));
        var dataSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40));
        Assert.Equal(bytes.Length - 44, dataSize);
        var frames = dataSize / 4;
        var left = new short[frames];
        var right = new short[frames];
        for (var i = 0; i < frames; i++)
        {
            left[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(44 + i * 4));
            right[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(46 + i * 4));
        }
        return (channels, rate, left, right);
    }
}
