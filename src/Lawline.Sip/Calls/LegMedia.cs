using System.Collections.Concurrent;
using System.Threading.Channels;
using Lawline.Sip.Media;
using Lawline.Sip.Rtp;
using Lawline.Sip.Sdp;
using Microsoft.Extensions.Logging;

namespace Lawline.Sip.Calls;

/// <summary>The media layer could not give a new leg its RTP ports (range exhausted).</summary>
public sealed class MediaUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The engine's media for one leg: its anchored <see cref="RtpEndpoint"/>, the bridge it is part of, the
/// recording it owns (this leg left, its partner right) and its key presses. Key presses are read from the
/// endpoint once, published as events and buffered for IVR digit collection.
/// </summary>
internal sealed class LegMedia : IDisposable
{
    private static readonly Lock BridgeGate = new();
    private readonly RtpEndpoint endpoint;
    private readonly MediaEngine engine;
    private readonly TimeProvider time;
    private readonly Channel<DtmfDigit> buffered = Channel.CreateBounded<DtmfDigit>(
        new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private RtpBridge? bridge;
    private LegMedia? partner;
    private StereoWavRecorder? recorder;
    private int disposed;

    public LegMedia(RtpEndpoint endpoint, MediaEngine engine, TimeProvider time)
    {
        this.endpoint = endpoint;
        this.engine = engine;
        this.time = time;
        endpoint.MediaTimedOut += _ => TimedOut?.Invoke();
        _ = PumpDigitsAsync();
    }

    public int LocalPort => endpoint.LocalRtpPort;

    public RtpEndpoint Endpoint => endpoint;

    public Action<char, TimeSpan>? DigitReceived { get; set; }

    public Action? TimedOut { get; set; }

    public bool IsRecording => recorder is not null;

    public void Configure(NegotiatedMedia media) => endpoint.Configure(media);

    public Task PlayAsync(IAudioFrameSource source, bool stopOnDigit, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref disposed) != 0)
        {
            return Task.CompletedTask;
        }

        try
        {
            return endpoint.PlayAsync(source, stopOnDigit, cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            return Task.CompletedTask;
        }
    }

    public void PlayRingback() => _ = PlayAsync(ToneGenerator.Ringback(), stopOnDigit: false, CancellationToken.None);

    public void StopPlayback()
    {
        if (Volatile.Read(ref disposed) == 0)
        {
            endpoint.StopPlayback();
        }
    }

    /// <summary>A key press that arrived by SIP INFO rather than RTP.</summary>
    public void InjectDigit(char digit, TimeSpan duration) => OnDigit(new DtmfDigit(digit, duration));

    private async Task PumpDigitsAsync()
    {
        try
        {
            await foreach (var digit in endpoint.Digits.ReadAllAsync().ConfigureAwait(false))
            {
                OnDigit(digit);
            }
        }
        catch (ChannelClosedException)
        {
        }
    }

    private void OnDigit(DtmfDigit digit)
    {
        buffered.Writer.TryWrite(digit);
        DigitReceived?.Invoke(digit.Digit, digit.Duration);
    }

    public async Task<DigitResult> CollectDigitsAsync(CollectDigitsOptions options, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDigits, 1);
        if (!options.IncludeBufferedDigits)
        {
            while (buffered.Reader.TryRead(out _))
            {
            }
        }

