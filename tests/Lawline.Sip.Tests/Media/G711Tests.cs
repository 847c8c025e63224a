using Lawline.Sip.Media;

namespace Lawline.Sip.Tests.Media;

public sealed class G711Tests
{
    [Theory]
    // ITU-T G.711 reference values (Sun g711.c): silence, the extremes and a mid-range code.
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]
    [InlineData(0x80, 32124)]
    [InlineData(0x00, -32124)]
    [InlineData(0xF0, 120)]
    [InlineData(0xAF, 4092)]
    [InlineData(0x9F, 8316)]
    public void MuLaw_decodes_to_the_reference_values(int code, int linear)
    {
        Assert.Equal(linear, G711.MuLawToLinear((byte)code));
    }

    [Theory]
    [InlineData(0xD5, 8)]
    [InlineData(0x55, -8)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x2A, -32256)]
    public void ALaw_decodes_to_the_reference_values(int code, int linear)
    {
        Assert.Equal(linear, G711.ALawToLinear((byte)code));
    }

    [Fact]
    public void Silence_encodes_to_the_silence_codes()
    {
        Assert.Equal(0xFF, G711.LinearToMuLaw(0));
        Assert.Equal(0xD5, G711.LinearToALaw(0));
        Assert.Equal(AudioCodec.Pcmu.SilenceByte(), G711.LinearToMuLaw(0));
        Assert.Equal(AudioCodec.Pcma.SilenceByte(), G711.LinearToALaw(0));
    }

    [Fact]
    public void Every_code_survives_decode_then_encode()
    {
        for (var code = 0; code < 256; code++)
        {
            // µ-law has two zeros (0x7F and 0xFF); both come back as 0xFF.
            var expectedMu = code == 0x7F ? 0xFF : code;
            Assert.Equal(expectedMu, G711.LinearToMuLaw(G711.MuLawToLinear((byte)code)));
            Assert.Equal(code, G711.LinearToALaw(G711.ALawToLinear((byte)code)));
        }
    }

    [Fact]
    public void Round_trip_error_stays_within_half_a_quantisation_step()
    {
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            var sample = (short)x;
            var magnitude = Math.Abs(x);
            // Steps double per segment: 8/16 near zero, 1024 near full scale; the clip at 32635 adds a little at the top.
            var bound = Math.Max(16, magnitude / 16) + (magnitude > 32000 ? 700 : 0);
            Assert.InRange(G711.MuLawToLinear(G711.LinearToMuLaw(sample)) - x, -bound, bound);
            Assert.InRange(G711.ALawToLinear(G711.LinearToALaw(sample)) - x, -bound, bound);
        }
    }

    [Fact]
    public void Transcoding_between_laws_keeps_the_signal()
    {
        var tone = new ToneGenerator(1000, amplitude: 12000, duration: TimeSpan.FromMilliseconds(200));
        var muLaw = new byte[1600];
        for (var i = 0; i < 10; i++)
        {
            Assert.True(tone.TryReadFrame(muLaw.AsSpan(i * 160, 160), AudioCodec.Pcmu));
        }
        var aLaw = muLaw.ToArray();
        G711.Transcode(aLaw, AudioCodec.Pcmu, AudioCodec.Pcma);
        var pcm = new short[1600];
        G711.Decode(aLaw, pcm, AudioCodec.Pcma);

        Assert.True(Goertzel.EnergyShare(pcm, 1000) > 0.95);
        Assert.InRange(Goertzel.Amplitude(pcm, 1000), 11000, 13000);
        for (var i = 0; i < muLaw.Length; i++)
        {
            var before = G711.MuLawToLinear(muLaw[i]);
            Assert.InRange(pcm[i] - before, -Math.Max(64, Math.Abs((int)before) / 8), Math.Max(64, Math.Abs((int)before) / 8));
        }
    }
}
