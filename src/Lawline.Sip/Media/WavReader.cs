using System.Buffers.Binary;

namespace Lawline.Sip.Media;

// A prompt or music file loaded into memory as 8 kHz mono G.711, ready to be cut into 20 ms frames.
// Prompts are small (8 KB per second), so one load serves every call; both laws are cached on first use.
public sealed class WavAudio
{
    private readonly byte[] _muLaw;
    private byte[]? _aLaw;

    internal WavAudio(byte[] muLaw, byte[]? aLaw, WavFormat sourceFormat)
    {
        _muLaw = muLaw;
        _aLaw = aLaw;
        SourceFormat = sourceFormat;
    }

    public WavFormat SourceFormat { get; }
    public int SampleCount => _muLaw.Length;
    public TimeSpan Duration => TimeSpan.FromSeconds(_muLaw.Length / 8000.0);

    public ReadOnlyMemory<byte> Encoded(AudioCodec codec)
    {
        if (codec == AudioCodec.Pcmu)
        {
            return _muLaw;
        }
        if (_aLaw is null)
        {
            var aLaw = new byte[_muLaw.Length];
            G711.Transcode(_muLaw, aLaw, AudioCodec.Pcmu, AudioCodec.Pcma);
            _aLaw = aLaw;
        }
        return _aLaw;
    }

    // 20 ms frames (160 bytes); the last one is padded with silence.
    public int FrameCount => (_muLaw.Length + G711.SamplesPerFrame - 1) / G711.SamplesPerFrame;

    public void CopyFrame(int index, AudioCodec codec, Span<byte> frame)
    {
        var encoded = Encoded(codec).Span;
        var start = index * G711.SamplesPerFrame;
        var length = Math.Clamp(encoded.Length - start, 0, G711.SamplesPerFrame);
        encoded.Slice(start, length).CopyTo(frame);
        frame[length..G711.SamplesPerFrame].Fill(codec.SilenceByte());
    }

    public IAudioFrameSource CreateSource(bool loop = false) => new WavFrameSource(this, loop);

    private sealed class WavFrameSource(WavAudio audio, bool loop) : IAudioFrameSource
    {
        private int _next;

        public bool TryReadFrame(Span<byte> frame, AudioCodec codec)
        {
            if (_next >= audio.FrameCount)
            {
                if (!loop || audio.FrameCount == 0)
                {
                    return false;
                }
                _next = 0;
            }
            audio.CopyFrame(_next++, codec, frame);
            return true;
        }
    }
}

public enum WavFormat
{
    Pcm16 = 1,
    ALaw = 6,
    MuLaw = 7,
}

// Reads WAV files chunk by chunk (RIFF: every chunk is id + little-endian size + data, padded to an even
// length). sox writes an 18-byte fmt and a fact chunk (data at byte 58); other tools write 16- or 40-byte
// fmt chunks, LIST/INFO chunks, or WAVE_FORMAT_EXTENSIBLE. Only 8 kHz mono is accepted: resampling a
// prompt at call time would cost CPU on every call, converting it once with sox costs nothing.
public static class WavReader
{
    private const ushort Extensible = 0xFFFE;

    public static WavAudio Load(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return Read(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    public static WavAudio Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[12];
        if (!TryReadExactly(stream, header) || !header[..4].SequenceEqual("RIFF"u8) || !header[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("not a RIFF/WAVE file");
        }
        WavFormat? format = null;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (TryReadExactly(stream, chunkHeader))
        {
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            var id = chunkHeader[..4];
            if (id.SequenceEqual("fmt "u8))
            {
                if (size is < 16 or > 1024)
                {
                    throw new InvalidDataException($"fmt chunk of {size} bytes");
                }
                var fmt = new byte[size];
                if (!TryReadExactly(stream, fmt))
                {
                    throw new InvalidDataException("truncated fmt chunk");
                }
                format = ParseFormat(fmt);
                SkipPadding(stream, size);
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is not { } f)
                {
                    throw new InvalidDataException("data chunk before fmt chunk");
                }
                // Some writers leave 0 or 0xFFFFFFFF in a file they never finalised: read to the end then.
                var data = size is 0 or uint.MaxValue ? ReadToEnd(stream) : ReadUpTo(stream, size);
                return Convert(data, f);
            }
            else
            {
                // fact, LIST, cue, bext, ... carry nothing we need.
                Skip(stream, size + (size & 1));
            }
        }
        throw new InvalidDataException(format is null ? "no fmt chunk" : "no data chunk");
    }

    private static WavFormat ParseFormat(ReadOnlySpan<byte> fmt)
    {
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag == Extensible)
        {
            // WAVEFORMATEXTENSIBLE: cbSize(2) validBits(2) channelMask(4) then the sub-format GUID, whose first two bytes are the tag.
            if (fmt.Length < 40)
            {
                throw new InvalidDataException($"WAVE_FORMAT_EXTENSIBLE with a {fmt.Length}-byte fmt chunk (needs 40)");
            }
            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
        }
        WavFormat format = tag switch
        {
            1 when bits == 16 => WavFormat.Pcm16,
            1 => throw new InvalidDataException($"PCM with {bits} bits per sample; only 16-bit PCM, µ-law or A-law is supported"),
            6 => WavFormat.ALaw,
            7 => WavFormat.MuLaw,
            _ => throw new InvalidDataException($"audio format 0x{tag:X4}; only PCM16 (1), A-law (6) and µ-law (7) are supported"),
        };
        if (rate != 8000 || channels != 1)
        {
            throw new InvalidDataException($"{rate} Hz with {channels} channel(s); prompts must be 8000 Hz mono (sox in.wav -r 8000 -c 1 -e mu-law out.wav)");
        }
        if (format != WavFormat.Pcm16 && bits != 8)
        {
            throw new InvalidDataException($"G.711 with {bits} bits per sample (must be 8)");
        }
        return format;
    }

    private static WavAudio Convert(byte[] data, WavFormat format)
    {
        switch (format)
        {
            case WavFormat.MuLaw:
                return new WavAudio(data, null, format);
            case WavFormat.ALaw:
                var muLaw = new byte[data.Length];
                G711.Transcode(data, muLaw, AudioCodec.Pcma, AudioCodec.Pcmu);
                return new WavAudio(muLaw, data, format);
            default:
                var samples = data.Length / 2;
                var encoded = new byte[samples];
                for (var i = 0; i < samples; i++)
                {
                    encoded[i] = G711.LinearToMuLaw(BinaryPrimitives.ReadInt16LittleEndian(data.AsSpan(i * 2)));
                }
                return new WavAudio(encoded, null, format);
        }
    }

    private static bool TryReadExactly(Stream stream, Span<byte> buffer)
    {
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        // A few stray bytes after the last chunk are ignored like the end of the file.
        return read == buffer.Length;
    }

    private static byte[] ReadUpTo(Stream stream, uint size)
    {
        // A data size larger than the file (a writer that crashed) is read as far as it goes.
        var buffer = new byte[(int)Math.Min(size, 256u * 1024 * 1024)];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return read == buffer.Length ? buffer : buffer[..read];
    }

    private static byte[] ReadToEnd(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static void SkipPadding(Stream stream, uint size)
    {
        if ((size & 1) == 1)
        {
            Skip(stream, 1);
        }
    }

    private static void Skip(Stream stream, long count)
    {
        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current);
            return;
        }
        Span<byte> sink = stackalloc byte[512];
        while (count > 0)
        {
            var read = stream.Read(sink[..(int)Math.Min(count, sink.Length)]);
            if (read == 0)
            {
                return;
            }
            count -= read;
        }
    }
}
