using System.Text;
using Lawline.Sip.Rtp;

namespace Lawline.Sip.Tests.Rtp;

public sealed class RtcpTests
{
    [Fact]
    public void Sender_report_with_sdes_reads_back_as_a_valid_compound_packet()
    {
        var buffer = new byte[256];
        var block = new RtcpReportBlock(0x1234, 25, 7, 70000, 40, 0xAABBCCDD, 65536);
        var length = Rtcp.WriteSenderReport(buffer, 0xCAFEBABE, Rtcp.ToNtp(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            123456, 250, 40000, block, "lawline@test");

        var packets = new RtcpPacketInfo[4];
        Assert.True(Rtcp.TryReadCompound(buffer.AsSpan(0, length), packets, out var count));
        Assert.Equal(2, count);
        Assert.Equal(RtcpPacketType.SenderReport, packets[0].Type);
        Assert.Equal(1, packets[0].Count);
        Assert.Equal(0xCAFEBABE, packets[0].Ssrc);
        Assert.Equal(52, packets[0].Length);
        Assert.Equal(RtcpPacketType.SourceDescription, packets[1].Type);
        Assert.Equal(0, length % 4);
        Assert.Contains("lawline@test", Encoding.ASCII.GetString(buffer, packets[1].Offset, packets[1].Length));
        // 2026-01-01 is 3976214400 s after the NTP epoch.
        Assert.Equal(3976214400u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(8)));
    }

    [Fact]
    public void Receiver_report_and_bye_compound_is_recognised_and_garbage_is_not()
    {
        var buffer = new byte[256];
        var length = Rtcp.WriteReceiverReport(buffer, 42, null, "x");
        // Append a BYE for SSRC 42.
        byte[] bye = [0x81, 203, 0, 1, 0, 0, 0, 42];
        bye.CopyTo(buffer, length);

        var packets = new RtcpPacketInfo[4];
        Assert.True(Rtcp.TryReadCompound(buffer.AsSpan(0, length + bye.Length), packets, out var count));
        Assert.Equal([RtcpPacketType.ReceiverReport, RtcpPacketType.SourceDescription, RtcpPacketType.Bye], packets[..count].Select(p => p.Type));
        Assert.Equal(42u, packets[2].Ssrc);

        Assert.False(Rtcp.TryReadCompound(buffer.AsSpan(0, length + 3), packets, out _));
        Assert.False(Rtcp.TryReadCompound(bye, packets, out _));
    }
}
