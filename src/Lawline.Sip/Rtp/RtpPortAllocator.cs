using System.Net;
using System.Net.Sockets;

namespace Lawline.Sip.Rtp;

// An RTP socket on an even port and its RTCP socket on the next (odd) port (RFC 3550 §11), both bound.
public sealed class RtpPortPair : IDisposable
{
    private readonly RtpPortAllocator? _owner;
    private int _disposed;

    internal RtpPortPair(Socket rtp, Socket rtcp, RtpPortAllocator? owner)
    {
        Rtp = rtp;
        Rtcp = rtcp;
        _owner = owner;
        LocalAddress = ((IPEndPoint)rtp.LocalEndPoint!).Address;
        RtpPort = ((IPEndPoint)rtp.LocalEndPoint!).Port;
        RtcpPort = ((IPEndPoint)rtcp.LocalEndPoint!).Port;
    }

    public Socket Rtp { get; }
    public Socket Rtcp { get; }
    public IPAddress LocalAddress { get; }
    public int RtpPort { get; }
    public int RtcpPort { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        Rtp.Dispose();
        Rtcp.Dispose();
        _owner?.Release(RtpPort);
    }
}

// Hands out RTP/RTCP port pairs from a configured range. It walks the range round-robin rather than
// reusing the lowest free pair, so a port just released is not handed out again at once: late packets of
// the finished call would otherwise land in the next one. Ports taken by other programs are skipped.
public sealed class RtpPortAllocator
{
    private readonly Lock _gate = new();
    private readonly bool[] _inUse;
    private readonly int _firstPort;
    private int _next;
    private int _used;

    public RtpPortAllocator(IPAddress bindAddress, int minPort, int maxPort)
    {
        ArgumentNullException.ThrowIfNull(bindAddress);
        _firstPort = minPort % 2 == 0 ? minPort : minPort + 1;
        var pairs = (maxPort - _firstPort + 1) / 2;
        if (minPort < 1024 || maxPort > 65535 || pairs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minPort), $"RTP port range {minPort}-{maxPort} holds no even/odd pair within 1024-65535");
        }
        BindAddress = bindAddress;
        MinPort = minPort;
        MaxPort = maxPort;
        _inUse = new bool[pairs];
    }

    public IPAddress BindAddress { get; }
    public int MinPort { get; }
    public int MaxPort { get; }

    public int InUse
    {
        get
        {
            lock (_gate)
            {
                return _used;
            }
        }
    }

    public RtpPortPair Allocate()
    {
        lock (_gate)
        {
            for (var tried = 0; tried < _inUse.Length; tried++)
            {
                var index = (_next + tried) % _inUse.Length;
                if (_inUse[index])
                {
                    continue;
                }
                var port = _firstPort + index * 2;
                if (TryBind(port) is { } pair)
                {
                    _inUse[index] = true;
                    _used++;
                    _next = (index + 1) % _inUse.Length;
                    return pair;
                }
            }
            throw new InvalidOperationException(
                $"No free RTP port pair in {MinPort}-{MaxPort} on {BindAddress}: {_used} of {_inUse.Length} pairs are in use by calls, the rest by other programs.");
        }
    }

    internal void Release(int rtpPort)
    {
        lock (_gate)
        {
            var index = (rtpPort - _firstPort) / 2;
            if (index >= 0 && index < _inUse.Length && _inUse[index])
            {
                _inUse[index] = false;
                _used--;
            }
        }
    }

    private RtpPortPair? TryBind(int port)
    {
        Socket? rtp = null;
        Socket? rtcp = null;
        try
        {
            rtp = new Socket(BindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            rtp.Bind(new IPEndPoint(BindAddress, port));
            rtcp = new Socket(BindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            rtcp.Bind(new IPEndPoint(BindAddress, port + 1));
            return new RtpPortPair(rtp, rtcp, this);
        }
        catch (SocketException)
        {
            rtp?.Dispose();
            rtcp?.Dispose();
            return null;
        }
    }
}
