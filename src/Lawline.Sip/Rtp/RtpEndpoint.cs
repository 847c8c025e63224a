using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Lawline.Sip.Media;
using Lawline.Sip.Sdp;
using Microsoft.Extensions.Logging;

namespace Lawline.Sip.Rtp;

public enum PlaybackOutcome
{
    Finished,
    Stopped,
    InterruptedByDigit,
}

public enum DigitCollectionEnd
{
    MaxDigits,
    Terminator,
    Timeout,
}

public sealed record DigitCollection(string Digits, DigitCollectionEnd End);

public readonly record struct RtpEndpointStatistics(
    long PacketsReceived, long PacketsSent, long PacketsLost, long LatePackets, long IgnoredPackets, TimeSpan Jitter, IPEndPoint? Remote);

// The engine's media anchor for one call leg: an RTP/RTCP port pair, a receive loop, symmetric-RTP
// latching, DTMF detection, statistics, playback and recording. The SIP layer creates one per leg
// (MediaEngine.CreateEndpoint), writes LocalRtpPort into its SDP and calls Configure with what was negotiated.
//
// Threads: the receive loop owns reception state (statistics, DTMF, latching candidates). The outgoing
// stream (SSRC, sequence, timestamp) is written either by the peer's receive loop (relay) or by the media
// clock (playback); relayed packets are dropped while a playback runs, so one of them at a time owns it.
// No locks on the packet path.
public sealed class RtpEndpoint : IMediaClockListener, IDisposable
{
    private const int ReceiveBufferSize = 2048;
    private const byte NoPayloadType = 0xFF;

    private readonly RtpPortPair _ports;
    private readonly Socket _rtp;
    private readonly Socket _rtcp;
    private readonly MediaClock _clock;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MediaMetrics _metrics;
    private readonly MediaOptions _options;
    private readonly double _clockUnitsPerTick;
    private readonly long _ticksPerSecond;
    private readonly string _cname;
    private readonly Channel<DtmfDigit> _digits;
    private readonly DtmfDetector _dtmf;
    private readonly byte[] _frame = new byte[RtpPacket.HeaderLength + G711.SamplesPerFrame];
    private readonly byte[] _rtcpOut = new byte[256];

    // Negotiated parameters (written by Configure, read on the packet path).
    private volatile NegotiatedMedia? _media;
    private AudioCodec _codec;
    private byte _audioPayloadType = NoPayloadType;
    private byte _eventPayloadType = NoPayloadType;
    private volatile bool _maySend;
    private volatile bool _expectMedia;

    // Symmetric RTP (RFC 4961): where we send; replaced, never mutated, so readers on other threads see a whole address.
    private volatile SocketAddress? _remote;
    private IPEndPoint? _sdpRemote;
    private bool _latched;
    private readonly SocketAddress _candidate;
    private int _candidateCount;
    private volatile SocketAddress? _remoteRtcp;

    // Reception (receive loop only).
    private RtpReceiveStatistics _stats;
    private long _ignored;
    private long _lastReceived;
    private long _lastEventPacket;
    private volatile bool _timedOut;

    // Outgoing stream: RFC 3550 §5.1 random initial sequence number and timestamp, our own SSRC.
    private readonly uint _ssrc = (uint)Random.Shared.Next() ^ ((uint)Random.Shared.Next() << 1);
    private ushort _outSequence = (ushort)Random.Shared.Next(ushort.MaxValue);
    private uint _outTimestamp = (uint)Random.Shared.Next();
    private long _outLastSend;
    private bool _outSourceValid;
    private uint _outSourceSsrc;
    private ushort _sequenceOffset;
    private uint _timestampOffset;
    private long _sentPackets;
    private long _sentOctets;

    private volatile RtpEndpoint? _peer;
    private volatile StereoWavRecorder? _recorder;
    private RecordingChannel _recordingChannel;
    private volatile Playback? _playback;

    // Media clock housekeeping.
    private long _nextHousekeeping;
    private long _nextRtcp;
    private long _sentAtLastRtcp;
    private uint _lastSenderReportNtp;
    private long _lastSenderReportAt;
    private long _reportedReceived;
    private long _reportedSent;
    private long _reportedLost;
    private long _configuredAt;
    private int _disposed;

