using System.Globalization;
using System.Text;

namespace Lawline.Sip.Messages;

/// <summary>One Via value (RFC 3261 §20.42), with the RFC 3581 <c>rport</c> and <c>received</c> parameters.</summary>
public sealed class ViaHeader
{
    /// <summary>RFC 3261 §8.1.1.7: branches created by RFC 3261 elements start with this cookie.</summary>
    public const string MagicCookie = "z9hG4bK";

    public ViaHeader(string transport, string host, int? port, SipParameters? parameters = null)
    {
        Transport = transport;
        Host = host;
        Port = port;
        Parameters = parameters ?? new SipParameters();
    }

    public string Protocol { get; init; } = "SIP/2.0";

    public string Transport { get; }

    public string Host { get; }

    public int? Port { get; }

    public SipParameters Parameters { get; }

    public string? Branch => Parameters["branch"];

    public string? Received => Parameters["received"];

    public bool HasRport => Parameters.Contains("rport");

    public int? Rport => int.TryParse(Parameters["rport"], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;

    public static ViaHeader Parse(string text)
    {
        // sent-protocol: "SIP" SLASH "2.0" SLASH transport — LWS is allowed around the slashes.
        var index = 0;
        var parts = new string[3];
        for (var i = 0; i < 3; i++)
        {
            HeaderSyntax.SkipSpace(text, ref index);
            var start = index;
            while (index < text.Length && HeaderSyntax.IsTokenChar(text[index]))
            {
                index++;
            }

            parts[i] = text[start..index];
            HeaderSyntax.SkipSpace(text, ref index);
            if (i < 2)
            {
                if (index >= text.Length || text[index] != '/')
                {
                    throw new SipParseException($"Invalid Via \"{text}\".");
                }

                index++;
            }
        }

        if (parts[0].Length == 0 || parts[1].Length == 0 || parts[2].Length == 0)
        {
            throw new SipParseException($"Invalid Via protocol in \"{text}\".");
        }

        HeaderSyntax.SkipSpace(text, ref index);
        var hostStart = index;
        if (index < text.Length && text[index] == '[')
        {
            var close = text.IndexOf(']', index);
            if (close < 0)
            {
                throw new SipParseException($"Invalid IPv6 reference in Via \"{text}\".");
            }

            index = close + 1;
        }
        else
        {
            while (index < text.Length && (char.IsAsciiLetterOrDigit(text[index]) || text[index] is '-' or '.' or '_'))
            {
                index++;
            }
        }

        var host = text[hostStart..index];
        if (host.Length == 0)
        {
            throw new SipParseException($"No host in Via \"{text}\".");
        }

        HeaderSyntax.SkipSpace(text, ref index);
        int? port = null;
        if (index < text.Length && text[index] == ':')
        {
            index++;
            HeaderSyntax.SkipSpace(text, ref index);
            var portStart = index;
            while (index < text.Length && char.IsAsciiDigit(text[index]))
            {
                index++;
            }

            if (!int.TryParse(text.AsSpan(portStart, index - portStart), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 65535)
            {
                throw new SipParseException($"Invalid port in Via \"{text}\".");
            }

            port = value;
        }

        var parameters = HeaderSyntax.ParseParameters(text, ref index);
        if (index < text.Length)
        {
            // A comment after the value ("(…)") is allowed by RFC 3261 §20.42's grammar through LWS; tolerate it.
            var rest = text[index..].Trim();
            if (!(rest.StartsWith('(') && rest.EndsWith(')')))
            {
                throw new SipParseException($"Unexpected text in Via \"{text}\".");
            }
        }

        return new ViaHeader(parts[2].ToUpperInvariant(), host, port, parameters)
        {
            Protocol = $"{parts[0]}/{parts[1]}",
        };
    }

    public override string ToString()
    {
        var builder = new StringBuilder(96).Append(Protocol).Append('/').Append(Transport).Append(' ').Append(Host);
        if (Port is { } port)
        {
            builder.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }

        Parameters.AppendTo(builder);
        return builder.ToString();
    }
}

/// <summary>The CSeq header (RFC 3261 §20.16): a 32-bit sequence number and the request method.</summary>
public readonly record struct CSeqHeader(uint Number, string Method)
{
    public static CSeqHeader Parse(string text)
    {
        var parts = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        // RFC 3261 §8.1.1.5: the number MUST be expressible as a 32-bit unsigned integer (less than 2**31 when
        // chosen by a UAC, but a receiver accepts any 32-bit value).
        if (parts.Length != 2
            || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || !HeaderSyntax.IsToken(parts[1]))
        {
            throw new SipParseException($"Invalid CSeq \"{text}\".");
        }

        return new CSeqHeader(number, parts[1]);
    }

    public override string ToString() => $"{Number.ToString(CultureInfo.InvariantCulture)} {Method}";
}