        var digits = new System.Text.StringBuilder(options.MaxDigits);
        while (true)
        {
            var timeout = digits.Length == 0 ? options.FirstDigitTimeout : options.InterDigitTimeout;
            using var timer = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            DtmfDigit digit;
            try
            {
                digit = await buffered.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new DigitResult(digits.ToString(), DigitCollectionOutcome.Timeout);
            }
            catch (ChannelClosedException)
            {
                return new DigitResult(digits.ToString(), DigitCollectionOutcome.HungUp);
            }

            if (digit.Digit == options.Terminator)
            {
                return new DigitResult(digits.ToString(), DigitCollectionOutcome.Terminated);
            }

            digits.Append(digit.Digit);
            if (digits.Length >= options.MaxDigits)
            {
                return new DigitResult(digits.ToString(), DigitCollectionOutcome.Complete);
            }
        }
    }

    /// <summary>Connects the two legs' media (idempotent), carrying a running recording over to the new partner.</summary>
    public static void Bridge(LegMedia a, LegMedia b)
    {
        lock (BridgeGate)
        {
            if (a.partner == b && b.partner == a && a.bridge is not null)
            {
                return;
            }

            if (Volatile.Read(ref a.disposed) != 0 || Volatile.Read(ref b.disposed) != 0)
            {
                return;
            }

            UnbridgeLocked(a);
            UnbridgeLocked(b);
            var connected = RtpBridge.Connect(a.endpoint, b.endpoint);
            a.bridge = connected;
            b.bridge = connected;
            a.partner = b;
            b.partner = a;
            if (a.recorder is { } ofA)
            {
                b.endpoint.StartRecording(ofA, RecordingChannel.Right);
            }
            else if (b.recorder is { } ofB)
            {
                a.endpoint.StartRecording(ofB, RecordingChannel.Right);
            }
        }
    }

    public static void Unbridge(LegMedia media)
    {
        lock (BridgeGate)
        {
            UnbridgeLocked(media);
        }
    }

    private static void UnbridgeLocked(LegMedia media)
    {
        if (media.partner is not { } other)
        {
            return;
        }

        media.bridge?.Dispose();
        media.bridge = null;
        other.bridge = null;
        media.partner = null;
        other.partner = null;
        // The former partner no longer feeds this leg's recording (and vice versa).
        if (media.recorder is not null)
        {
            other.endpoint.StopRecording();
        }

        if (other.recorder is not null)
        {
            media.endpoint.StopRecording();
        }
    }

    public void StartRecording(string path)
    {
        lock (BridgeGate)
        {
            if (recorder is not null)
            {
                throw new InvalidOperationException("The leg is already being recorded.");
            }

            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            recorder = engine.StartRecording(path);
            endpoint.StartRecording(recorder, RecordingChannel.Left);
            partner?.endpoint.StartRecording(recorder, RecordingChannel.Right);
        }
    }

    public (string Path, TimeSpan Duration)? StopRecording()
    {
        StereoWavRecorder? stopped;
        lock (BridgeGate)
        {
            stopped = recorder;
            if (stopped is null)
            {
                return null;
            }

            recorder = null;
            endpoint.StopRecording();
            partner?.endpoint.StopRecording();
        }

        stopped.Stop();
        return (stopped.Path, stopped.Duration);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        Unbridge(this);
        StopRecording();
        endpoint.Dispose();
        buffered.Writer.TryComplete();
    }
}

/// <summary>The engine's media services: endpoints, cached prompts, music on hold.</summary>
internal sealed class MediaHost : IAsyncDisposable
{
    private readonly SipEngine engine;
    private readonly MediaEngine media;
    private readonly ConcurrentDictionary<string, (DateTime Written, WavAudio Audio)> prompts = new(StringComparer.Ordinal);

    public MediaHost(SipEngine engine, ILoggerFactory loggers)
    {
        this.engine = engine;
        var options = engine.Options;
        media = new MediaEngine(
            new MediaOptions
            {
                BindAddress = options.Address,
                MinPort = options.RtpPortMin,
                MaxPort = options.RtpPortMax,
                InactivityTimeout = TimeSpan.FromSeconds(Math.Max(0, options.MediaTimeoutSeconds)),
            },
            engine.Time,
            loggers);
    }

    public MediaEngine Engine => media;

    public LegMedia CreateLegMedia()
    {
        try
        {
            return new LegMedia(media.CreateEndpoint(), media, engine.Time);
        }
        catch (InvalidOperationException exception)
        {
            throw new MediaUnavailableException("No free RTP ports for a new call leg.", exception);
        }
    }

    /// <summary>Loads a WAV prompt once and reuses it until the file changes (prompts are uploaded by administrators).</summary>
    public IAudioFrameSource OpenPrompt(string path, bool loop)
    {
        var full = Path.GetFullPath(path);
        var written = File.GetLastWriteTimeUtc(full);
        if (!prompts.TryGetValue(full, out var cached) || cached.Written != written)
        {
            cached = (written, WavReader.Load(full));
            prompts[full] = cached;
        }

        return cached.Audio.CreateSource(loop);
    }

    /// <summary>
    /// The configured music on hold, or a soft two-tone chime every 1.5 s — never silence, which callers take
    /// for a dropped line.
    /// </summary>
    public IAudioFrameSource MusicOnHold() =>
        engine.Options.MusicOnHoldPath is { Length: > 0 } path && File.Exists(path)
            ? OpenPrompt(path, loop: true)
            : new ToneGenerator(440, 554, amplitude: 3000, on: TimeSpan.FromMilliseconds(600), off: TimeSpan.FromMilliseconds(900));

    public ValueTask DisposeAsync()
    {
        media.Dispose();
        return ValueTask.CompletedTask;
    }
}
