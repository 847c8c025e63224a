using System.Globalization;
using System.Text;

namespace Lawline.Sip.Messages;

/// <summary>
/// Parses one SIP message from a datagram (RFC 3261 §7, §25). Tolerant where real phones vary (compact header
/// names, line folding, any case, LF-only line ends, missing Content-Length over UDP), strict where RFC 3261 and
/// RFC 4475 say a message must be rejected (bad start line, missing or duplicated single-value headers, a body
/// shorter than its Content-Length). Every failure is a <see cref="SipParseException"/>.
/// </summary>
public static class SipParser
{
    private const int MaxHeaders = 256;

    // Decoding never throws: invalid UTF-8 becomes U+FFFD and is rejected later only where the grammar matters.
    private static readonly Encoding Utf8 = new UTF8Encoding(false, false);

    /// <summary>True for a keep-alive datagram (RFC 5626 §4.4.1 CRLF, or empty).</summary>
    public static bool IsKeepAlive(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b is not ((byte)'\r' or (byte)'\n' or (byte)' ' or 0))
            {
                return false;
            }
        }

        return true;
    }

    public static SipMessage Parse(ReadOnlySpan<byte> data)
    {
        // RFC 3261 §7.5: ignore CRLFs before the start line.
        var offset = 0;
        while (offset < data.Length && data[offset] is (byte)'\r' or (byte)'\n')
        {
            offset++;
        }

        data = data[offset..];
        var headerEnd = FindHeaderEnd(data, out var separatorLength);
        if (headerEnd < 0)
        {
            throw new SipParseException("The message has no empty line after its headers.");
        }

        var headerText = Utf8.GetString(data[..headerEnd]);
        var lines = SplitLines(headerText);
        if (lines.Count == 0 || lines[0].Length == 0)
        {
            throw new SipParseException("Empty start line.");
        }

        var headers = ParseHeaders(lines);
        var message = ParseStartLine(lines[0], headers);
        var bodyData = data[(headerEnd + separatorLength)..];
        message.Body = ReadBody(headers, bodyData);
        Validate(message);
        return message;
    }

    public static SipMessage Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));

    public static bool TryParse(ReadOnlySpan<byte> data, out SipMessage? message, out string? error)
    {
        try
        {
            message = Parse(data);
            error = null;
            return true;
        }
        catch (SipParseException exception)
        {
            message = null;
            error = exception.Message;
            return false;
        }
    }

    private static int FindHeaderEnd(ReadOnlySpan<byte> data, out int separatorLength)
    {
        for (var i = 0; i < data.Length - 1; i++)
        {
            if (data[i] != '\n')
            {
                continue;
            }

            if (data[i + 1] == '\n')
            {
                separatorLength = 2;
                return i;
            }

            if (data[i + 1] == '\r' && i + 2 < data.Length && data[i + 2] == '\n')
            {
                separatorLength = 3;
                return i;
            }
        }

        separatorLength = 0;
        return -1;
    }

    private static List<string> SplitLines(string text)
    {
        var raw = text.Split('\n');
        var lines = new List<string>(raw.Length);
        foreach (var line in raw)
        {
            var trimmed = line.EndsWith('\r') ? line[..^1] : line;
            if (lines.Count > 1 && trimmed.Length > 0 && trimmed[0] is ' ' or '\t')
            {
                // RFC 3261 §7.3.1: a line starting with whitespace continues the previous header (folding);
                // the fold is equivalent to a single SP.
                lines[^1] = lines[^1].TrimEnd() + " " + trimmed.TrimStart();
            }
            else
            {
                lines.Add(trimmed);
            }
        }

        return lines;
    }

    private static SipHeaders ParseHeaders(List<string> lines)
    {
        if (lines.Count - 1 > MaxHeaders)
        {
            throw new SipParseException($"More than {MaxHeaders} header lines.");
        }

        var headers = new SipHeaders();
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new SipParseException($"Header line without a name and ':': \"{Shorten(line)}\".");
            }

            // RFC 3261 §7.3.1: whitespace is allowed between the name and the colon.
            var name = line[..colon].TrimEnd(' ', '\t');
            if (!HeaderSyntax.IsToken(name))
            {
                throw new SipParseException($"Invalid header name \"{Shorten(name)}\".");
            }

            headers.Add(name, line[(colon + 1)..].Trim(' ', '\t'));
        }

        return headers;
    }

    private static SipMessage ParseStartLine(string line, SipHeaders headers)
    {
        if (line.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
        {
            // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (the reason may be empty).
            var firstSpace = line.IndexOf(' ');
            if (firstSpace < 0)
            {
                throw new SipParseException($"Invalid status line \"{Shorten(line)}\".");
            }

            var version = line[..firstSpace];
            var rest = line[(firstSpace + 1)..];
            var secondSpace = rest.IndexOf(' ');
            var codeText = secondSpace < 0 ? rest : rest[..secondSpace];
            if (codeText.Length != 3
                || !int.TryParse(codeText, NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                || code < 100 || code > 699)
            {
                throw new SipParseException($"Invalid status code in \"{Shorten(line)}\".");
            }

            var reason = secondSpace < 0 ? "" : rest[(secondSpace + 1)..];
            return new SipResponse(code, reason, headers) { SipVersion = CheckVersion(version) };
        }

        // Request-Line = Method SP Request-URI SP SIP-Version CRLF — exactly one SP between the elements
        // (RFC 4475 §3.1.2.7 and §3.1.2.6 treat extra or trailing spaces as malformed).
        var parts = line.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new SipParseException($"Invalid request line \"{Shorten(line)}\".");
        }

        if (!HeaderSyntax.IsToken(parts[0]))
        {
            throw new SipParseException($"Invalid method \"{Shorten(parts[0])}\".");
        }

        var uri = SipUri.Parse(parts[1]);
        if (uri.Headers is not null)
        {
            // RFC 3261 §19.1.1 (table 1): headers are not allowed in a Request-URI; RFC 4475 §3.1.2.11 (escruri).
            throw new SipParseException($"Headers in the Request-URI \"{Shorten(parts[1])}\".");
        }

        return new SipRequest(parts[0], uri, headers) { SipVersion = CheckVersion(parts[2]) };
    }

    private static string CheckVersion(string version)
    {
        // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; another version parses (and is answered 505 by a server).
        var slash = version.IndexOf('/');
        var dot = version.IndexOf('.');
        if (slash != 3 || !version[..3].Equals("SIP", StringComparison.OrdinalIgnoreCase) || dot < slash + 2 || dot == version.Length - 1)
        {
            throw new SipParseException($"Invalid SIP version \"{Shorten(version)}\".");
        }

        foreach (var ch in version.AsSpan(slash + 1))
        {
            if (ch != '.' && !char.IsAsciiDigit(ch))
            {
                throw new SipParseException($"Invalid SIP version \"{Shorten(version)}\".");
            }
        }

        return version.ToUpperInvariant();
    }

    private static byte[] ReadBody(SipHeaders headers, ReadOnlySpan<byte> available)
    {
        var lengthText = headers[HeaderNames.ContentLength];
        if (lengthText is null)
        {
            // RFC 3261 §18.3: over UDP the body runs to the end of the datagram when Content-Length is absent.
            return available.ToArray();
        }

        if (headers.Lines(HeaderNames.ContentLength).Skip(1).Any())
        {
            throw new SipParseException("More than one Content-Length.");
        }

        if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new SipParseException($"Invalid Content-Length \"{Shorten(lengthText)}\".");
        }

        if (length > available.Length)
        {
            // RFC 3261 §18.3: a datagram shorter than its Content-Length is discarded (RFC 4475 §3.1.2.14).
            throw new SipParseException($"Content-Length {length} is larger than the {available.Length} bytes received.");
        }

        // Extra bytes after Content-Length in a datagram are ignored (RFC 3261 §18.3).
        return available[..length].ToArray();
    }

    private static readonly string[] SingleValueHeaders =
        [HeaderNames.From, HeaderNames.To, HeaderNames.CallId, HeaderNames.CSeq, HeaderNames.MaxForwards, HeaderNames.ContentType];

    private static void Validate(SipMessage message)
    {
        var headers = message.Headers;
        foreach (var name in SingleValueHeaders)
        {
            if (headers.Lines(name).Skip(1).Any())
            {
                throw new SipParseException($"More than one {name} header.");
            }
        }

        foreach (var name in (ReadOnlySpan<string>)[HeaderNames.Via, HeaderNames.From, HeaderNames.To, HeaderNames.CallId, HeaderNames.CSeq])
        {
            if (!headers.Contains(name) || string.IsNullOrWhiteSpace(headers[name]))
            {
                throw new SipParseException($"Missing mandatory header {name}.");
            }
        }

        _ = message.From;
        _ = message.To;

        // RFC 3261 §20.10: a Contact that is not a valid name-addr/addr-spec is a 400, not something the registrar
        // or dialog layer should discover later (RFC 4475 §3.1.2.13 regbadct: '?' outside <>).
        _ = message.Contacts;
        var vias = message.Vias;
        if (vias.Count == 0)
        {
            throw new SipParseException("Missing mandatory header Via.");
        }

        var cseq = message.CSeq;
        if (message.CallId.Contains(' ', StringComparison.Ordinal))
        {
            throw new SipParseException("Call-ID contains whitespace.");
        }

        if (headers[HeaderNames.MaxForwards] is { } maxForwards
            && (!int.TryParse(maxForwards, NumberStyles.None, CultureInfo.InvariantCulture, out var hops) || hops > 255))
        {
            throw new SipParseException($"Invalid Max-Forwards \"{Shorten(maxForwards)}\".");
        }

        if (message is SipRequest request && !string.Equals(cseq.Method, request.Method, StringComparison.Ordinal))
        {
            // RFC 3261 §8.1.1.5: the CSeq method MUST match the request method (RFC 4475 §3.1.2.15).
            throw new SipParseException($"CSeq method {cseq.Method} does not match the request method {request.Method}.");
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
