using Lawline.Sip.Rtp;

namespace Lawline.Sip.Tests.Rtp;

public sealed class RtpPacketTests
{
    [Fact]
    public void Header_round_trips_through_write_and_parse()
    {
        var buffer = new byte[172];
        var header = new RtpPacket(true, 8, 65535, 0xFFFFFF00, 0xDEADBEEF);
        var length = header.WriteHeader(buffer);

        Assert.True(RtpPacket.TryParse(buffer, out var parsed));
        Assert.Equal(12, length);
        Assert.True(parsed.Marker);
        Assert.Equal(8, parsed.PayloadType);
        Assert.Equal(65535, parsed.SequenceNumber);
        Assert.Equal(0xFFFFFF00, parsed.Timestamp);
        Assert.Equal(0xDEADBEEF, parsed.Ssrc);
        Assert.Equal(12, parsed.PayloadOffset);
        Assert.Equal(160, parsed.PayloadLength);
    }

    [Fact]
    public void Csrcs_extension_and_padding_are_skipped_to_find_the_payload()
    {
        // V=2 P=1 X=1 CC=2, PT 0; 2 CSRCs; extension of one word; payload 4 bytes; 3 bytes of padding.
        byte[] packet =
        [
            0xB2, 0x00, 0x00, 0x01, 0, 0, 0, 160, 1, 2, 3, 4,
            9, 9, 9, 9, 8, 8, 8, 8,
            0xBE, 0xDE, 0x00, 0x01, 7, 7, 7, 7,
            0xAA, 0xBB, 0xCC, 0xDD,
            0, 0, 3,
        ];

        Assert.True(RtpPacket.TryParse(packet, out var parsed));
        Assert.Equal(2, parsed.CsrcCount);
        Assert.True(parsed.HasExtension);
        Assert.True(parsed.HasPadding);
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC, 0xDD }, parsed.Payload((ReadOnlySpan<byte>)packet).ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x00, 0, 1 })]                                     // too short
    [InlineData(new byte[] { 0x40, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 })]             // version 1
    [InlineData(new byte[] { 0x80, 0xC8, 0, 6, 0, 0, 0, 0, 0, 0, 0, 1 })]             // RTCP SR on the RTP port (RFC 5761)
    [InlineData(new byte[] { 0x8F, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 })]             // 15 CSRCs announced, none present
    [InlineData(new byte[] { 0xA0, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0x40 })] // padding longer than the packet
    public void Invalid_packets_are_refused(byte[] datagram)
    {
        Assert.False(RtpPacket.TryParse(datagram, out _));
    }
}
