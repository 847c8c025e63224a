using System.Buffers.Binary;
using Microsoft.Extensions.Logging;

namespace Lawline.Sip.Media;

public enum RecordingChannel
{
    // By convention the caller.
    Left = 0,
    // By convention the agent.
    Right = 1,
}

// A call recording: 8 kHz PCM16 stereo WAV, one leg per channel.
//
// Each leg's receive loop decodes its packets straight into that channel's ring buffer at the sample
// position given by the packet's RTP timestamp, relative to an anchor taken from the arrival time of the
// first packet (re-anchored on an SSRC change or a timestamp jump). The media clock then writes both
// rings out, interleaved, a jitter delay behind real time; whatever nobody wrote is silence. So the two
// channels stay aligned on the wall clock even when one side sends nothing (hold, silence suppression),
// reordered packets land where they belong, and the receive path takes no lock and allocates nothing.
//
// The file's timeline starts one jitter delay before the recorder was created (a short lead-in of
// silence), so even the first packets of a call can arrive out of order and still land in place.
//
// The header is written first and its sizes are rewritten every second, so a crash leaves a playable file.
public sealed class StereoWavRecorder : IMediaClockListener, IDisposable
{
    private const int SampleRate = 8000;
    private const int RingSize = 1 << 14;
    private const int RingMask = RingSize - 1;
    private const int HeaderLength = 44;
    private const int FlushChunk = 2048;

    private readonly MediaClock _clock;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FileStream _file;
    private readonly Channel[] _channels = [new(), new()];
    private readonly long _start;
    private readonly int _delaySamples;
    private readonly int _maxAhead;
    private readonly byte[] _interleaved = new byte[FlushChunk * 4];
    private readonly Lock _fileGate = new();
    private long _flushed;
    private long _lastHeaderUpdate;
    private volatile bool _stopped;

