using System.Net;
using System.Net.Sockets;
using Lawline.Sip.Rtp;

namespace Lawline.Sip.Tests.Rtp;

public sealed class RtpPortAllocatorTests
{
    [Fact]
    public void Hands_out_bound_even_odd_pairs_until_the_range_is_exhausted_and_takes_them_back()
    {
        var allocator = new RtpPortAllocator(IPAddress.Loopback, 47100, 47103);

        using var first = allocator.Allocate();
        var second = allocator.Allocate();

        Assert.Equal(0, first.RtpPort % 2);
        Assert.Equal(first.RtpPort + 1, first.RtcpPort);
        Assert.Equal(second.RtpPort + 1, second.RtcpPort);
        Assert.NotEqual(first.RtpPort, second.RtpPort);
        // Both sockets are really bound: nobody else can take the ports.
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            Assert.Throws<SocketException>(() => probe.Bind(new IPEndPoint(IPAddress.Loopback, first.RtcpPort)));
        }
        var exhausted = Assert.Throws<InvalidOperationException>(allocator.Allocate);
        Assert.Contains("47100-47103", exhausted.Message);

        var freed = second.RtpPort;
        second.Dispose();
        Assert.Equal(1, allocator.InUse);
        using var third = allocator.Allocate();
        Assert.Equal(freed, third.RtpPort);
    }

    [Fact]
    public void Ports_taken_by_another_program_are_skipped()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 47121));
        var allocator = new RtpPortAllocator(IPAddress.Loopback, 47120, 47123);

        using var pair = allocator.Allocate();

        Assert.Equal(47122, pair.RtpPort);
    }
}
