using System.Globalization;
using System.Net;
using System.Text;

namespace Lawline.Sip.Messages;

/// <summary>
/// A SIP or SIPS URI (RFC 3261 §19.1). Other schemes (tel:, unknown ones in RFC 4475 tests) are kept as
/// written with <see cref="IsSip"/> false, so a request to them can be answered 416 rather than dropped.
/// </summary>
public sealed class SipUri
{
    private string? raw;

    private SipUri(string scheme)
    {
        Scheme = scheme;
    }

    public string Scheme { get; }

    public bool IsSip => Scheme is "sip" or "sips";

    public string? User { get; private set; }

    public string? Password { get; private set; }

    /// <summary>Host name or address; IPv6 addresses keep their brackets, as in the URI.</summary>
    public string Host { get; private set; } = "";

    public int? Port { get; private set; }

    /// <summary>
    /// The user part with %HH escapes decoded (RFC 3261 §19.1.4: escaped and unescaped forms compare equal;
    /// RFC 4475 §3.1.1.3). Decoded octets are read as UTF-8; an escaped NUL stays a U+0000 character, so a user of
    /// <c>null-%00-null</c> is not cut short (RFC 4475 §3.1.1.4).
    /// </summary>
    public string? UnescapedUser => User is null ? null : Unescape(User);

    public SipParameters Parameters { get; private set; } = new();

    /// <summary>The <c>?name=value&amp;…</c> part, undecoded, without the '?'.</summary>
    public string? Headers { get; private set; }

    public string? Transport => Parameters["transport"];

    public static SipUri Create(string? user, string host, int? port = null, string scheme = "sip") =>
        new(scheme) { User = user, Host = host, Port = port };

    public static SipUri FromEndPoint(string? user, IPEndPoint endPoint) =>
        Create(user, FormatHost(endPoint.Address), endPoint.Port);

    public static string FormatHost(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    public static bool TryParse(string text, out SipUri? uri)
    {
        try
        {
            uri = Parse(text);
            return true;
        }
        catch (SipParseException)
        {
            uri = null;
            return false;
        }
    }

    public static SipUri Parse(string text)
    {
        text = text.Trim();
        var colon = text.IndexOf(':');
        if (colon <= 0 || !char.IsAsciiLetter(text[0]))
        {
            throw new SipParseException($"\"{Truncate(text)}\" is not a URI (no scheme).");
        }

        var scheme = text[..colon].ToLowerInvariant();
        foreach (var ch in scheme)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '+' or '-' or '.'))
            {
                throw new SipParseException($"Invalid URI scheme in \"{Truncate(text)}\".");
            }
        }

        var uri = new SipUri(scheme);
        if (!uri.IsSip)
        {
            foreach (var ch in text)
            {
                if (ch is ' ' or '\t' or '<' or '>' or '"')
                {
                    throw new SipParseException($"Invalid character in URI \"{Truncate(text)}\".");
                }
            }

            uri.raw = text;
            return uri;
        }

        var rest = text[(colon + 1)..];
        var at = rest.IndexOf('@');
        var hostPart = rest;
        if (at >= 0)
        {
            var userInfo = rest[..at];
            hostPart = rest[(at + 1)..];
            var passwordColon = userInfo.IndexOf(':');
            uri.User = passwordColon >= 0 ? userInfo[..passwordColon] : userInfo;
            uri.Password = passwordColon >= 0 ? userInfo[(passwordColon + 1)..] : null;
            if (uri.User.Length == 0)
            {
                throw new SipParseException($"Empty user part in \"{Truncate(text)}\".");
            }

            foreach (var ch in userInfo)
            {
                if (ch <= ' ' || ch is '<' or '>' or '"' or '\u007f')
                {
                    throw new SipParseException($"Invalid character in the user part of \"{Truncate(text)}\".");
                }
            }
        }

        var index = 0;
        if (hostPart.StartsWith('['))
        {
            var close = hostPart.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(hostPart[1..close], out _))
            {
                throw new SipParseException($"Invalid IPv6 reference in \"{Truncate(text)}\".");
            }

            index = close + 1;
        }
        else
        {
            while (index < hostPart.Length && (char.IsAsciiLetterOrDigit(hostPart[index]) || hostPart[index] is '-' or '.' or '_'))
            {
                index++;
            }
        }

        uri.Host = hostPart[..index];
        if (uri.Host.Length == 0)
        {
            throw new SipParseException($"No host in \"{Truncate(text)}\".");
        }

        if (index < hostPart.Length && hostPart[index] == ':')
        {
            var portStart = ++index;
            while (index < hostPart.Length && char.IsAsciiDigit(hostPart[index]))
            {
                index++;
            }

            if (!int.TryParse(hostPart.AsSpan(portStart, index - portStart), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                || port > 65535)
            {
                throw new SipParseException($"Invalid port in \"{Truncate(text)}\".");
            }

            uri.Port = port;
        }

        uri.Parameters = HeaderSyntax.ParseParameters(hostPart, ref index, ';', '?');
        if (index < hostPart.Length)
        {
            if (hostPart[index] != '?')
            {
                throw new SipParseException($"Unexpected \"{hostPart[index]}\" in \"{Truncate(text)}\".");
            }

            uri.Headers = hostPart[(index + 1)..];
        }

        foreach (var (name, _) in uri.Parameters.All)
        {
            if (name.Length == 0)
            {
                throw new SipParseException($"Empty URI parameter in \"{Truncate(text)}\".");
            }
        }

        return uri;
    }

    public SipUri Clone()
    {
        var copy = (SipUri)MemberwiseClone();
        copy.Parameters = Parameters.Clone();
        return copy;
    }

    public SipUri WithoutParameters()
    {
        var copy = Clone();
        copy.Parameters = new SipParameters();
        copy.Headers = null;
        copy.raw = null;
        return copy;
    }

    /// <summary>The address of record form used as a registrar key: <c>sip:user@host</c>, lower-cased host.</summary>
    public string ToAddressOfRecord() => IsSip
        ? $"{Scheme}:{User}@{Host.ToLowerInvariant()}"
        : ToString();

    public override string ToString()
    {
        if (raw is not null)
        {
            return raw;
        }

        var builder = new StringBuilder(64).Append(Scheme).Append(':');
        if (User is not null)
        {
            builder.Append(User);
            if (Password is not null)
            {
                builder.Append(':').Append(Password);
            }

            builder.Append('@');
        }

        builder.Append(Host);
        if (Port is { } port)
        {
            builder.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }

        Parameters.AppendTo(builder);
        if (Headers is not null)
        {
            builder.Append('?').Append(Headers);
        }

        return builder.ToString();
    }

    /// <summary>Decodes %HH escapes; a '%' not followed by two hex digits is kept as written (never throws).</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('%'))
        {
            return text;
        }

        var bytes = new List<byte>(text.Length);
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
            {
                bytes.Add((byte)Convert.ToInt32(text.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }

            Flush();
            builder.Append(text[i]);
        }

        Flush();
        return builder.ToString();

        void Flush()
        {
            if (bytes.Count > 0)
            {
                builder.Append(Encoding.UTF8.GetString(bytes.ToArray()));
                bytes.Clear();
            }
        }
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