    public StereoWavRecorder(string path, MediaClock clock, ILogger<StereoWavRecorder>? logger = null, TimeSpan? jitterDelay = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        Path = path;
        _clock = clock;
        _time = clock.Time;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _delaySamples = (int)((jitterDelay ?? TimeSpan.FromMilliseconds(200)).TotalSeconds * SampleRate);
        _maxAhead = RingSize - _delaySamples - 3 * G711.SamplesPerFrame;
        // A 32 KB buffer holds one second of stereo audio: about one write system call per second.
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 32 * 1024);
        WriteHeader(0);
        _start = _time.GetTimestamp();
        _lastHeaderUpdate = _start;
        MediaLog.RecordingStarted(_logger, path);
        clock.Add(this);
    }

    public string Path { get; }

    public bool IsStopped => _stopped;

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Volatile.Read(ref _flushed) / SampleRate);

    // Hot path, called from the receive loop of the leg that owns the channel (one writer per channel).
    internal void Write(RecordingChannel channel, uint ssrc, uint rtpTimestamp, ReadOnlySpan<byte> payload, AudioCodec codec, long arrivalTimestamp)
    {
        if (_stopped || payload.IsEmpty)
        {
            return;
        }
        var c = _channels[(int)channel];
        var arrival = PositionAt(arrivalTimestamp);
        var flushed = Volatile.Read(ref _flushed);
        long position;
        if (!c.Anchored || ssrc != c.Ssrc)
        {
            position = Anchor(c, ssrc, rtpTimestamp, arrival);
        }
        else
        {
            position = c.AnchorPosition + (int)(rtpTimestamp - c.AnchorTimestamp);
            if (position - arrival > _maxAhead)
            {
                // A jump forward the ring cannot hold (a broken sender, a new stream without a new SSRC): start again from now.
                position = Anchor(c, ssrc, rtpTimestamp, arrival);
            }
            else if (position < flushed)
            {
                // Later than the jitter delay allows. One such packet is dropped; several in a row mean the
                // sender's clock drifted or jumped back, and the channel is re-anchored to now.
                if (++c.LateInARow < 3)
                {
                    return;
                }
                position = Anchor(c, ssrc, rtpTimestamp, arrival);
            }
        }
        c.LateInARow = 0;
        var count = Math.Min(payload.Length, RingSize - (int)(position - flushed));
        if (count <= 0)
        {
            return;
        }
        var table = G711.DecodeTable(codec);
        var ring = c.Ring;
        for (var i = 0; i < count; i++)
        {
            ring[(int)((position + i) & RingMask)] = table[payload[i]];
        }
        if (position + count > c.MaxEnd)
        {
            Volatile.Write(ref c.MaxEnd, position + count);
        }
    }

    void IMediaClockListener.OnTick(long now)
    {
        lock (_fileGate)
        {
            if (_stopped)
            {
                return;
            }
            try
            {
                // After a stall (GC, a starved thread pool) the receive loops have a backlog of packets that
                // are not late, only late to be processed: catch up at three times real time instead of at once,
                // so they still land in place instead of being dropped as late.
                FlushTo(Math.Min(PositionAt(now) - _delaySamples, _flushed + 3 * G711.SamplesPerFrame));
                if (_time.GetElapsedTime(_lastHeaderUpdate, now) >= TimeSpan.FromSeconds(1))
                {
                    _lastHeaderUpdate = now;
                    UpdateSizes();
                }
            }
            catch (IOException e)
            {
                MediaLog.RecordingFailed(_logger, Path, e);
                _stopped = true;
                _clock.Remove(this);
            }
        }
    }

    // Writes what is buffered (including packets that arrived ahead of time), fixes the header and closes the file.
    public void Stop()
    {
        _clock.Remove(this);
        lock (_fileGate)
        {
            if (_stopped && !_file.CanWrite)
            {
                return;
            }
            _stopped = true;
            try
            {
                var end = Math.Max(PositionAt(_time.GetTimestamp()) - _delaySamples,
                    Math.Max(Volatile.Read(ref _channels[0].MaxEnd), Volatile.Read(ref _channels[1].MaxEnd)));
                FlushTo(end);
                UpdateSizes();
            }
            catch (IOException e)
            {
                MediaLog.RecordingFailed(_logger, Path, e);
            }
            finally
            {
                _file.Dispose();
            }
            MediaLog.RecordingStopped(_logger, Path, (double)_flushed / SampleRate);
        }
    }

    public void Dispose() => Stop();

    private long PositionAt(long timestamp) =>
        _delaySamples + (long)((double)(timestamp - _start) * SampleRate / _time.TimestampFrequency);

    private static long Anchor(Channel c, uint ssrc, uint rtpTimestamp, long arrival)
    {
        c.Anchored = true;
        c.Ssrc = ssrc;
        c.AnchorTimestamp = rtpTimestamp;
        c.AnchorPosition = arrival;
        return arrival;
    }

    private void FlushTo(long target)
    {
        var flushed = _flushed;
        // Never read past what the ring can hold ahead of the flush point.
        target = Math.Min(target, flushed + RingSize);
        var left = _channels[0].Ring;
        var right = _channels[1].Ring;
        while (flushed < target)
        {
            var count = (int)Math.Min(FlushChunk, target - flushed);
            var output = _interleaved.AsSpan(0, count * 4);
            for (var i = 0; i < count; i++)
            {
                var slot = (int)((flushed + i) & RingMask);
                BinaryPrimitives.WriteInt16LittleEndian(output[(i * 4)..], left[slot]);
                BinaryPrimitives.WriteInt16LittleEndian(output[(i * 4 + 2)..], right[slot]);
                // What was written out becomes silence for the next lap of the ring.
                left[slot] = 0;
                right[slot] = 0;
            }
            _file.Write(output);
            flushed += count;
            Volatile.Write(ref _flushed, flushed);
        }
    }

    private void WriteHeader(long dataBytes)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)Math.Min(uint.MaxValue, 36 + dataBytes));
        "WAVEfmt "u8.CopyTo(header[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], 1);          // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], 2);          // channels
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], SampleRate * 4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 4);          // block align
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);         // bits
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], (uint)Math.Min(uint.MaxValue - 36, dataBytes));
        _file.Write(header);
    }

    private void UpdateSizes()
    {
        var dataBytes = _flushed * 4;
        Span<byte> size = stackalloc byte[4];
        _file.Seek(4, SeekOrigin.Begin);
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)Math.Min(uint.MaxValue, 36 + dataBytes));
        _file.Write(size);
        _file.Seek(40, SeekOrigin.Begin);
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)Math.Min(uint.MaxValue - 36, dataBytes));
        _file.Write(size);
        _file.Seek(0, SeekOrigin.End);
        // Hand the data to the OS so a crash of this process leaves a complete file up to here.
        _file.Flush();
    }

    private sealed class Channel
    {
        public readonly short[] Ring = new short[RingSize];
        public bool Anchored;
        public uint Ssrc;
        public uint AnchorTimestamp;
        public long AnchorPosition;
        public long MaxEnd;
        public int LateInARow;
    }
}
