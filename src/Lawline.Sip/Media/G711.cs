using System.Numerics;

namespace Lawline.Sip.Media;

// ITU-T G.711 µ-law and A-law, in the classic form of the Sun/CCITT reference code (g711.c):
// decoding is a 256-entry table, encoding a few shifts with the segment found by a leading-zero count.
public static class G711
{
    public const int SamplesPerFrame = 160;

    private const int MuLawBias = 0x84;
    private const int Clip = 32635;

    private static readonly short[] MuLawDecodeTable = BuildMuLawDecode();
    private static readonly short[] ALawDecodeTable = BuildALawDecode();
    private static readonly byte[] MuLawToALawTable = BuildTranscode(MuLawDecodeTable, LinearToALaw);
    private static readonly byte[] ALawToMuLawTable = BuildTranscode(ALawDecodeTable, LinearToMuLaw);

    public static short MuLawToLinear(byte code) => MuLawDecodeTable[code];

    public static short ALawToLinear(byte code) => ALawDecodeTable[code];

    public static byte LinearToMuLaw(short pcm)
    {
        int sample = pcm;
        var sign = (sample >> 8) & 0x80;
        if (sign != 0)
        {
            sample = -sample;
        }
        if (sample > Clip)
        {
            sample = Clip;
        }
        sample += MuLawBias;
        // Segment = position of the highest set bit above bit 7 (sample >= 0x84, so sample >> 7 >= 1).
        var exponent = 31 - BitOperations.LeadingZeroCount((uint)(sample >> 7));
        var mantissa = (sample >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    public static byte LinearToALaw(short pcm)
    {
        int sample = pcm;
        // A-law's sign bit is 1 for positive values; even bits are inverted on the wire (XOR 0x55).
        var sign = ((~sample) >> 8) & 0x80;
        if (sign == 0)
        {
            sample = -sample;
        }
        if (sample > Clip)
        {
            sample = Clip;
        }
        int compressed;
        if (sample >= 256)
        {
            var exponent = 32 - BitOperations.LeadingZeroCount((uint)(sample >> 8));
            var mantissa = (sample >> (exponent + 3)) & 0x0F;
            compressed = (exponent << 4) | mantissa;
        }
        else
        {
            compressed = sample >> 4;
        }
        return (byte)(compressed ^ (sign ^ 0x55));
    }

    public static short ToLinear(byte code, AudioCodec codec) => codec == AudioCodec.Pcma ? ALawDecodeTable[code] : MuLawDecodeTable[code];

    public static byte FromLinear(short pcm, AudioCodec codec) => codec == AudioCodec.Pcma ? LinearToALaw(pcm) : LinearToMuLaw(pcm);

    public static void Decode(ReadOnlySpan<byte> encoded, Span<short> pcm, AudioCodec codec)
    {
        var table = codec == AudioCodec.Pcma ? ALawDecodeTable : MuLawDecodeTable;
        var count = Math.Min(encoded.Length, pcm.Length);
        for (var i = 0; i < count; i++)
        {
            pcm[i] = table[encoded[i]];
        }
    }

    public static void Encode(ReadOnlySpan<short> pcm, Span<byte> encoded, AudioCodec codec)
    {
        var count = Math.Min(encoded.Length, pcm.Length);
        if (codec == AudioCodec.Pcma)
        {
            for (var i = 0; i < count; i++)
            {
                encoded[i] = LinearToALaw(pcm[i]);
            }
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                encoded[i] = LinearToMuLaw(pcm[i]);
            }
        }
    }

    // In place: the two legs of a bridge negotiated different laws. Table lookups, no detour through PCM buffers.
    public static void Transcode(Span<byte> payload, AudioCodec from, AudioCodec to)
    {
        if (from == to)
        {
            return;
        }
        var table = from == AudioCodec.Pcmu ? MuLawToALawTable : ALawToMuLawTable;
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = table[payload[i]];
        }
    }

    public static void Transcode(ReadOnlySpan<byte> source, Span<byte> destination, AudioCodec from, AudioCodec to)
    {
        if (from == to)
        {
            source.CopyTo(destination);
            return;
        }
        var table = from == AudioCodec.Pcmu ? MuLawToALawTable : ALawToMuLawTable;
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = table[source[i]];
        }
    }

    internal static short[] DecodeTable(AudioCodec codec) => codec == AudioCodec.Pcma ? ALawDecodeTable : MuLawDecodeTable;

    private static short[] BuildMuLawDecode()
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            var code = ~i & 0xFF;
            var sign = code & 0x80;
            var exponent = (code >> 4) & 0x07;
            var mantissa = code & 0x0F;
            var sample = (((mantissa << 3) + MuLawBias) << exponent) - MuLawBias;
            table[i] = (short)(sign != 0 ? -sample : sample);
        }
        return table;
    }

    private static short[] BuildALawDecode()
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            var code = i ^ 0x55;
            var exponent = (code >> 4) & 0x07;
            var mantissa = code & 0x0F;
            var sample = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
            table[i] = (short)((code & 0x80) != 0 ? sample : -sample);
        }
        return table;
    }

    private static byte[] BuildTranscode(short[] decode, Func<short, byte> encode)
    {
        var table = new byte[256];
        for (var i = 0; i < 256; i++)
        {
            table[i] = encode(decode[i]);
        }
        return table;
    }
}
