using System.Text;

namespace Lawline.Sip.Messages;

/// <summary>Lexical helpers shared by the header parsers (RFC 3261 §25.1).</summary>
internal static class HeaderSyntax
{
    /// <summary>
    /// Splits a header value at top-level commas (RFC 3261 §7.3.1), ignoring commas inside quoted strings and
    /// angle brackets, so <c>Contact: "Doe, J" &lt;sip:a@b&gt;, &lt;sip:c@d&gt;</c> yields two values.
    /// </summary>
    public static List<string> SplitList(string value)
    {
        var parts = new List<string>();
        var inQuotes = false;
        var inAngle = false;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (inQuotes)
            {
                if (ch == '\\')
                {
                    i++;
                }
                else if (ch == '"')
                {
                    inQuotes = false;
                }
            }
            else if (ch == '"')
            {
                inQuotes = true;
            }
            else if (ch == '<')
            {
                inAngle = true;
            }
            else if (ch == '>')
            {
                inAngle = false;
            }
            else if (ch == ',' && !inAngle)
            {
                AddTrimmed(parts, value[start..i]);
                start = i + 1;
            }
        }

        if (inQuotes)
        {
            throw new SipParseException("Unterminated quoted string in header value.");
        }

        AddTrimmed(parts, value[start..]);
        return parts;
    }

    private static void AddTrimmed(List<string> parts, string part)
    {
        var trimmed = part.Trim();
        if (trimmed.Length > 0)
        {
            parts.Add(trimmed);
        }
    }

    /// <summary>
    /// Parses <c>;name=value;flag</c> parameters starting at <paramref name="index"/> (which points at the first
    /// ';' or at the end). Names are kept as written; lookups are case-insensitive.
    /// </summary>
    public static SipParameters ParseParameters(string text, ref int index, char separator = ';', char? stopAt = null)
    {
        var parameters = new SipParameters();
        while (index < text.Length)
        {
            SkipSpace(text, ref index);
            if (index >= text.Length || (stopAt is { } stop && text[index] == stop))
            {
                break;
            }

            if (text[index] != separator)
            {
                throw new SipParseException($"Expected '{separator}' in parameters of \"{text}\".");
            }

            index++;
            SkipSpace(text, ref index);
            var nameStart = index;
            while (index < text.Length && IsTokenChar(text[index]))
            {
                index++;
            }

            if (index == nameStart)
            {
                throw new SipParseException($"Empty parameter name in \"{text}\".");
            }

            var name = text[nameStart..index];
            SkipSpace(text, ref index);
            string? value = null;
            if (index < text.Length && text[index] == '=')
            {
                index++;
                SkipSpace(text, ref index);
                if (index < text.Length && text[index] == '"')
                {
                    value = ReadQuoted(text, ref index, keepQuotes: true);
                }
                else
                {
                    var valueStart = index;
                    while (index < text.Length && IsParameterValueChar(text[index]))
                    {
                        index++;
                    }

                    value = text[valueStart..index];
                }
            }

            parameters.Set(name, value);
            SkipSpace(text, ref index);
        }

        return parameters;
    }

    /// <summary>Reads a quoted-string at <paramref name="index"/>, unescaping quoted-pairs unless asked to keep it raw.</summary>
    public static string ReadQuoted(string text, ref int index, bool keepQuotes = false)
    {
        var start = index;
        index++;
        var builder = new StringBuilder();
        while (index < text.Length)
        {
            var ch = text[index];
            if (ch == '\\' && index + 1 < text.Length)
            {
                builder.Append(text[index + 1]);
                index += 2;
                continue;
            }

            if (ch == '"')
            {
                index++;
                return keepQuotes ? text[start..index] : builder.ToString();
            }

            builder.Append(ch);
            index++;
        }

        throw new SipParseException("Unterminated quoted string.");
    }

    public static void SkipSpace(string text, ref int index)
    {
        while (index < text.Length && (text[index] == ' ' || text[index] == '\t'))
        {
            index++;
        }
    }

    // RFC 3261 §25.1 token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
    public static bool IsTokenChar(char ch) =>
        char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' or '!' or '%' or '*' or '_' or '+' or '`' or '\'' or '~';

    // Parameter values are tokens, hosts (IPv6 references in brackets) or, in URIs, escaped characters; be
    // tolerant and accept everything up to the next delimiter.
    private static bool IsParameterValueChar(char ch) =>
        ch is not (';' or ',' or ' ' or '\t' or '>' or '?' or '\r' or '\n');

    public static bool IsToken(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var ch in text)
        {
            if (!IsTokenChar(ch))
            {
                return false;
            }
        }

        return true;
    }
}
