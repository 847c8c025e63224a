namespace Lawline.Sip.Media;

// The Goertzel algorithm: the energy of one frequency in a block of samples, cheaper than an FFT when
// only a few frequencies matter (tone detection, and tests asserting which tone a recording holds).
public static class Goertzel
{
    // Estimated peak amplitude (PCM16 units) of the sinusoid at frequency in the samples.
    public static double Amplitude(ReadOnlySpan<short> samples, double frequency, int sampleRate = 8000)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }
        var omega = 2 * Math.PI * frequency / sampleRate;
        var coefficient = 2 * Math.Cos(omega);
        double previous = 0, beforePrevious = 0;
        foreach (var sample in samples)
        {
            var current = sample + coefficient * previous - beforePrevious;
            beforePrevious = previous;
            previous = current;
        }
        var power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
        return 2 * Math.Sqrt(Math.Max(power, 0)) / samples.Length;
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }
        double sum = 0;
        foreach (var sample in samples)
        {
            sum += (double)sample * sample;
        }
        return Math.Sqrt(sum / samples.Length);
    }

    // Share (0..1) of the block's energy that lies at frequency: about 1 for a pure tone, about 0 for silence or another tone.
    public static double EnergyShare(ReadOnlySpan<short> samples, double frequency, int sampleRate = 8000)
    {
        var rms = Rms(samples);
        if (rms < 1)
        {
            return 0;
        }
        var amplitude = Amplitude(samples, frequency, sampleRate);
        return Math.Min(1, amplitude * amplitude / 2 / (rms * rms));
    }
}
