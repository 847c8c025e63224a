using System.Globalization;
using System.Net;
using System.Text;

namespace Lawline.Sip.Sdp;

// One "x=value" line this model does not interpret (i=, u=, e=, p=, b=, z=, k=, r= ...); kept so a
// re-serialised description loses nothing (RFC 8866 §5: unknown types are ignored, not rejected).
public sealed record SdpLine(char Type, string Value);

// a=name or a=name:value (RFC 8866 §5.13).
public sealed record SdpAttribute(string Name, string? Value = null)
{
    public override string ToString() => Value is null ? Name : $"{Name}:{Value}";
}

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866 §5.2).
// Ids stay strings: some peers put non-numeric or >64-bit values there and we only echo them.
public sealed record SdpOrigin(string Username, string SessionId, string SessionVersion, string NetType, string AddressType, string Address)
{
    public override string ToString() => $"{Username} {SessionId} {SessionVersion} {NetType} {AddressType} {Address}";
}

// c=<nettype> <addrtype> <connection-address> (RFC 8866 §5.7). Address keeps any "/ttl" suffix.
public sealed record SdpConnection(string NetType, string AddressType, string Address)
{
    public static SdpConnection For(IPAddress address) =>
        new("IN", address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IP6" : "IP4", address.ToString());

    // RFC 3264 §8.4: the pre-RFC 3264 way to put a stream on hold was c=0.0.0.0.
    public bool IsHoldAddress => HostPart is "0.0.0.0" or "::";

    private string HostPart => Address.IndexOf('/') is var slash and >= 0 ? Address[..slash] : Address;

    public IPAddress? TryGetAddress() => IPAddress.TryParse(HostPart, out var ip) ? ip : null;

    public override string ToString() => $"{NetType} {AddressType} {Address}";
}

// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>] (RFC 8866 §6.6).
public sealed record RtpMap(int PayloadType, string Encoding, int ClockRate, int? Channels = null)
{
    public override string ToString() => Channels is { } c ? $"{PayloadType} {Encoding}/{ClockRate}/{c}" : $"{PayloadType} {Encoding}/{ClockRate}";

    // RFC 3551 §6, table 4: static payload types that need no rtpmap.
    internal static RtpMap? Static(int payloadType) => payloadType switch
    {
        0 => new(0, "PCMU", 8000),
        3 => new(3, "GSM", 8000),
        4 => new(4, "G723", 8000),
        8 => new(8, "PCMA", 8000),
        9 => new(9, "G722", 8000),
        13 => new(13, "CN", 8000),
        18 => new(18, "G729", 8000),
        _ => null,
    };
}

public sealed class MediaDescription
{
    public string Media { get; set; } = "audio";
    public int Port { get; set; }
    public int? PortCount { get; set; }
    public string Protocol { get; set; } = "RTP/AVP";
    public List<string> Formats { get; } = [];
    public SdpConnection? Connection { get; set; }
    public List<SdpAttribute> Attributes { get; } = [];
    // i=, b=, k= lines of this media section, in the order they came.
    public List<SdpLine> OtherLines { get; } = [];

    public bool IsRejected => Port == 0;

    public IEnumerable<SdpAttribute> AttributesNamed(string name)
    {
        foreach (var attribute in Attributes)
        {
            if (string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                yield return attribute;
            }
        }
    }

    public MediaDirection? Direction
    {
        get
        {
            foreach (var attribute in Attributes)
            {
                if (MediaDirectionExtensions.Parse(attribute.Name) is { } direction)
                {
                    return direction;
                }
            }
            return null;
        }
    }

