using System.Net;
using System.Net.Sockets;
using Lawline.Sip.Media;
using Lawline.Sip.Rtp;
using Lawline.Sip.Sdp;

namespace Lawline.Sip.Tests.Rtp;

// A plain UDP socket on loopback standing in for a phone's RTP port.
internal sealed class TestPhone : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public TestPhone()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public void Send(RtpEndpoint to, byte payloadType, ushort sequence, uint timestamp, uint ssrc, ReadOnlySpan<byte> payload, bool marker = false)
    {
        var datagram = new byte[12 + payload.Length];
        new RtpPacket(marker, payloadType, sequence, timestamp, ssrc).WriteHeader(datagram);
        payload.CopyTo(datagram.AsSpan(12));
        _socket.SendTo(datagram, new IPEndPoint(IPAddress.Loopback, to.LocalRtpPort));
    }

    public async Task<(RtpPacket Header, byte[] Payload, IPEndPoint From)> ReceiveAsync(int timeoutMs = 3000)
    {
        var buffer = new byte[2048];
        using var timeout = new CancellationTokenSource(timeoutMs);
        var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, result.ReceivedBytes), out var header), "not an RTP packet");
        return (header, header.Payload(buffer.AsSpan(0, result.ReceivedBytes)).ToArray(), (IPEndPoint)result.RemoteEndPoint);
    }

    public void Dispose() => _socket.Dispose();

    public static NegotiatedMedia Media(IPEndPoint remote, AudioCodec codec, int? eventType, MediaDirection remoteDirection = MediaDirection.SendRecv) =>
        new(remote, new IPEndPoint(remote.Address, remote.Port + 1), codec, codec.StaticPayloadType(), eventType, MediaDirection.SendRecv, remoteDirection);

    public static byte[] ToneFrame(ToneGenerator tone, AudioCodec codec)
    {
        var frame = new byte[160];
        Assert.True(tone.TryReadFrame(frame, codec));
        return frame;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 3000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, "timed out waiting for the endpoint");
            await Task.Delay(5);
        }
    }
}
