using System.Threading.Channels;
using Lawline.Sip.Media;

namespace Lawline.Sip.Calls;

/// <summary>Identifies one leg of a call: the caller's leg and each agent's leg are separate.</summary>
public readonly record struct CallLegId(string Value)
{
    public override string ToString() => Value;
}

public enum LegDirection
{
    /// <summary>The far end called us (a citizen through the trunk, or an agent's phone dialling out).</summary>
    Inbound,

    /// <summary>We called the far end (an agent's phone, a mobile through the trunk, 12345).</summary>
    Outbound,
}

/// <summary>Why a leg ended, in terms the routing logic and the statistics use.</summary>
public enum HangupCause
{
    Normal,
    Busy,
    NoAnswer,
    Rejected,
    NotFound,
    Unavailable,
    Cancelled,
    MediaTimeout,
    SessionExpired,
    Failed,
}

/// <summary>An event from the engine about one leg. Events of one leg are delivered in order.</summary>
public abstract record CallEvent(CallLegId Leg, DateTimeOffset At);

/// <summary>A new inbound call: decide to ring, answer or reject it.</summary>
public sealed record CallOffered(
    CallLegId Leg,
    DateTimeOffset At,
    string CallerNumber,
    string? CallerName,
    string DialedNumber,
    string SipCallId,
    string Source,
    bool FromRegisteredUser) : CallEvent(Leg, At);

/// <summary>An outbound leg is ringing (180) or has early media (183).</summary>
public sealed record CallRinging(CallLegId Leg, DateTimeOffset At, bool EarlyMedia) : CallEvent(Leg, At);

public sealed record CallAnswered(CallLegId Leg, DateTimeOffset At) : CallEvent(Leg, At);

/// <summary>An RFC 4733 digit (or SIP INFO dtmf-relay) from the leg, reported once per key press.</summary>
public sealed record DtmfReceived(CallLegId Leg, DateTimeOffset At, char Digit, TimeSpan Duration) : CallEvent(Leg, At);

/// <summary>The leg's phone put the call on hold (sendonly/inactive/0.0.0.0) or resumed it.</summary>
public sealed record HoldChanged(CallLegId Leg, DateTimeOffset At, bool OnHold) : CallEvent(Leg, At);

/// <summary>Two legs were bridged (media flows between them) or unbridged.</summary>
public sealed record LegsBridged(CallLegId Leg, DateTimeOffset At, CallLegId Other) : CallEvent(Leg, At);

/// <summary>The leg's phone asked to transfer its partner (REFER); the engine carries it out itself.</summary>
public sealed record TransferRequested(CallLegId Leg, DateTimeOffset At, string Target, CallLegId? Partner) : CallEvent(Leg, At);

/// <summary>A transfer finished: the partner is now bridged to <see cref="NewLeg"/>, or the attempt failed with <see cref="SipStatus"/>.</summary>
public sealed record TransferCompleted(CallLegId Leg, DateTimeOffset At, CallLegId? Partner, CallLegId? NewLeg, bool Succeeded, int SipStatus) : CallEvent(Leg, At);

public sealed record RecordingStopped(CallLegId Leg, DateTimeOffset At, string Path, TimeSpan Duration) : CallEvent(Leg, At);

public sealed record CallEnded(CallLegId Leg, DateTimeOffset At, HangupCause Cause, int SipStatus, bool ByRemote) : CallEvent(Leg, At);

/// <summary>Where to place an outbound leg.</summary>
public abstract record OriginateTarget
{
    /// <summary>Every device registered for an agent's account (parallel forking; the first to answer wins).</summary>
    public sealed record Registered(string User) : OriginateTarget;

    /// <summary>A number through a configured outbound trunk (12345, 110, an agent's mobile).</summary>
    public sealed record Trunk(string TrunkName, string Number) : OriginateTarget;

    /// <summary>A SIP URI sent directly to its host and port.</summary>
    public sealed record Uri(string SipUri) : OriginateTarget;
}

public sealed record OriginateRequest(OriginateTarget Target)
{
    /// <summary>The number shown to the called party.</summary>
    public string CallerNumber { get; init; } = "lawline";

    public string? CallerName { get; init; }

    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An unanswered inbound leg that should hear this leg's ringback or early media (183).</summary>
    public CallLegId? EarlyMediaFor { get; init; }