    // RFC 3605: a=rtcp:<port> [nettype addrtype address].
    public int? RtcpPort
    {
        get
        {
            foreach (var attribute in AttributesNamed("rtcp"))
            {
                var value = attribute.Value ?? "";
                var end = value.IndexOf(' ');
                if (int.TryParse(end < 0 ? value : value[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
                {
                    return port;
                }
            }
            return null;
        }
    }

    public IPAddress? RtcpAddress
    {
        get
        {
            foreach (var attribute in AttributesNamed("rtcp"))
            {
                var parts = (attribute.Value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 4 && IPAddress.TryParse(parts[3], out var ip))
                {
                    return ip;
                }
            }
            return null;
        }
    }

    // The rtpmap for a format, falling back to RFC 3551's static assignments.
    public RtpMap? GetRtpMap(int payloadType)
    {
        foreach (var attribute in AttributesNamed("rtpmap"))
        {
            if (ParseRtpMap(attribute.Value) is { } map && map.PayloadType == payloadType)
            {
                return map;
            }
        }
        return RtpMap.Static(payloadType);
    }

    public string? GetFmtp(int payloadType)
    {
        var prefix = payloadType.ToString(CultureInfo.InvariantCulture) + " ";
        foreach (var attribute in AttributesNamed("fmtp"))
        {
            if (attribute.Value is { } value && value.StartsWith(prefix, StringComparison.Ordinal))
            {
                return value[prefix.Length..].Trim();
            }
        }
        return null;
    }

    // The formats as payload type numbers, in the offerer's preference order (RFC 3264 §5.1); non-numeric ones skipped.
    public IEnumerable<int> PayloadTypes()
    {
        foreach (var format in Formats)
        {
            if (int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) && pt is >= 0 and <= 127)
            {
                yield return pt;
            }
        }
    }

    private static RtpMap? ParseRtpMap(string? value)
    {
        if (value is null)
        {
            return null;
        }
        var space = value.IndexOf(' ');
        if (space <= 0 || !int.TryParse(value.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var pt))
        {
            return null;
        }
        var parts = value[(space + 1)..].Trim().Split('/');
        if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var clock))
        {
            return null;
        }
        int? channels = parts.Length > 2 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : null;
        return new RtpMap(pt, parts[0], clock, channels);
    }

    internal void AppendTo(StringBuilder sdp)
    {
        sdp.Append("m=").Append(Media).Append(' ').Append(Port.ToString(CultureInfo.InvariantCulture));
        if (PortCount is { } count)
        {
            sdp.Append('/').Append(count.ToString(CultureInfo.InvariantCulture));
        }
        sdp.Append(' ').Append(Protocol);
        foreach (var format in Formats)
        {
            sdp.Append(' ').Append(format);
        }
        sdp.Append("\r\n");
        // RFC 8866 §5: i= c= b= k= a= within a media description.
        SessionDescription.AppendLines(sdp, OtherLines, "i");
        if (Connection is not null)
        {
            sdp.Append("c=").Append(Connection).Append("\r\n");
        }
        SessionDescription.AppendLines(sdp, OtherLines, "bk");
        foreach (var attribute in Attributes)
        {
            sdp.Append("a=").Append(attribute).Append("\r\n");
        }
    }
}

public sealed class SessionDescription
{
    public int Version { get; set; }
    public SdpOrigin Origin { get; set; } = new("-", "0", "0", "IN", "IP4", "0.0.0.0");
    public string SessionName { get; set; } = "-";
    public SdpConnection? Connection { get; set; }
    public string Timing { get; set; } = "0 0";
    public List<SdpAttribute> Attributes { get; } = [];
    // i=, u=, e=, p=, b=, r=, z=, k= and any unknown letters at session level.
    public List<SdpLine> OtherLines { get; } = [];
    public List<MediaDescription> Media { get; } = [];

    public MediaDirection? Direction
    {
        get
        {
            foreach (var attribute in Attributes)
            {
                if (MediaDirectionExtensions.Parse(attribute.Name) is { } direction)
                {
                    return direction;
                }
            }
            return null;
        }
    }

    // RFC 8866 §6.7: a media-level direction overrides the session level; sendrecv is the default.
    public MediaDirection EffectiveDirection(MediaDescription media) => media.Direction ?? Direction ?? MediaDirection.SendRecv;

    // RFC 8866 §5.7: a media-level c= overrides the session-level one.
    public SdpConnection? EffectiveConnection(MediaDescription media) => media.Connection ?? Connection;

