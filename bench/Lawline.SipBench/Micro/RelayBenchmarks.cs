using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Lawline.Sip.Media;
using Lawline.Sip.Rtp;
using Lawline.Sip.Sdp;

namespace Lawline.SipBench.Micro;

/// <summary>
/// CPU per relayed packet of <see cref="RtpEndpoint.ProcessRtp"/> on a bridged pair: parse, statistics, latching,
/// (transcode), (record), rewrite and the <c>sendto</c> to the far phone (a loopback socket nobody reads). The socket
/// receive and the async completion that deliver the packet in production are not included; <see cref="SendToOnly"/>
/// is the system call alone, for comparison.
/// </summary>
[Config(typeof(MicroConfig))]
public class RelayBenchmarks
{
    private const int PacketsPerInvoke = 1000;
    private readonly byte[] datagram = new byte[RtpPacket.HeaderLength + 160];
    private MediaEngine engine = null!;
    private Socket callerPhone = null!;
    private Socket agentPhone = null!;
    private RtpEndpoint caller = null!;
    private RtpEndpoint agent = null!;
    private RtpBridge bridge = null!;
    private StereoWavRecorder? recorder;
    private SocketAddress source = null!;
    private SocketAddress agentAddress = null!;
    private ushort sequence;
    private string? recordingPath;

    [Params("bridge", "bridge+transcode", "bridge+record")]
    public string Path { get; set; } = "bridge";

    [GlobalSetup]
    public void Setup()
    {
        engine = new MediaEngine(new MediaOptions { BindAddress = "127.0.0.1", MinPort = 45000, MaxPort = 45999, InactivityTimeout = TimeSpan.Zero });
        callerPhone = Phone();
        agentPhone = Phone();
        caller = engine.CreateEndpoint();
        agent = engine.CreateEndpoint();
        var callerCodec = Path == "bridge+transcode" ? AudioCodec.Pcmu : AudioCodec.Pcma;
        caller.Configure(Media((IPEndPoint)callerPhone.LocalEndPoint!, callerCodec));
        agent.Configure(Media((IPEndPoint)agentPhone.LocalEndPoint!, AudioCodec.Pcma));
        bridge = RtpBridge.Connect(caller, agent);
        if (Path == "bridge+record")
        {
            recordingPath = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"lawline-micro-{Environment.ProcessId}.wav");
            recorder = engine.StartRecording(recordingPath);
            bridge.StartRecording(recorder);
        }

        source = ((IPEndPoint)callerPhone.LocalEndPoint!).Serialize();
        agentAddress = ((IPEndPoint)agentPhone.LocalEndPoint!).Serialize();
        Random.Shared.NextBytes(datagram.AsSpan(RtpPacket.HeaderLength));
    }

    private static Socket Phone()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static NegotiatedMedia Media(IPEndPoint remote, AudioCodec codec) =>
        new(remote, new IPEndPoint(remote.Address, remote.Port + 1), codec, codec.StaticPayloadType(), 101, MediaDirection.SendRecv, MediaDirection.SendRecv);

    [Benchmark(OperationsPerInvoke = PacketsPerInvoke, Description = "ProcessRtp (one packet, incl. sendto)")]
    public void ProcessRtp()
    {
        var payloadType = (byte)caller.Codec.StaticPayloadType();
        for (var i = 0; i < PacketsPerInvoke; i++)
        {
            var now = TimeProvider.System.GetTimestamp();
            // Timestamps follow real time (8 kHz), as a phone's would, so the recorder writes every frame in place.
            var timestamp = (uint)(now * 8000 / TimeProvider.System.TimestampFrequency);
            new RtpPacket(false, payloadType, ++sequence, timestamp, 0x1234).WriteHeader(datagram);
            caller.ProcessRtp(datagram, source, now);
        }
    }

    [Benchmark(OperationsPerInvoke = PacketsPerInvoke, Description = "sendto alone (172-byte datagram, loopback)")]
    public void SendToOnly()
    {
        for (var i = 0; i < PacketsPerInvoke; i++)
        {
            callerPhone.SendTo(datagram, SocketFlags.None, agentAddress);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        recorder?.Stop();
        bridge.Dispose();
        caller.Dispose();
        agent.Dispose();
        callerPhone.Dispose();
        agentPhone.Dispose();
        engine.Dispose();
        if (recordingPath is not null)
        {
            File.Delete(recordingPath);
        }
    }
}
