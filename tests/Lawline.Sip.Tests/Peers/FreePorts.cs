using System.Net;
using System.Net.Sockets;

namespace Lawline.Sip.Tests.Peers;

/// <summary>
/// Free ports on 127.0.0.1 for peers. Each port is probed by binding it and then released, so another
/// process can still take it before the peer binds: the process-wide set only stops two tests in this
/// process from being handed the same port.
/// </summary>
internal static class FreePorts
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Handed = [];
    private static int nextBlock = 20000 + Random.Shared.Next(0, 500) * 10;

    /// <summary>A free UDP port (chosen by the kernel from the ephemeral range).</summary>
    public static int Udp()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
                if (Handed.Add(port))
                {
                    return port;
                }
            }
            throw new InvalidOperationException("No free UDP port found on 127.0.0.1.");
        }
    }

    /// <summary>A free TCP port (kernel-chosen), e.g. for baresip's ctrl_tcp.</summary>
    public static int Tcp()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
                if (Handed.Add(port))
                {
                    return port;
                }
            }
            throw new InvalidOperationException("No free TCP port found on 127.0.0.1.");
        }
    }

    /// <summary>
    /// A SIP port for baresip: it listens on UDP and TCP at the port and on TLS (TCP) at port + 1,
    /// so all three must be free or it fails with "Address already in use".
    /// </summary>
    public static int SipForBaresip()
    {
        lock (Gate)
        {
            return TakeBlock(2, udpAndTcp: true);
        }
    }

    /// <summary>A free even RTP port; the port above it (RTCP) is free too.</summary>
    public static (int Rtp, int Rtcp) RtpPair()
    {
        lock (Gate)
        {
            var rtp = TakeBlock(2, udpAndTcp: false);
            return (rtp, rtp + 1);
        }
    }

    /// <summary>A block of <paramref name="count"/> consecutive free UDP ports starting on an even port, for RTP port ranges.</summary>
    public static int UdpBlock(int count)
    {
        lock (Gate)
        {
            return TakeBlock(count, udpAndTcp: false);
        }
    }

    // Blocks come from 20000–29999, below the kernel's ephemeral range, so the random ports that
    // peers bind for themselves (baresip's and sipp's auxiliary sockets) rarely land in them.
    private static int TakeBlock(int count, bool udpAndTcp)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var start = nextBlock;
            nextBlock += (count + 1) & ~1;
            if (nextBlock + count > 30000)
            {
                nextBlock = 20000;
            }
            var ports = Enumerable.Range(start, count).ToList();
            if (ports.Any(Handed.Contains) || !ports.All(p => CanBind(p, udpAndTcp)))
            {
                continue;
            }
            foreach (var port in ports)
            {
                Handed.Add(port);
            }
            return start;
        }
        throw new InvalidOperationException($"No block of {count} free ports found on 127.0.0.1.");
    }

    private static bool CanBind(int port, bool udpAndTcp)
    {
        try
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            if (udpAndTcp)
            {
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            }
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
