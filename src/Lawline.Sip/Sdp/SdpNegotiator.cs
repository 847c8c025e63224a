using System.Globalization;
using System.Net;
using Lawline.Sip.Media;

namespace Lawline.Sip.Sdp;

// What one offer/answer exchange settled for a leg's audio stream; RtpEndpoint.Configure takes it.
// RemoteRtp is null when the peer gave no usable address (c=0.0.0.0 hold, RFC 3264 §8.4).
public sealed record NegotiatedMedia(
    IPEndPoint? RemoteRtp,
    IPEndPoint? RemoteRtcp,
    AudioCodec Codec,
    int PayloadType,
    int? TelephoneEventPayloadType,
    MediaDirection LocalDirection,
    MediaDirection RemoteDirection)
{
    // The peer does not want our audio: it sent sendonly/inactive or c=0.0.0.0.
    public bool RemoteHold => !RemoteDirection.Receives();

    public bool WeMaySend => LocalDirection.Sends() && RemoteDirection.Receives() && RemoteRtp is not null;
}

public sealed record SdpAnswer(SessionDescription Answer, NegotiatedMedia? Media);

// The o= line of one leg. RFC 3264 §8: a new offer keeps the origin and increments the version; the
// version only moves when the description changes, so session-timer refreshes re-send the same SDP
// and peers do not see a renegotiation that is not one.
public sealed class SdpOriginState(string address, ulong? sessionId = null, string username = "lawline")
{
    private string? _lastBody;

    public string Username { get; } = username;
    public ulong SessionId { get; } = sessionId ?? (ulong)Random.Shared.NextInt64(1, long.MaxValue);
    public ulong Version { get; private set; } = 1;
    public string Address { get; } = address;

    internal void Stamp(SessionDescription sdp)
    {
        var addressType = IPAddress.TryParse(Address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IP6" : "IP4";
        sdp.Origin = new SdpOrigin(Username, SessionId.ToString(CultureInfo.InvariantCulture), "0", "IN", addressType, Address);
        var body = sdp.ToString();
        if (_lastBody is not null && body != _lastBody)
        {
            Version++;
        }
        _lastBody = body;
        sdp.Origin = sdp.Origin with { SessionVersion = Version.ToString(CultureInfo.InvariantCulture) };
    }
}

public static class SdpNegotiator
{
    public const int OfferedTelephoneEventPayloadType = 101;
    public const int PacketTime = 20;

    // RFC 3264 §6: answer an offer. We speak G.711 only (PCMU first, PCMA second, in the offerer's order)
    // and RFC 4733 events at 8000 Hz with the offerer's payload type number.
    public static SdpAnswer Answer(SessionDescription offer, SdpOriginState origin, IPAddress localAddress, int localPort,
        MediaDirection localDirection = MediaDirection.SendRecv)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(origin);
        var answer = new SessionDescription { Connection = SdpConnection.For(localAddress), SessionName = "-" };
        NegotiatedMedia? negotiated = null;
        foreach (var offered in offer.Media)
        {
            // RFC 3264 §6: one m= line in the answer per m= line in the offer, same order; refusing means port 0.
            var accepted = negotiated is null && !offered.IsRejected && IsRtpAudio(offered) ? ChooseCodec(offered) : null;
            if (accepted is not { } codec)
            {
                answer.Media.Add(Rejected(offered));
                continue;
            }
            var eventType = ChooseTelephoneEvent(offered);
            var remoteDirection = offer.EffectiveDirection(offered);
            var connection = offer.EffectiveConnection(offered);
            // RFC 3264 §8.4: c=0.0.0.0 means "do not send to me"; treat it like the peer's sendonly/inactive.
            if (connection is null || connection.IsHoldAddress)
            {
                remoteDirection = MediaDirectionExtensions.From(remoteDirection.Sends(), receives: false);
            }
            // RFC 3264 §6.1: we may send only if the peer receives, and receive only if the peer sends.
            var answerDirection = MediaDirectionExtensions.From(
                localDirection.Sends() && remoteDirection.Receives(),
                localDirection.Receives() && remoteDirection.Sends());
            var media = new MediaDescription { Media = "audio", Port = localPort, Protocol = offered.Protocol };
            media.Formats.Add(codec.PayloadType.ToString(CultureInfo.InvariantCulture));
            media.Attributes.Add(new SdpAttribute("rtpmap", $"{codec.PayloadType} {codec.Map.Encoding}/8000"));
            if (eventType is { } te)
            {
                media.Formats.Add(te.PayloadType.ToString(CultureInfo.InvariantCulture));
                media.Attributes.Add(new SdpAttribute("rtpmap", $"{te.PayloadType} telephone-event/8000"));
                media.Attributes.Add(new SdpAttribute("fmtp", $"{te.PayloadType} {te.Events}"));
            }
            media.Attributes.Add(new SdpAttribute("ptime", PacketTime.ToString(CultureInfo.InvariantCulture)));
            media.Attributes.Add(new SdpAttribute(answerDirection.ToSdp()));
            answer.Media.Add(media);
            negotiated = new NegotiatedMedia(RemoteRtp(connection, offered), RemoteRtcp(connection, offered), codec.Codec, codec.PayloadType,
                eventType?.PayloadType, answerDirection, remoteDirection);
        }
        origin.Stamp(answer);
        return new SdpAnswer(answer, negotiated);
    }