    /// <summary>Extra headers for the INVITE (e.g. X-Lawline-Queue for the agent's phone display).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}

public sealed record OriginateResult(CallLegId? Leg, bool Answered, HangupCause Cause, int SipStatus)
{
    public static OriginateResult Failed(HangupCause cause, int status) => new(null, false, cause, status);
}

public sealed record CollectDigitsOptions
{
    public int MaxDigits { get; init; } = 1;

    public TimeSpan FirstDigitTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan InterDigitTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>A key that ends collection (not included in the result), e.g. '#'.</summary>
    public char? Terminator { get; init; }

    /// <summary>Digits pressed during a preceding prompt count (type-ahead); a digit also stops the prompt.</summary>
    public bool IncludeBufferedDigits { get; init; } = true;
}

public enum DigitCollectionOutcome
{
    Complete,
    Terminated,
    Timeout,
    HungUp,
}

public sealed record DigitResult(string Digits, DigitCollectionOutcome Outcome);

/// <summary>
/// The seam between the telephony engine and the routing/IVR logic. Routing never touches SIP; an adapter for
/// FreeSWITCH (Event Socket) or Asterisk (ARI) could implement the same interface.
/// </summary>
public interface ICallControl
{
    ChannelReader<CallEvent> Events { get; }

    /// <summary>Sends 180 Ringing (or 183 with early media when <paramref name="earlyMedia"/>) to an inbound leg.</summary>
    Task RingAsync(CallLegId leg, bool earlyMedia = false, CancellationToken cancellationToken = default);

    /// <summary>Answers an inbound leg (200 OK with the SDP answer).</summary>
    Task AnswerAsync(CallLegId leg, CancellationToken cancellationToken = default);

    /// <summary>Plays a prompt; completes when it ends, is stopped, or a digit barges in (when asked).</summary>
    Task PlayAsync(CallLegId leg, IAudioFrameSource source, bool stopOnDigit = false, CancellationToken cancellationToken = default);

    /// <summary>Plays a WAV file (µ-law, A-law or PCM16, 8 kHz mono), optionally looped (music on hold).</summary>
    Task PlayFileAsync(CallLegId leg, string path, bool loop = false, bool stopOnDigit = false, CancellationToken cancellationToken = default);

    void StopPlayback(CallLegId leg);

    Task<DigitResult> CollectDigitsAsync(CallLegId leg, CollectDigitsOptions options, CancellationToken cancellationToken = default);

    Task<OriginateResult> OriginateAsync(OriginateRequest request, CancellationToken cancellationToken = default);

    /// <summary>Connects the media of two legs. With <paramref name="hangUpTogether"/>, when one leg ends the other is hung up.</summary>
    Task BridgeAsync(CallLegId a, CallLegId b, bool hangUpTogether = true);

    Task UnbridgeAsync(CallLegId leg);

    /// <summary>Records the leg (left channel) and whatever it is bridged to (right channel) into a stereo WAV.</summary>
    Task StartRecordingAsync(CallLegId leg, string path);

    Task StopRecordingAsync(CallLegId leg);

    /// <summary>Puts the leg on hold: it hears music on hold and its partner hears silence, until <see cref="ResumeAsync"/>.</summary>
    Task HoldAsync(CallLegId leg);

    Task ResumeAsync(CallLegId leg);

    /// <summary>
    /// Blind transfer: the partner of <paramref name="leg"/> is connected to <paramref name="target"/> and
    /// <paramref name="leg"/> is hung up once the target answers. Returns the new leg, or the failure.
    /// </summary>
    Task<OriginateResult> TransferAsync(CallLegId leg, OriginateTarget target, CancellationToken cancellationToken = default);

    Task HangupAsync(CallLegId leg, HangupCause cause = HangupCause.Normal);

    /// <summary>A snapshot of one leg, or null when it has ended.</summary>
    CallLegInfo? GetLeg(CallLegId leg);

    IReadOnlyList<CallLegInfo> ActiveLegs();
}

public enum LegState
{
    Offered,
    Ringing,
    EarlyMedia,
    Answered,
    Ended,
}

public sealed record CallLegInfo(
    CallLegId Id,
    LegDirection Direction,
    LegState State,
    string RemoteNumber,
    CallLegId? BridgedTo,
    bool OnHold,
    bool Recording,
    DateTimeOffset CreatedAt,
    DateTimeOffset? AnsweredAt);
