using System.Text;

namespace Lawline.Sip.Messages;

/// <summary>
/// A name-addr or addr-spec with header parameters (RFC 3261 §20.10, §20.20, §20.39): the value of From, To,
/// Contact, Route, Record-Route and Refer-To.
/// </summary>
public sealed class NameAddress
{
    public NameAddress(SipUri uri, string? displayName = null, SipParameters? parameters = null)
    {
        Uri = uri;
        DisplayName = displayName;
        Parameters = parameters ?? new SipParameters();
    }

    public string? DisplayName { get; init; }

    public SipUri Uri { get; init; }

    public SipParameters Parameters { get; private init; }

    public string? Tag => Parameters["tag"];

    /// <summary>True for the special <c>Contact: *</c> of a REGISTER that removes every binding.</summary>
    public bool IsWildcard { get; private init; }

    public static NameAddress Wildcard { get; } = new(SipUri.Create(null, "*")) { IsWildcard = true };

    public NameAddress WithTag(string tag)
    {
        var parameters = Parameters.Clone();
        parameters.Set("tag", tag);
        return new NameAddress(Uri, DisplayName, parameters);
    }

    public NameAddress Clone() => new(Uri.Clone(), DisplayName, Parameters.Clone()) { IsWildcard = IsWildcard };

    public static NameAddress Parse(string text)
    {
        text = text.Trim();
        if (text == "*")
        {
            return Wildcard;
        }

        var index = 0;
        string? displayName = null;
        SipUri uri;
        if (text.StartsWith('"'))
        {
            displayName = HeaderSyntax.ReadQuoted(text, ref index);
            HeaderSyntax.SkipSpace(text, ref index);
        }

        var open = text.IndexOf('<', index);
        if (open >= 0)
        {
            if (displayName is null)
            {
                var name = text[..open].Trim();
                displayName = name.Length == 0 ? null : name;
                if (displayName is not null)
                {
                    // RFC 3261 §25.1: an unquoted display-name is a sequence of tokens separated by whitespace.
                    foreach (var part in displayName.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (!HeaderSyntax.IsToken(part))
                        {
                            throw new SipParseException($"Invalid display name \"{displayName}\"; it must be quoted.");
                        }
                    }
                }
            }
            else if (open != index)
            {
                throw new SipParseException($"Unexpected text between display name and '<' in \"{text}\".");
            }

            var close = text.IndexOf('>', open);
            if (close < 0)
            {
                throw new SipParseException($"Missing '>' in \"{text}\".");
            }

            var inner = text[(open + 1)..close];
            if (inner.Length == 0 || char.IsWhiteSpace(inner[0]) || char.IsWhiteSpace(inner[^1]))
            {
                // RFC 3261 §25.1: name-addr = [ display-name ] LAQUOT addr-spec RAQUOT with no LWS inside the
                // brackets; RFC 4475 §3.1.2.14 (badaspec) is to be rejected.
                throw new SipParseException($"Whitespace inside <> in \"{text}\".");
            }

            uri = SipUri.Parse(inner);
            index = close + 1;
        }
        else
        {
            if (displayName is not null)
            {
                throw new SipParseException($"A display name needs <> around the URI in \"{text}\".");
            }

            // RFC 3261 §20: in an addr-spec without <>, parameters after the URI belong to the header,
            // not the URI — so the URI ends at the first ';'.
            var semicolon = text.IndexOf(';');
            // LWS may precede the ';' of the header parameters (RFC 3261 §25.1 SEMI = SWS ";" SWS, as in the
            // To of RFC 4475 §3.1.1.1 wsinv).
            var uriText = (semicolon >= 0 ? text[..semicolon] : text).TrimEnd(' ', '\t');
            if (uriText.Contains('?') || uriText.Contains(',') || uriText.Contains(' '))
            {
                throw new SipParseException($"A URI with '?', ',' or spaces needs <> in \"{text}\".");
            }

            uri = SipUri.Parse(uriText);
            index = uriText.Length;
            HeaderSyntax.SkipSpace(text, ref index);
        }

        var parameters = HeaderSyntax.ParseParameters(text, ref index);
        if (index < text.Length)
        {
            throw new SipParseException($"Unexpected text after the address in \"{text}\".");
        }

        return new NameAddress(uri, displayName, parameters);
    }

    public override string ToString()
    {
        if (IsWildcard)
        {
            return "*";
        }

        var builder = new StringBuilder(96);
        if (!string.IsNullOrEmpty(DisplayName))
        {
            builder.Append('"').Append(DisplayName.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\" ");
        }

        builder.Append('<').Append(Uri).Append('>');
        Parameters.AppendTo(builder);
        return builder.ToString();
    }
}