    internal RtpEndpoint(RtpPortPair ports, MediaClock clock, MediaOptions options, MediaMetrics metrics, ILogger<RtpEndpoint> logger)
    {
        _ports = ports;
        _rtp = ports.Rtp;
        _rtcp = ports.Rtcp;
        _clock = clock;
        _time = clock.Time;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _clockUnitsPerTick = 8000.0 / _time.TimestampFrequency;
        _ticksPerSecond = _time.TimestampFrequency;
        _cname = options.CanonicalName.Length > 64 ? options.CanonicalName[..64] : options.CanonicalName;
        _candidate = new SocketAddress(_rtp.AddressFamily);
        // Digits nobody collects must not pile up for the whole call: keep the latest few.
        _digits = Channel.CreateBounded<DtmfDigit>(new BoundedChannelOptions(32) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true });
        _dtmf = new DtmfDetector(-1, OnDigit);
        var now = _time.GetTimestamp();
        _nextHousekeeping = now + _ticksPerSecond;
        _nextRtcp = now + (long)(options.RtcpInterval.TotalSeconds * _ticksPerSecond);
        _configuredAt = now;
        _metrics.ActiveEndpoints.Add(1);
        _clock.Add(this);
        _ = ReceiveRtpLoopAsync();
        _ = ReceiveRtcpLoopAsync();
    }

    public int LocalRtpPort => _ports.RtpPort;
    public int LocalRtcpPort => _ports.RtcpPort;
    public IPAddress LocalAddress => _ports.LocalAddress;
    public uint Ssrc => _ssrc;
    public NegotiatedMedia? Media => _media;
    public bool IsBridged => _peer is not null;
    public bool IsPlaying => _playback is not null;
    public bool IsMediaTimedOut => _timedOut;

    // Where RTP is sent now: the SDP address until packets arrive, then their real source (NAT).
    public IPEndPoint? RemoteEndPoint => _remote is { } address ? (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(address) : null;

    public ChannelReader<DtmfDigit> Digits => _digits.Reader;

    // Raised once (on a thread-pool thread) when no RTP arrived for MediaOptions.InactivityTimeout while
    // the peer was expected to send; the SIP layer may hang up. Reset when media flows again.
    public event Action<RtpEndpoint>? MediaTimedOut;

    public RtpEndpointStatistics Statistics => new(Volatile.Read(ref _stats.Received), Interlocked.Read(ref _sentPackets),
        Volatile.Read(ref _stats.Lost), Volatile.Read(ref _stats.Late), Volatile.Read(ref _ignored),
        TimeSpan.FromSeconds(_stats.Jitter / 8000.0), RemoteEndPoint);

    internal RtpEndpoint? Peer
    {
        get => _peer;
        set
        {
            _peer = value;
            _outSourceValid = false;
        }
    }

    internal AudioCodec Codec => _codec;

    // Applies an offer/answer result; may be called again after a re-INVITE (hold, resume, new peer).
    public void Configure(NegotiatedMedia media)
    {
        ArgumentNullException.ThrowIfNull(media);
        _codec = media.Codec;
        _audioPayloadType = (byte)media.PayloadType;
        _eventPayloadType = media.TelephoneEventPayloadType is { } te ? (byte)te : NoPayloadType;
        _dtmf.EventPayloadType = media.TelephoneEventPayloadType ?? -1;
        if (media.RemoteRtp is { } remote && !remote.Equals(_sdpRemote))
        {
            // A new address in SDP is a new peer (or the first one): send there until its packets say otherwise.
            _sdpRemote = remote;
            _latched = false;
            _remote = remote.Serialize();
        }
        if (media.RemoteRtcp is { } rtcp && _remoteRtcp is null)
        {
            _remoteRtcp = rtcp.Serialize();
        }
        _maySend = media.WeMaySend || (media.RemoteRtp is null && media.RemoteDirection.Receives() && media.LocalDirection.Sends());
        _expectMedia = media.RemoteDirection.Sends() && media.LocalDirection.Receives();
        _configuredAt = _time.GetTimestamp();
        _timedOut = false;
        _media = media;
    }

    // Records what this leg receives into one channel of a recorder shared with the other leg.
    public void StartRecording(StereoWavRecorder recorder, RecordingChannel channel)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        _recordingChannel = channel;
        _recorder = recorder;
    }

    public void StopRecording() => _recorder = null;

    public Task<PlaybackOutcome> PlayAsync(WavAudio audio, bool loop = false, bool stopOnDigit = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        return PlayAsync(audio.CreateSource(loop), stopOnDigit, cancellationToken);
    }

    // Plays frames paced by the shared media clock, replacing any playback in progress (which ends as Stopped).
    // While it plays, audio relayed from a bridged peer is not forwarded to this leg.
    public Task<PlaybackOutcome> PlayAsync(IAudioFrameSource source, bool stopOnDigit = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var playback = new Playback(source, stopOnDigit);
        var previous = Interlocked.Exchange(ref _playback, playback);
        previous?.Completion.TrySetResult(PlaybackOutcome.Stopped);
        if (cancellationToken.CanBeCanceled)
        {
            playback.Cancellation = cancellationToken.Register(static state =>
            {
                var (endpoint, p) = ((RtpEndpoint, Playback))state!;
                endpoint.EndPlayback(p, null);
            }, (this, playback));
        }
        return playback.Completion.Task;
    }

    public void StopPlayback()
    {
        if (_playback is { } playback)
        {
            EndPlayback(playback, PlaybackOutcome.Stopped);
        }
    }

    // Collects key presses for an IVR menu or a PIN. Digits typed during a prompt (type-ahead) count.
    // The terminator (e.g. '#') ends collection and is not included.
    public async Task<DigitCollection> CollectDigitsAsync(int maxDigits, TimeSpan firstDigitTimeout, TimeSpan interDigitTimeout,
        char? terminator = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDigits, 1);
        var digits = new System.Text.StringBuilder(maxDigits);
        while (true)
        {
            var timeout = digits.Length == 0 ? firstDigitTimeout : interDigitTimeout;
            using var timer = new CancellationTokenSource(timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            DtmfDigit digit;
            try
            {
                digit = await _digits.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new DigitCollection(digits.ToString(), DigitCollectionEnd.Timeout);
            }
            catch (ChannelClosedException)
            {
                return new DigitCollection(digits.ToString(), DigitCollectionEnd.Timeout);
            }
            if (digit.Digit == terminator)
            {
                return new DigitCollection(digits.ToString(), DigitCollectionEnd.Terminator);
            }
            digits.Append(digit.Digit);
            if (digits.Length >= maxDigits)
            {
                return new DigitCollection(digits.ToString(), DigitCollectionEnd.MaxDigits);
            }
        }
    }

    private async Task ReceiveRtpLoopAsync()
    {
        // One pinned buffer and one SocketAddress for the life of the endpoint: the loop allocates nothing per packet.
        var buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
        var source = new SocketAddress(_rtp.AddressFamily);
        await Task.Yield();
        while (true)
        {
            int received;
            try
            {
                received = await _rtp.ReceiveFromAsync(buffer, SocketFlags.None, source).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ObjectDisposedException || (e is SocketException && _disposed != 0))
            {
                RtpLog.ReceiveLoopEnded(_logger, _ports.RtpPort, e.GetType().Name);
                return;
            }
            catch (SocketException e)
            {
                // E.g. ICMP port unreachable reported on Windows; the socket is still usable.
                RtpLog.ReceiveError(_logger, _ports.RtpPort, e.SocketErrorCode.ToString());
                continue;
            }
            try
            {
                ProcessRtp(buffer.AsSpan(0, received), source, _time.GetTimestamp());
            }
            catch (Exception e)
            {
                RtpLog.ProcessingFailed(_logger, _ports.RtpPort, e);
            }
        }
    }

    // The hot path: one received datagram. Internal so a benchmark can drive it in a loop.
    internal void ProcessRtp(Span<byte> datagram, SocketAddress source, long now)
    {
        if (!RtpPacket.TryParse(datagram, out var packet) || _media is null)
        {
            _ignored++;
            return;
        }
        var isAudio = packet.PayloadType == _audioPayloadType;
        var isEvent = !isAudio && packet.PayloadType == _eventPayloadType;
        if (!isAudio && !isEvent)
        {
            // Comfort noise, other codecs, sipp's PT 97 warm-up: not ours to interpret or forward.
            _ignored++;
            return;
        }
        Latch(source);
        Volatile.Write(ref _lastReceived, now);
        if (_timedOut)
        {
            _timedOut = false;
        }
        _stats.Update(packet.Ssrc, packet.SequenceNumber, packet.Timestamp, (long)(now * _clockUnitsPerTick), isAudio);
        var payload = packet.Payload(datagram);
        if (isEvent)
        {
            _dtmf.Process(packet.PayloadType, packet.Timestamp, payload);
            _lastEventPacket = now;
        }
        else
        {
            // RFC 4733 §2.5.2: if all end packets of an event were lost, the event ends when audio resumes.
            if (_lastEventPacket != 0 && now - _lastEventPacket > _ticksPerSecond / 4)
            {
                _dtmf.Flush();
                _lastEventPacket = 0;
            }
            _recorder?.Write(_recordingChannel, packet.Ssrc, packet.Timestamp, payload, _codec, now);
        }
        _peer?.Relay(datagram, in packet, isEvent, _codec, now);
    }

    // Called on the source leg's receive loop: forward one packet to this leg's peer address as our own stream.
    private void Relay(Span<byte> datagram, in RtpPacket packet, bool isEvent, AudioCodec sourceCodec, long now)
    {
        if (!_maySend || _playback is not null || _remote is not { } remote)
        {
            return;
        }
        byte payloadType;
        if (isEvent)
        {
            if (_eventPayloadType == NoPayloadType)
            {
                return;
            }
            payloadType = _eventPayloadType;
        }
        else
        {
            payloadType = _audioPayloadType;
            if (sourceCodec != _codec)
            {
                G711.Transcode(packet.Payload(datagram), sourceCodec, _codec);
            }
        }
        var marker = packet.Marker;
        if (!_outSourceValid || packet.Ssrc != _outSourceSsrc)
        {
            // A new source (other SSRC, or after a prompt): continue our sequence and timestamp from where
            // they were, advanced by the real time that passed, and mark the start of a talkspurt.
            var next = NextTimestamp(now);
            _timestampOffset = next - packet.Timestamp;
            _sequenceOffset = (ushort)(_outSequence + 1 - packet.SequenceNumber);
            _outSourceSsrc = packet.Ssrc;
            _outSourceValid = true;
            marker |= !isEvent;
        }
        var sequence = (ushort)(packet.SequenceNumber + _sequenceOffset);
        var timestamp = packet.Timestamp + _timestampOffset;
        RtpPacket.Rewrite(datagram, marker, payloadType, sequence, timestamp, _ssrc);
        if ((short)(sequence - _outSequence) > 0)
        {
            _outSequence = sequence;
        }
        if ((int)(timestamp - _outTimestamp) > 0)
        {
            _outTimestamp = timestamp;
        }
        _outLastSend = now;
        Send(datagram, remote, packet.PayloadLength);
    }

    private uint NextTimestamp(long now)
    {
        if (_outLastSend == 0)
        {
            return _outTimestamp + G711.SamplesPerFrame;
        }
        var elapsed = (long)((now - _outLastSend) * _clockUnitsPerTick);
        return _outTimestamp + (uint)Math.Clamp(elapsed, G711.SamplesPerFrame, int.MaxValue);
    }

    private void Send(ReadOnlySpan<byte> datagram, SocketAddress remote, int payloadLength)
    {
        try
        {
            _rtp.SendTo(datagram, SocketFlags.None, remote);
            Interlocked.Increment(ref _sentPackets);
            _sentOctets += payloadLength;
        }
        catch (SocketException e)
        {
            RtpLog.SendFailed(_logger, _ports.RtpPort, e.SocketErrorCode.ToString());
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Latch(SocketAddress source)
    {
        var current = _remote;
        if (current is not null && current.Equals(source))
        {
            _latched = true;
            _candidateCount = 0;
            return;
        }
        if (!_latched)
        {
            // RFC 4961: send to where the peer's packets come from; behind NAT the SDP address is unreachable.
            _latched = true;
            _remote = Copy(source);
            RtpLog.Latched(_logger, _ports.RtpPort, RemoteEndPoint);
            return;
        }
        // Another source after latching: follow it only if it persists, so one stray packet cannot steal the stream.
        if (_candidateCount > 0 && _candidate.Equals(source))
        {
            if (++_candidateCount >= _options.RelatchAfterPackets)
            {
                _remote = Copy(source);
                _candidateCount = 0;
                RtpLog.Relatched(_logger, _ports.RtpPort, RemoteEndPoint);
            }
            return;
        }
        _candidate.Size = source.Size;
        source.Buffer.Span[..source.Size].CopyTo(_candidate.Buffer.Span);
        _candidateCount = 1;
    }

    private static SocketAddress Copy(SocketAddress source)
    {
        var copy = new SocketAddress(source.Family, source.Size);
        source.Buffer.Span[..source.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    void IMediaClockListener.OnTick(long now)
    {
        if (_playback is { } playback)
        {
            PlayDue(playback, now);
        }
        if (now < _nextHousekeeping)
        {
            return;
        }
        _nextHousekeeping = now + _ticksPerSecond;
        PublishMetrics();
        CheckInactivity(now);
        if (now >= _nextRtcp)
        {
            _nextRtcp = now + (long)(_options.RtcpInterval.TotalSeconds * _ticksPerSecond);
            SendRtcpReport(now);
        }
    }

    private void PlayDue(Playback playback, long now)
    {
        if (playback.Started == 0)
        {
            playback.Started = now;
        }
        var elapsedFrames = (long)(_time.GetElapsedTime(playback.Started, now) / MediaClock.Period) + 1;
        var due = elapsedFrames - playback.Frames;
        if (due > 5)
        {
            // The clock stalled (GC, overloaded host): drop the backlog rather than burst it at the phone.
            playback.Frames = elapsedFrames - 1;
            due = 1;
        }
        for (; due > 0; due--)
        {
            var payload = _frame.AsSpan(RtpPacket.HeaderLength);
            if (!playback.Source.TryReadFrame(payload, _codec))
            {
                EndPlayback(playback, PlaybackOutcome.Finished);
                return;
            }
            var first = playback.Frames == 0;
            playback.Frames++;
            if (first)
            {
                _outTimestamp = NextTimestamp(now);
                _outSourceValid = false;
            }
            else
            {
                _outTimestamp += G711.SamplesPerFrame;
            }
            _outSequence++;
            _outLastSend = now;
            var remote = _remote;
            if (_maySend && remote is not null && _audioPayloadType != NoPayloadType)
            {
                // RFC 3551 §4.1: the marker flags the first packet of a talkspurt.
                new RtpPacket(first, _audioPayloadType, _outSequence, _outTimestamp, _ssrc).WriteHeader(_frame);
                Send(_frame, remote, G711.SamplesPerFrame);
            }
        }
    }

    private void EndPlayback(Playback playback, PlaybackOutcome? outcome)
    {
        if (Interlocked.CompareExchange(ref _playback, null, playback) == playback)
        {
            _outSourceValid = false;
        }
        playback.Cancellation.Dispose();
        if (outcome is { } o)
        {
            playback.Completion.TrySetResult(o);
        }
        else
        {
            playback.Completion.TrySetCanceled();
        }
    }

    private void OnDigit(DtmfDigit digit)
    {
        RtpLog.DigitReceived(_logger, _ports.RtpPort, digit.Digit, (int)digit.Duration.TotalMilliseconds);
        _digits.Writer.TryWrite(digit);
        if (_playback is { StopOnDigit: true } playback)
        {
            EndPlayback(playback, PlaybackOutcome.InterruptedByDigit);
        }
    }

    private void CheckInactivity(long now)
    {
        if (!_expectMedia || _timedOut || _media is null || _options.InactivityTimeout <= TimeSpan.Zero)
        {
            return;
        }
        var last = Math.Max(Volatile.Read(ref _lastReceived), _configuredAt);
        var silent = _time.GetElapsedTime(last, now);
        if (silent >= _options.InactivityTimeout)
        {
            _timedOut = true;
            RtpLog.MediaTimeout(_logger, _ports.RtpPort, silent.TotalSeconds);
            if (MediaTimedOut is { } handler)
            {
                // Not on the clock thread: a slow handler must not delay every call's audio.
                ThreadPool.QueueUserWorkItem(static state => state.handler(state.endpoint), (handler, endpoint: this), preferLocal: false);
            }
        }
    }

    private void PublishMetrics()
    {
        var received = Volatile.Read(ref _stats.Received);
        var sent = Interlocked.Read(ref _sentPackets);
        var lost = Volatile.Read(ref _stats.Lost);
        if (received != _reportedReceived)
        {
            _metrics.PacketsReceived.Add(received - _reportedReceived);
            _reportedReceived = received;
        }
        if (sent != _reportedSent)
        {
            _metrics.PacketsSent.Add(sent - _reportedSent);
            _reportedSent = sent;
        }
        if (lost > _reportedLost)
        {
            _metrics.PacketsLost.Add(lost - _reportedLost);
            _reportedLost = lost;
        }
    }

    // RFC 3550 §6.4: a sender report while we send (e.g. playing a prompt), else a receiver report; both with SDES CNAME.
    // Reads reception statistics owned by the receive loop without synchronisation: a report may be a packet stale.
    private void SendRtcpReport(long now)
    {
        if (_media is null || _remoteRtcp is not { } remote)
        {
            return;
        }
        RtcpReportBlock? block = null;
        if (_stats.HasSource)
        {
            var (fraction, cumulative) = _stats.TakeLossReport();
            var lsr = Volatile.Read(ref _lastSenderReportNtp);
            var dlsr = lsr == 0 ? 0u : (uint)(_time.GetElapsedTime(Volatile.Read(ref _lastSenderReportAt), now).TotalSeconds * 65536);
            block = new RtcpReportBlock(_stats.Ssrc, fraction, cumulative, _stats.ExtendedHighestSequence, _stats.Jitter, lsr, dlsr);
        }
        var sent = Interlocked.Read(ref _sentPackets);
        int length;
        if (sent != _sentAtLastRtcp)
        {
            var elapsed = _outLastSend == 0 ? 0 : (long)((now - _outLastSend) * _clockUnitsPerTick);
            length = Rtcp.WriteSenderReport(_rtcpOut, _ssrc, Rtcp.ToNtp(_time.GetUtcNow()), _outTimestamp + (uint)elapsed, (uint)sent, (uint)_sentOctets, block, _cname);
        }
        else
        {
            length = Rtcp.WriteReceiverReport(_rtcpOut, _ssrc, block, _cname);
        }
        _sentAtLastRtcp = sent;
        try
        {
            _rtcp.SendTo(_rtcpOut.AsSpan(0, length), SocketFlags.None, remote);
        }
        catch (SocketException e)
        {
            RtpLog.SendFailed(_logger, _ports.RtcpPort, e.SocketErrorCode.ToString());
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ReceiveRtcpLoopAsync()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
        var source = new SocketAddress(_rtcp.AddressFamily);
        var packets = new RtcpPacketInfo[8];
        var rtcpLatched = false;
        await Task.Yield();
        while (true)
        {
            int received;
            try
            {
                received = await _rtcp.ReceiveFromAsync(buffer, SocketFlags.None, source).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ObjectDisposedException || (e is SocketException && _disposed != 0))
            {
                RtpLog.ReceiveLoopEnded(_logger, _ports.RtcpPort, e.GetType().Name);
                return;
            }
            catch (SocketException e)
            {
                RtpLog.ReceiveError(_logger, _ports.RtcpPort, e.SocketErrorCode.ToString());
                continue;
            }
            if (!Rtcp.TryReadCompound(buffer.AsSpan(0, received), packets, out var count))
            {
                continue;
            }
            if (!rtcpLatched || !source.Equals(_remoteRtcp))
            {
                // Symmetric RTCP (RFC 4961) like RTP; RTCP comes rarely, so follow the latest valid source.
                _remoteRtcp = Copy(source);
                rtcpLatched = true;
            }
            foreach (var info in packets.AsSpan(0, Math.Min(count, packets.Length)))
            {
                if (info.Type == RtcpPacketType.SenderReport)
                {
                    Volatile.Write(ref _lastSenderReportNtp, Rtcp.SenderReportNtpMiddle(buffer.AsSpan(info.Offset, info.Length)));
                    Volatile.Write(ref _lastSenderReportAt, _time.GetTimestamp());
                }
                else if (info.Type == RtcpPacketType.Bye)
                {
                    RtpLog.RtcpBye(_logger, _ports.RtcpPort, info.Ssrc);
                }
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _clock.Remove(this);
        RtpBridge.Detach(this);
        _recorder = null;
        if (_playback is { } playback)
        {
            EndPlayback(playback, PlaybackOutcome.Stopped);
        }
        _digits.Writer.TryComplete();
        PublishMetrics();
        _metrics.ActiveEndpoints.Add(-1);
        _ports.Dispose();
    }

    private sealed class Playback(IAudioFrameSource source, bool stopOnDigit)
    {
        public IAudioFrameSource Source { get; } = source;
        public bool StopOnDigit { get; } = stopOnDigit;
        // Continuations run elsewhere, never inline on the media clock or a receive loop.
        public TaskCompletionSource<PlaybackOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenRegistration Cancellation { get; set; }
        public long Started { get; set; }
        public long Frames { get; set; }
    }
}
