using Lawline.Sip.Media;

namespace Lawline.Sip.Tests.Media;

public sealed class ToneGeneratorTests
{
    [Fact]
    public void Frames_join_without_a_phase_jump()
    {
        var tone = new ToneGenerator(440, amplitude: 10000);
        var pcm = new short[160 * 10];
        for (var i = 0; i < 10; i++)
        {
            Assert.True(tone.TryRead(pcm.AsSpan(i * 160, 160)));
        }

        Assert.True(Goertzel.EnergyShare(pcm, 440) > 0.98);
        // The largest step between neighbouring samples of a 440 Hz sine of amplitude A is about A * 2π * 440 / 8000.
        var maxStep = 10000 * 2 * Math.PI * 440 / 8000 + 2;
        for (var i = 1; i < pcm.Length; i++)
        {
            Assert.InRange(Math.Abs(pcm[i] - pcm[i - 1]), 0, maxStep);
        }
    }

    [Fact]
    public void Ringback_is_450_Hz_one_second_on_four_off()
    {
        var ringback = ToneGenerator.Ringback(duration: TimeSpan.FromSeconds(5));
        var frames = new List<short[]>();
        var block = new short[160];
        while (ringback.TryRead(block))
        {
            frames.Add(block.ToArray());
        }

        Assert.Equal(250, frames.Count);
        Assert.All(frames.Take(50), f => Assert.True(Goertzel.EnergyShare(f, 450) > 0.9));
        Assert.All(frames.Skip(50), f => Assert.Equal(0, Goertzel.Rms(f)));
    }

    [Fact]
    public void Dtmf_five_holds_770_and_1336_Hz()
    {
        var pcm = new short[800];
        Assert.True(ToneGenerator.Dtmf('5', TimeSpan.FromMilliseconds(100)).TryRead(pcm));

        Assert.InRange(Goertzel.Amplitude(pcm, 770), 3500, 4500);
        Assert.InRange(Goertzel.Amplitude(pcm, 1336), 3500, 4500);
        Assert.True(Goertzel.Amplitude(pcm, 697) < 800);
        Assert.True(Goertzel.Amplitude(pcm, 1209) < 800);
    }
}
