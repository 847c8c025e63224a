using System.Buffers.Binary;
using System.Text;

namespace Lawline.Sip.Rtp;

// RFC 3550 §6.4.1: the RTCP packet types we read or write.
public enum RtcpPacketType : byte
{
    SenderReport = 200,
    ReceiverReport = 201,
    SourceDescription = 202,
    Bye = 203,
    Application = 204,
}

// One packet inside a compound RTCP datagram. Offset/Length address the whole packet, header included.
public readonly record struct RtcpPacketInfo(RtcpPacketType Type, int Count, uint Ssrc, int Offset, int Length);

// A reception report block (RFC 3550 §6.4.1), as we send it about the peer's stream.
public readonly record struct RtcpReportBlock(uint Ssrc, byte FractionLost, int CumulativeLost, uint ExtendedHighestSequence, uint Jitter,
    uint LastSenderReport, uint DelaySinceLastSenderReport);

public static class Rtcp
{
    // Walks a compound packet; false if it is not valid RTCP (RFC 3550 §A.2: version 2, first packet SR or RR,
    // lengths adding up to the datagram). The callback sees every packet, including types it may not know.
    public static bool TryReadCompound(ReadOnlySpan<byte> datagram, Span<RtcpPacketInfo> packets, out int count)
    {
        count = 0;
        if (datagram.Length < 8 || (datagram[1] != (byte)RtcpPacketType.SenderReport && datagram[1] != (byte)RtcpPacketType.ReceiverReport))
        {
            return false;
        }
        var offset = 0;
        while (offset < datagram.Length)
        {
            if (datagram.Length - offset < 4 || datagram[offset] >> 6 != 2)
            {
                return false;
            }
            var length = (BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]) + 1) * 4;
            if (offset + length > datagram.Length)
            {
                return false;
            }
            var ssrc = length >= 8 ? BinaryPrimitives.ReadUInt32BigEndian(datagram[(offset + 4)..]) : 0;
            if (count < packets.Length)
            {
                packets[count] = new RtcpPacketInfo((RtcpPacketType)datagram[offset + 1], datagram[offset] & 0x1F, ssrc, offset, length);
            }
            count++;
            offset += length;
        }
        return true;
    }

    // The middle 32 bits of the sender report's NTP timestamp: echoed as LSR (RFC 3550 §6.4.1).
    public static uint SenderReportNtpMiddle(ReadOnlySpan<byte> senderReport) =>
        senderReport.Length >= 16 ? BinaryPrimitives.ReadUInt32BigEndian(senderReport[10..]) : 0;

    public static ulong ToNtp(DateTimeOffset time)
    {
        // NTP epoch 1900-01-01; 32.32 fixed point seconds.
        var sinceEpoch = time - new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var seconds = (ulong)sinceEpoch.Ticks / TimeSpan.TicksPerSecond;
        var fraction = (ulong)(sinceEpoch.Ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }

    // SR (RFC 3550 §6.4.1) with at most one report block, followed by SDES with our CNAME (§6.5, required in
    // every compound packet). Returns the number of bytes written; destination needs 28 + 24 + 10 + cname bytes.
    public static int WriteSenderReport(Span<byte> destination, uint ssrc, ulong ntp, uint rtpTimestamp, uint packetCount, uint octetCount,
        RtcpReportBlock? block, string cname)
    {
        var blocks = block is null ? 0 : 1;
        var length = 28 + blocks * 24;
        destination[0] = (byte)(0x80 | blocks);
        destination[1] = (byte)RtcpPacketType.SenderReport;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(length / 4 - 1));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], ntp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], packetCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], octetCount);
        if (block is { } b)
        {
            WriteBlock(destination[28..], b);
        }
        return length + WriteSdes(destination[length..], ssrc, cname);
    }

    public static int WriteReceiverReport(Span<byte> destination, uint ssrc, RtcpReportBlock? block, string cname)
    {
        var blocks = block is null ? 0 : 1;
        var length = 8 + blocks * 24;
        destination[0] = (byte)(0x80 | blocks);
        destination[1] = (byte)RtcpPacketType.ReceiverReport;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(length / 4 - 1));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        if (block is { } b)
        {
            WriteBlock(destination[8..], b);
        }
        return length + WriteSdes(destination[length..], ssrc, cname);
    }

    private static void WriteBlock(Span<byte> destination, RtcpReportBlock block)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, block.Ssrc);
        // Fraction lost (8 bits) and cumulative lost (signed 24 bits, clamped).
        var cumulative = Math.Clamp(block.CumulativeLost, -0x800000, 0x7FFFFF) & 0xFFFFFF;
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ((uint)block.FractionLost << 24) | (uint)cumulative);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], block.ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], block.Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], block.LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], block.DelaySinceLastSenderReport);
    }

    private static int WriteSdes(Span<byte> destination, uint ssrc, string cname)
    {
        // One chunk: SSRC, CNAME item (type 1, length, text), END item, padded to a 32-bit boundary (§6.5).
        var nameLength = Math.Min(Encoding.UTF8.GetByteCount(cname), 255);
        var chunk = 4 + 2 + nameLength + 1;
        var padded = (chunk + 3) & ~3;
        var length = 4 + padded;
        destination[0] = 0x81;
        destination[1] = (byte)RtcpPacketType.SourceDescription;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(length / 4 - 1));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        destination[8] = 1;
        destination[9] = (byte)nameLength;
        Encoding.UTF8.GetBytes(cname.AsSpan(), destination.Slice(10, nameLength));
        destination[(10 + nameLength)..length].Clear();
        return length;
    }
}
