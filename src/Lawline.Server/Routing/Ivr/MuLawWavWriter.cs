using System.Buffers.Binary;
using Lawline.Sip.Media;

namespace Lawline.Server.Routing.Ivr;

/// <summary>Writes 8 kHz mono G.711 µ-law WAV files (RIFF, WAVE_FORMAT_MULAW = 7), the format the engine plays without converting.</summary>
public static class MuLawWavWriter
{
    public static byte[] Encode(ReadOnlySpan<short> pcm)
    {
        var data = new byte[pcm.Length];
        for (var i = 0; i < pcm.Length; i++)
        {
            data[i] = G711.LinearToMuLaw(pcm[i]);
        }
        return Wrap(data);
    }

    /// <summary>RIFF header + 16-byte fmt chunk + data chunk around µ-law samples.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> muLaw)
    {
        var padded = muLaw.Length + (muLaw.Length & 1);
        var file = new byte[44 + padded];
        var span = file.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)(36 + padded));
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], 7); // µ-law
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], 1); // mono
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], 8000);
        BinaryPrimitives.WriteUInt32LittleEndian(span[28..], 8000); // bytes per second
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 1); // block align
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 8); // bits per sample
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)muLaw.Length);
        muLaw.CopyTo(span[44..]);
        return file;
    }

    /// <summary>
    /// A prompt made of tones when no speech engine is installed: <paramref name="index"/> picks a distinct
    /// pattern (number of beeps and pitch), so staff testing a fresh install can tell the prompts apart.
    /// </summary>
    public static byte[] TonePattern(int index)
    {
        // 1–4 beeps, and a pitch step every four prompts: distinct for any number of prompts (480 Hz upwards).
        var beeps = index % 4 + 1;
        var frequency = 480 + 70 * (index / 4);
        var beep = TimeSpan.FromMilliseconds(180);
        var gap = TimeSpan.FromMilliseconds(120);
        var samples = new List<short>();
        var block = new short[G711.SamplesPerFrame];
        for (var b = 0; b < beeps; b++)
        {
            var tone = new ToneGenerator(frequency, frequency * 1.5, amplitude: 6000, duration: beep);
            while (tone.TryRead(block))
            {
                samples.AddRange(block);
            }
            samples.AddRange(new short[(int)(gap.TotalSeconds * 8000)]);
        }
        // Half a second of silence, so the menu's wait starts after a short pause rather than at the last beep.
        samples.AddRange(new short[4000]);
        return Encode([.. samples]);
    }
}
