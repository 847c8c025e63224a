using System.Diagnostics;
using System.Net;
using Lawline.Sip.Media;
using Lawline.Sip.Rtp;
using Xunit.Abstractions;

namespace Lawline.Sip.Tests.Rtp;

public sealed class RelayHotPathTests(ITestOutputHelper output)
{
    [Fact]
    public void Relaying_and_recording_a_packet_allocates_nothing()
    {
        using var engine = new MediaEngine(new MediaOptions { BindAddress = "127.0.0.1", MinPort = 44000, MaxPort = 44999 });
        using var caller = new TestPhone();
        using var agent = new TestPhone();
        using var a = engine.CreateEndpoint();
        using var b = engine.CreateEndpoint();
        a.Configure(TestPhone.Media(caller.EndPoint, AudioCodec.Pcmu, eventType: 101));
        b.Configure(TestPhone.Media(agent.EndPoint, AudioCodec.Pcma, eventType: 101));
        using var bridge = RtpBridge.Connect(a, b);
        using var recorder = engine.StartRecording(Path.Combine(Path.GetTempPath(), $"lawline-hotpath-{Guid.NewGuid():N}.wav"));
        bridge.StartRecording(recorder);
        var source = caller.EndPoint.Serialize();
        var datagram = new byte[172];
        var time = TimeProvider.System;
        var events = Enumerable.Range(0, 10).Select(d => DtmfDetectorTests.Event((byte)d, end: true, 800)).ToArray();

        void Run(int count, int start)
        {
            for (var i = start; i < start + count; i++)
            {
                var audio = i % 50 != 49;
                new RtpPacket(false, (byte)(audio ? 0 : 101), (ushort)i, (uint)i * 160, 0x1234).WriteHeader(datagram);
                if (!audio)
                {
                    events[i % 10].CopyTo(datagram, 12);
                }
                a.ProcessRtp(audio ? datagram : datagram.AsSpan(0, 16), source, time.GetTimestamp());
            }
        }

        Run(2000, 0);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        Run(20000, 2000);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        wall.Stop();
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;

        // Audio relayed, transcoded and recorded, and a DTMF digit every 50 packets: nothing allocated.
        Assert.Equal(0, bytes);
        Assert.Equal(22000, a.Statistics.PacketsReceived);
        Assert.True(a.Digits.TryRead(out _));
        output.WriteLine($"{wall.Elapsed.TotalMicroseconds / 20000:F2} µs wall, {cpuUsed.TotalMicroseconds / 20000:F2} µs process CPU per relayed and recorded packet (Debug build, includes the sendto system call)");
    }
}