    // An offer of PCMU, PCMA and telephone-event/8000 (PT 101); used for outbound legs and re-INVITEs (hold: SendOnly).
    public static SessionDescription CreateOffer(SdpOriginState origin, IPAddress localAddress, int localPort,
        MediaDirection direction = MediaDirection.SendRecv)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var offer = new SessionDescription { Connection = SdpConnection.For(localAddress) };
        var media = new MediaDescription { Media = "audio", Port = localPort, Protocol = "RTP/AVP" };
        media.Formats.AddRange(["0", "8", OfferedTelephoneEventPayloadType.ToString(CultureInfo.InvariantCulture)]);
        media.Attributes.Add(new SdpAttribute("rtpmap", "0 PCMU/8000"));
        media.Attributes.Add(new SdpAttribute("rtpmap", "8 PCMA/8000"));
        media.Attributes.Add(new SdpAttribute("rtpmap", $"{OfferedTelephoneEventPayloadType} telephone-event/8000"));
        media.Attributes.Add(new SdpAttribute("fmtp", $"{OfferedTelephoneEventPayloadType} 0-16"));
        media.Attributes.Add(new SdpAttribute("ptime", PacketTime.ToString(CultureInfo.InvariantCulture)));
        media.Attributes.Add(new SdpAttribute(direction.ToSdp()));
        offer.Media.Add(media);
        origin.Stamp(offer);
        return offer;
    }

    // Reads the answer to one of our offers. Null when the answerer rejected the audio stream or chose
    // nothing we offered (the SIP layer then ends the call: RFC 3264 §6 leaves no usable stream).
    public static NegotiatedMedia? ProcessAnswer(SessionDescription offer, SessionDescription answer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(answer);
        for (var i = 0; i < answer.Media.Count && i < offer.Media.Count; i++)
        {
            var answered = answer.Media[i];
            if (answered.IsRejected || !IsRtpAudio(answered) || !IsRtpAudio(offer.Media[i]))
            {
                continue;
            }
            // RFC 3264 §7: the answerer's first format is the one it will send; we accept only what we offered.
            var offered = offer.Media[i].PayloadTypes().ToHashSet();
            (AudioCodec Codec, int PayloadType)? chosen = null;
            foreach (var pt in answered.PayloadTypes())
            {
                if (offered.Contains(pt) && CodecOf(answered.GetRtpMap(pt)) is { } codec)
                {
                    chosen = (codec, pt);
                    break;
                }
            }
            if (chosen is not { } c)
            {
                return null;
            }
            var eventType = ChooseTelephoneEvent(answered);
            var localDirection = offer.EffectiveDirection(offer.Media[i]);
            var remoteDirection = answer.EffectiveDirection(answered);
            var connection = answer.EffectiveConnection(answered);
            if (connection is null || connection.IsHoldAddress)
            {
                remoteDirection = MediaDirectionExtensions.From(remoteDirection.Sends(), receives: false);
            }
            return new NegotiatedMedia(RemoteRtp(connection, answered), RemoteRtcp(connection, answered), c.Codec, c.PayloadType,
                eventType?.PayloadType, localDirection, remoteDirection);
        }
        return null;
    }

    private static bool IsRtpAudio(MediaDescription media) =>
        string.Equals(media.Media, "audio", StringComparison.OrdinalIgnoreCase)
        && (string.Equals(media.Protocol, "RTP/AVP", StringComparison.OrdinalIgnoreCase)
            || string.Equals(media.Protocol, "RTP/AVPF", StringComparison.OrdinalIgnoreCase));

    private static MediaDescription Rejected(MediaDescription offered)
    {
        // RFC 3264 §6: a rejected stream keeps its media type and protocol and lists at least one format.
        var rejected = new MediaDescription { Media = offered.Media, Port = 0, Protocol = offered.Protocol };
        rejected.Formats.Add(offered.Formats.Count > 0 ? offered.Formats[0] : "0");
        return rejected;
    }

    private static (AudioCodec Codec, int PayloadType, RtpMap Map)? ChooseCodec(MediaDescription offered)
    {
        foreach (var pt in offered.PayloadTypes())
        {
            var map = offered.GetRtpMap(pt);
            if (CodecOf(map) is { } codec)
            {
                return (codec, pt, map!);
            }
        }
        return null;
    }

    private static AudioCodec? CodecOf(RtpMap? map) => map switch
    {
        { ClockRate: 8000, Channels: null or 1 } when string.Equals(map.Encoding, "PCMU", StringComparison.OrdinalIgnoreCase) => AudioCodec.Pcmu,
        { ClockRate: 8000, Channels: null or 1 } when string.Equals(map.Encoding, "PCMA", StringComparison.OrdinalIgnoreCase) => AudioCodec.Pcma,
        _ => null,
    };

    // RFC 4733 §7.1.1: telephone-event at the audio clock (8000 Hz); linphone also offers 48000 and 16000.
    private static (int PayloadType, string Events)? ChooseTelephoneEvent(MediaDescription media)
    {
        foreach (var pt in media.PayloadTypes())
        {
            if (media.GetRtpMap(pt) is { ClockRate: 8000 } map && string.Equals(map.Encoding, "telephone-event", StringComparison.OrdinalIgnoreCase))
            {
                var fmtp = media.GetFmtp(pt);
                return (pt, fmtp is "0-15" or "0-16" ? fmtp : "0-15");
            }
        }
        return null;
    }

    private static IPEndPoint? RemoteRtp(SdpConnection? connection, MediaDescription media) =>
        connection is { IsHoldAddress: false } && connection.TryGetAddress() is { } ip && media.Port > 0 ? new IPEndPoint(ip, media.Port) : null;

    // RFC 3605 a=rtcp, else RFC 3550 §11: the next higher (odd) port.
    private static IPEndPoint? RemoteRtcp(SdpConnection? connection, MediaDescription media)
    {
        if (connection is not { IsHoldAddress: false } || media.Port == 0)
        {
            return null;
        }
        var ip = media.RtcpAddress ?? connection.TryGetAddress();
        return ip is null ? null : new IPEndPoint(ip, media.RtcpPort ?? Math.Min(media.Port + 1, 65535));
    }
}
