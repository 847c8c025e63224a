using System.Buffers.Binary;
using System.Text;

namespace Lawline.Sip.Tests.Peers;

/// <summary>Decoded audio: one array of samples (scaled to 16-bit range) per channel.</summary>
internal sealed record WavAudio(int SampleRate, IReadOnlyList<short[]> Channels)
{
    public TimeSpan Duration => TimeSpan.FromSeconds(Channels.Count == 0 ? 0 : (double)Channels[0].Length / SampleRate);
}

/// <summary>
/// Just enough WAV reading and tone detection for tests to assert what a peer heard.
/// Deliberately independent of the engine's own WAV code, so that one can't hide a bug in the other.
/// </summary>
internal static class WavAnalysis
{
    private const int FormatPcm = 1;
    private const int FormatALaw = 6;
    private const int FormatMuLaw = 7;
    private const int FormatExtensible = 0xFFFE;

    public static async Task<WavAudio> ReadAsync(string path) => Parse(await File.ReadAllBytesAsync(path), path);

    /// <summary>
    /// Walks the RIFF chunks (sox's G.711 files have an 18-byte fmt chunk and a fact chunk; a recorder
    /// killed mid-call may leave the data size at 0 or too large, so the data runs to the end of the file).
    /// </summary>
    public static WavAudio Parse(ReadOnlySpan<byte> bytes, string name = "WAV")
    {
        if (bytes.Length < 12 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException($"{name} is not a RIFF/WAVE file ({bytes.Length} bytes).");
        }
        int? format = null, channels = null, sampleRate = null, bits = null;
        var offset = 12;
        while (offset + 8 <= bytes.Length)
        {
            var id = Encoding.ASCII.GetString(bytes.Slice(offset, 4));
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(offset + 4)..]);
            var body = offset + 8;
            if (id == "fmt ")
            {
                format = BinaryPrimitives.ReadUInt16LittleEndian(bytes[body..]);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(body + 2)..]);
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(bytes[(body + 4)..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(body + 14)..]);
                if (format == FormatExtensible && size >= 26)
                {
                    format = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(body + 24)..]);
                }
            }
            else if (id == "data")
            {
                if (format is null || channels is null || sampleRate is null || bits is null)
                {
                    throw new InvalidDataException($"{name}: data chunk before fmt chunk.");
                }
                var available = bytes.Length - body;
                var length = size == 0 || size > available ? available : (int)size;
                return Decode(bytes.Slice(body, length), format.Value, channels.Value, sampleRate.Value, bits.Value, name);
            }
            offset = body + (int)Math.Min(size + (size & 1), int.MaxValue - body);
        }
        throw new InvalidDataException($"{name} has no data chunk.");
    }

    /// <summary>
    /// The share of a channel's energy that lies at <paramref name="hertz"/>: about 1 for a pure tone at
    /// that frequency, about 0 for silence or other frequencies. Goertzel over 20 ms blocks (50 Hz bins),
    /// summed, so gaps and phase jumps from jitter buffers don't smear the result.
    /// </summary>
    public static double ToneShare(WavAudio audio, double hertz, int channel = 0)
    {
        var samples = audio.Channels[channel];
        var block = audio.SampleRate / 50;
        double tone = 0, total = 0;
        var coefficient = 2 * Math.Cos(2 * Math.PI * hertz / audio.SampleRate);
        for (var start = 0; start + block <= samples.Length; start += block)
        {
            double s1 = 0, s2 = 0, energy = 0;
            for (var i = start; i < start + block; i++)
            {
                double x = samples[i];
                var s0 = x + coefficient * s1 - s2;
                s2 = s1;
                s1 = s0;
                energy += x * x;
            }
            tone += s1 * s1 + s2 * s2 - coefficient * s1 * s2;
            // A full-scale sine of amplitude A gives |X|² = (A·N/2)² and energy N·A²/2: scale so their ratio is 1.
            total += energy * block / 2;
        }
        return total == 0 ? 0 : tone / total;
    }

    /// <summary>How long a channel holds sound above <paramref name="thresholdDbfs"/> (RMS over 20 ms blocks).</summary>
    public static TimeSpan AudibleDuration(WavAudio audio, int channel = 0, double thresholdDbfs = -40)
    {
        var samples = audio.Channels[channel];
        var block = audio.SampleRate / 50;
        var threshold = 32768 * Math.Pow(10, thresholdDbfs / 20);
        var audible = 0;
        for (var start = 0; start + block <= samples.Length; start += block)
        {
            double energy = 0;
            for (var i = start; i < start + block; i++)
            {
                energy += (double)samples[i] * samples[i];
            }
            if (Math.Sqrt(energy / block) >= threshold)
            {
                audible++;
            }
        }
        return TimeSpan.FromMilliseconds(audible * 20);
    }

    /// <summary>A one-line description for assertion messages: duration, audible time and the share at each frequency.</summary>
    public static string Describe(WavAudio audio, params double[] frequencies)
    {
        var parts = Enumerable.Range(0, audio.Channels.Count).Select(channel =>
            $"ch{channel}: audible {AudibleDuration(audio, channel).TotalSeconds:0.0}s, " +
            string.Join(", ", frequencies.Select(f => $"{f:0} Hz {ToneShare(audio, f, channel):0.00}")));
        return $"{audio.Duration.TotalSeconds:0.0}s @ {audio.SampleRate} Hz; {string.Join("; ", parts)}";
    }

    private static WavAudio Decode(ReadOnlySpan<byte> data, int format, int channels, int sampleRate, int bits, string name)
    {
        var bytesPerSample = format switch
        {
            FormatPcm when bits == 16 => 2,
            FormatALaw or FormatMuLaw when bits == 8 => 1,
            _ => throw new NotSupportedException($"{name}: WAV format {format} with {bits} bits is not supported (PCM16, A-law, µ-law are)."),
        };
        var frames = data.Length / (bytesPerSample * channels);
        var result = Enumerable.Range(0, channels).Select(_ => new short[frames]).ToArray();
        for (var frame = 0; frame < frames; frame++)
        {
            for (var channel = 0; channel < channels; channel++)
            {
                var at = (frame * channels + channel) * bytesPerSample;
                result[channel][frame] = format switch
                {
                    FormatPcm => BinaryPrimitives.ReadInt16LittleEndian(data[at..]),
                    FormatMuLaw => MuLawToLinear(data[at]),
                    _ => ALawToLinear(data[at]),
                };
            }
        }
        return new WavAudio(sampleRate, result);
    }

    // ITU-T G.711 expansion.
    private static short MuLawToLinear(byte value)
    {
        var u = ~value & 0xFF;
        var magnitude = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4);
        return (short)((u & 0x80) != 0 ? 0x84 - magnitude : magnitude - 0x84);
    }

    private static short ALawToLinear(byte value)
    {
        var a = value ^ 0x55;
        var exponent = (a & 0x70) >> 4;
        var magnitude = ((a & 0x0F) << 4) + 8;
        if (exponent != 0)
        {
            magnitude = (magnitude + 0x100) << (exponent - 1);
        }
        return (short)((a & 0x80) != 0 ? magnitude : -magnitude);
    }
}