    public static SessionDescription Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sdp = new SessionDescription();
        MediaDescription? media = null;
        bool sawVersion = false, sawOrigin = false;
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r', ' ', '\t');
            if (line.Length == 0)
            {
                continue;
            }
            if (line.Length < 2 || line[1] != '=' || !char.IsAsciiLetter(line[0]))
            {
                throw new SdpParseException($"expected '<letter>=<value>', got '{Shorten(line)}'", lineNumber);
            }
            var type = line[0];
            var value = line[2..];
            switch (type)
            {
                case 'v':
                    if (value.Trim() != "0")
                    {
                        throw new SdpParseException($"unsupported SDP version '{Shorten(value)}'", lineNumber);
                    }
                    sawVersion = true;
                    break;
                case 'o':
                    sdp.Origin = ParseOrigin(value, lineNumber);
                    sawOrigin = true;
                    break;
                case 's' when media is null:
                    sdp.SessionName = value;
                    break;
                case 't' when media is null:
                    sdp.Timing = value;
                    break;
                case 'c':
                    var connection = ParseConnection(value, lineNumber);
                    if (media is null)
                    {
                        sdp.Connection = connection;
                    }
                    else
                    {
                        media.Connection = connection;
                    }
                    break;
                case 'm':
                    media = ParseMedia(value, lineNumber);
                    sdp.Media.Add(media);
                    break;
                case 'a':
                    var colon = value.IndexOf(':');
                    var attribute = colon < 0 ? new SdpAttribute(value) : new SdpAttribute(value[..colon], value[(colon + 1)..]);
                    (media?.Attributes ?? sdp.Attributes).Add(attribute);
                    break;
                default:
                    (media?.OtherLines ?? sdp.OtherLines).Add(new SdpLine(type, value));
                    break;
            }
        }
        if (!sawVersion || !sawOrigin)
        {
            throw new SdpParseException(sawVersion ? "missing o= line" : "missing v= line");
        }
        return sdp;
    }

    public override string ToString()
    {
        // RFC 8866 §5: v o s i u e p c b t r z k a, then the media descriptions; CRLF line ends.
        var sdp = new StringBuilder(512);
        sdp.Append("v=").Append(Version.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        sdp.Append("o=").Append(Origin).Append("\r\n");
        sdp.Append("s=").Append(SessionName.Length == 0 ? "-" : SessionName).Append("\r\n");
        AppendLines(sdp, OtherLines, "iuep");
        if (Connection is not null)
        {
            sdp.Append("c=").Append(Connection).Append("\r\n");
        }
        AppendLines(sdp, OtherLines, "b");
        sdp.Append("t=").Append(Timing).Append("\r\n");
        AppendLines(sdp, OtherLines, "rzk");
        foreach (var line in OtherLines)
        {
            if (!"iuepbrzk".Contains(line.Type, StringComparison.Ordinal))
            {
                sdp.Append(line.Type).Append('=').Append(line.Value).Append("\r\n");
            }
        }
        foreach (var attribute in Attributes)
        {
            sdp.Append("a=").Append(attribute).Append("\r\n");
        }
        foreach (var media in Media)
        {
            media.AppendTo(sdp);
        }
        return sdp.ToString();
    }

    internal static void AppendLines(StringBuilder sdp, List<SdpLine> lines, string types)
    {
        foreach (var line in lines)
        {
            if (types.Contains(line.Type, StringComparison.Ordinal))
            {
                sdp.Append(line.Type).Append('=').Append(line.Value).Append("\r\n");
            }
        }
    }

    private static SdpOrigin ParseOrigin(string value, int lineNumber)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            throw new SdpParseException($"o= needs 6 fields, got {parts.Length}", lineNumber);
        }
        return new SdpOrigin(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
    }

    private static SdpConnection ParseConnection(string value, int lineNumber)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3)
        {
            throw new SdpParseException($"c= needs 3 fields, got {parts.Length}", lineNumber);
        }
        return new SdpConnection(parts[0], parts[1], parts[2]);
    }

    private static MediaDescription ParseMedia(string value, int lineNumber)
    {
        // m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866 §5.14)
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3)
        {
            throw new SdpParseException($"m= needs media, port and proto, got '{Shorten(value)}'", lineNumber);
        }
        var portText = parts[1];
        int? count = null;
        var slash = portText.IndexOf('/');
        if (slash >= 0)
        {
            if (!int.TryParse(portText.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                throw new SdpParseException($"bad port count in '{Shorten(portText)}'", lineNumber);
            }
            count = n;
            portText = portText[..slash];
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new SdpParseException($"bad port '{Shorten(portText)}'", lineNumber);
        }
        var media = new MediaDescription { Media = parts[0], Port = port, PortCount = count, Protocol = parts[2] };
        media.Formats.AddRange(parts.Skip(3));
        return media;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
