namespace Lawline.Sip.Media;

// Sine tones (one or two frequencies) as G.711 frames, with an optional on/off cadence and total length.
// The phase runs on across frames and across cadence gaps, so consecutive frames join without clicks.
public sealed class ToneGenerator : IAudioFrameSource
{
    private const double SampleRate = 8000;
    private readonly double _step1;
    private readonly double _step2;
    private readonly double _amplitude;
    private readonly int _onSamples;
    private readonly int _periodSamples;
    private readonly long _totalSamples;
    private readonly short[] _pcm = new short[G711.SamplesPerFrame];
    private double _phase1;
    private double _phase2;
    private long _position;

    // amplitude: peak of the sum, in PCM16 units (default about -10 dBm0 per tone pair).
    public ToneGenerator(double frequency1, double frequency2 = 0, short amplitude = 8000, TimeSpan? on = null, TimeSpan? off = null, TimeSpan? duration = null)
    {
        _step1 = 2 * Math.PI * frequency1 / SampleRate;
        _step2 = 2 * Math.PI * frequency2 / SampleRate;
        _amplitude = frequency2 > 0 ? amplitude / 2.0 : amplitude;
        _onSamples = on is { } o ? (int)(o.TotalSeconds * SampleRate) : int.MaxValue;
        _periodSamples = on is not null ? _onSamples + (int)((off ?? TimeSpan.Zero).TotalSeconds * SampleRate) : int.MaxValue;
        _totalSamples = duration is { } d ? (long)(d.TotalSeconds * SampleRate) : long.MaxValue;
    }

    // China's ringback (GB 3380 / YD/T 1183): 450 Hz, 1 s on, 4 s off.
    public static ToneGenerator Ringback(TimeSpan? duration = null) =>
        new(450, on: TimeSpan.FromSeconds(1), off: TimeSpan.FromSeconds(4), duration: duration);

    // ITU-T Q.23 DTMF pairs.
    public static ToneGenerator Dtmf(char digit, TimeSpan duration)
    {
        var (low, high) = char.ToUpperInvariant(digit) switch
        {
            '1' => (697, 1209), '2' => (697, 1336), '3' => (697, 1477), 'A' => (697, 1633),
            '4' => (770, 1209), '5' => (770, 1336), '6' => (770, 1477), 'B' => (770, 1633),
            '7' => (852, 1209), '8' => (852, 1336), '9' => (852, 1477), 'C' => (852, 1633),
            '*' => (941, 1209), '0' => (941, 1336), '#' => (941, 1477), 'D' => (941, 1633),
            _ => throw new ArgumentOutOfRangeException(nameof(digit), digit, "not a DTMF digit"),
        };
        return new ToneGenerator(low, high, duration: duration);
    }

    public bool TryReadFrame(Span<byte> frame, AudioCodec codec)
    {
        if (!TryRead(_pcm))
        {
            return false;
        }
        G711.Encode(_pcm, frame, codec);
        return true;
    }

    // PCM16 output; false once the duration is used up (the last block may be partly silent).
    public bool TryRead(Span<short> pcm)
    {
        if (_position >= _totalSamples)
        {
            return false;
        }
        for (var i = 0; i < pcm.Length; i++, _position++)
        {
            var sounding = _position < _totalSamples && (_periodSamples == int.MaxValue || _position % _periodSamples < _onSamples);
            var value = sounding ? _amplitude * (Math.Sin(_phase1) + (_step2 > 0 ? Math.Sin(_phase2) : 0)) : 0;
            pcm[i] = (short)Math.Round(value);
            _phase1 += _step1;
            _phase2 += _step2;
            // Keep the phase small so precision does not drift on hour-long music on hold.
            if (_phase1 > 2 * Math.PI)
            {
                _phase1 -= 2 * Math.PI;
            }
            if (_phase2 > 2 * Math.PI)
            {
                _phase2 -= 2 * Math.PI;
            }
        }
        return true;
    }
}
