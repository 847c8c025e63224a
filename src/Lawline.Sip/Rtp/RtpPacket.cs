using System.Buffers.Binary;

namespace Lawline.Sip.Rtp;

// The fixed RTP header (RFC 3550 §5.1) read from or written to a span; the payload stays in the caller's
// buffer and is addressed by offset and length, so parsing allocates nothing.
public readonly record struct RtpPacket(
    bool Marker,
    byte PayloadType,
    ushort SequenceNumber,
    uint Timestamp,
    uint Ssrc,
    int PayloadOffset = 12,
    int PayloadLength = 0,
    int CsrcCount = 0,
    bool HasExtension = false,
    bool HasPadding = false)
{
    public const int HeaderLength = 12;

    public static bool TryParse(ReadOnlySpan<byte> datagram, out RtpPacket packet)
    {
        packet = default;
        if (datagram.Length < HeaderLength)
        {
            return false;
        }
        var first = datagram[0];
        // RFC 3550 §5.1: version 2. RFC 5761 §4: payload types 72-76 with the marker set are RTCP SR/RR/SDES/BYE/APP.
        if (first >> 6 != 2)
        {
            return false;
        }
        var second = datagram[1];
        var payloadType = (byte)(second & 0x7F);
        if (payloadType is >= 72 and <= 76)
        {
            return false;
        }
        var csrcCount = first & 0x0F;
        var offset = HeaderLength + csrcCount * 4;
        var hasExtension = (first & 0x10) != 0;
        if (hasExtension)
        {
            // RFC 3550 §5.3.1: 16-bit profile id, 16-bit length in 32-bit words, then the extension.
            if (datagram.Length < offset + 4)
            {
                return false;
            }
            offset += 4 + BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]) * 4;
        }
        var end = datagram.Length;
        var hasPadding = (first & 0x20) != 0;
        if (hasPadding)
        {
            // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
            var padding = datagram[^1];
            if (padding == 0)
            {
                return false;
            }
            end -= padding;
        }
        if (offset > end)
        {
            return false;
        }
        packet = new RtpPacket(
            (second & 0x80) != 0,
            payloadType,
            BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(datagram[8..]),
            offset,
            end - offset,
            csrcCount,
            hasExtension,
            hasPadding);
        return true;
    }

    public ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> datagram) => datagram.Slice(PayloadOffset, PayloadLength);

    public Span<byte> Payload(Span<byte> datagram) => datagram.Slice(PayloadOffset, PayloadLength);

    // Writes a 12-byte header without CSRCs, extension or padding; returns the header length.
    public int WriteHeader(Span<byte> destination)
    {
        destination[0] = 0x80;
        destination[1] = (byte)((Marker ? 0x80 : 0) | (PayloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Ssrc);
        return HeaderLength;
    }

    // In-place rewrite of the fields a relay changes; CSRCs, extension and padding stay as they were.
    public static void Rewrite(Span<byte> datagram, bool marker, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc)
    {
        datagram[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(datagram[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(datagram[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(datagram[8..], ssrc);
    }
}
