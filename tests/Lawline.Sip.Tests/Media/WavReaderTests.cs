using System.Buffers.Binary;
using Lawline.Sip.Media;

namespace Lawline.Sip.Tests.Media;

public sealed class WavReaderTests
{
    private static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);

    [Fact]
    public void Sox_mu_law_file_with_its_58_byte_header_yields_its_data_as_20_ms_frames()
    {
        // Made with: sox -n -r 8000 -c 1 -e mu-law tone1000-ulaw.wav synth 0.5 sine 1000 gain -6
        var path = TestData("tone1000-ulaw.wav");
        var bytes = File.ReadAllBytes(path);
        Assert.Equal("fact", System.Text.Encoding.ASCII.GetString(bytes, 38, 4));
        Assert.Equal(58, bytes.Length - 4000);

        var audio = WavReader.Load(path);

        Assert.Equal(WavFormat.MuLaw, audio.SourceFormat);
        Assert.Equal(4000, audio.SampleCount);
        Assert.Equal(TimeSpan.FromMilliseconds(500), audio.Duration);
        Assert.Equal(25, audio.FrameCount);
        var frame = new byte[160];
        audio.CopyFrame(3, AudioCodec.Pcmu, frame);
        Assert.Equal(bytes.AsSpan(58 + 3 * 160, 160).ToArray(), frame);
        Assert.True(Goertzel.EnergyShare(Decode(audio.Encoded(AudioCodec.Pcma).Span, AudioCodec.Pcma), 1000) > 0.9);
    }

    [Theory]
    [InlineData("tone440-alaw.wav", WavFormat.ALaw)]
    [InlineData("tone440-pcm16.wav", WavFormat.Pcm16)]
    public void A_law_and_PCM16_files_play_as_the_same_tone(string file, WavFormat format)
    {
        var audio = WavReader.Load(TestData(file));

        Assert.Equal(format, audio.SourceFormat);
        Assert.Equal(2400, audio.SampleCount);
        var pcm = Decode(audio.Encoded(AudioCodec.Pcmu).Span, AudioCodec.Pcmu);
        Assert.True(Goertzel.EnergyShare(pcm, 440) > 0.9);
        Assert.True(Goertzel.EnergyShare(pcm, 1000) < 0.05);
    }

    [Fact]
    public void Chunks_are_walked_past_LIST_odd_sized_and_unknown_chunks_to_an_extensible_fmt()
    {
        var samples = Enumerable.Range(0, 170).Select(i => (byte)(i % 2 == 0 ? 0x10 : 0x90)).ToArray();
        var wav = Riff(
            Chunk("LIST", "INFOISFT\u0005\0\0\0sox1\0\0"u8.ToArray()),
            Chunk("odd!", [1, 2, 3]),
            Chunk("fmt ", ExtensibleFmt(subFormat: 7)),
            Chunk("fact", [170, 0, 0, 0]),
            Chunk("data", samples));

        var audio = WavReader.Read(new MemoryStream(wav));

        Assert.Equal(WavFormat.MuLaw, audio.SourceFormat);
        Assert.Equal(samples, audio.Encoded(AudioCodec.Pcmu).ToArray());
        // 170 samples are two frames; the second ends in µ-law silence.
        Assert.Equal(2, audio.FrameCount);
        var last = new byte[160];
        audio.CopyFrame(1, AudioCodec.Pcmu, last);
        Assert.Equal(samples[160..], last[..10]);
        Assert.All(last[10..], b => Assert.Equal(0xFF, b));
    }

    [Fact]
    public void Unsupported_rate_or_format_says_which()
    {
        var wideband = Riff(Chunk("fmt ", Fmt(tag: 1, channels: 1, rate: 16000, bits: 16)), Chunk("data", new byte[320]));
        var mp3 = Riff(Chunk("fmt ", Fmt(tag: 0x55, channels: 1, rate: 8000, bits: 0)), Chunk("data", new byte[10]));
        var stereo = Riff(Chunk("fmt ", Fmt(tag: 7, channels: 2, rate: 8000, bits: 8)), Chunk("data", new byte[10]));

        Assert.Contains("16000 Hz", Assert.Throws<InvalidDataException>(() => WavReader.Read(new MemoryStream(wideband))).Message);
        Assert.Contains("0x0055", Assert.Throws<InvalidDataException>(() => WavReader.Read(new MemoryStream(mp3))).Message);
        Assert.Contains("2 channel", Assert.Throws<InvalidDataException>(() => WavReader.Read(new MemoryStream(stereo))).Message);
        Assert.Throws<InvalidDataException>(() => WavReader.Read(new MemoryStream("RIFX...."u8.ToArray())));
    }

    internal static short[] Decode(ReadOnlySpan<byte> encoded, AudioCodec codec)
    {
        var pcm = new short[encoded.Length];
        G711.Decode(encoded, pcm, codec);
        return pcm;
    }

    private static byte[] Fmt(ushort tag, ushort channels, uint rate, ushort bits)
    {
        var fmt = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), channels);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), rate);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), rate * channels * (uint)Math.Max(1, bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)(channels * Math.Max(1, bits / 8)));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), bits);
        return fmt;
    }

    private static byte[] ExtensibleFmt(ushort subFormat)
    {
        var fmt = new byte[40];
        Fmt(0xFFFE, 1, 8000, 8).CopyTo(fmt, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), 8);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), 4);
        // KSDATAFORMAT_SUBTYPE_*: {0000xxxx-0000-0010-8000-00aa00389b71}
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), subFormat);
        new byte[] { 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71 }.CopyTo(fmt, 26);
        return fmt;
    }

    private static byte[] Chunk(string id, byte[] data)
    {
        var chunk = new byte[8 + data.Length + (data.Length & 1)];
        System.Text.Encoding.ASCII.GetBytes(id).CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), (uint)data.Length);
        data.CopyTo(chunk, 8);
        return chunk;
    }

    private static byte[] Riff(params byte[][] chunks)
    {
        var body = chunks.SelectMany(c => c).ToArray();
        var riff = new byte[12 + body.Length];
        "RIFF"u8.CopyTo(riff);
        BinaryPrimitives.WriteUInt32LittleEndian(riff.AsSpan(4), (uint)(4 + body.Length));
        "WAVE"u8.CopyTo(riff.AsSpan(8));
        body.CopyTo(riff, 12);
        return riff;
    }
}
