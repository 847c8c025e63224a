using System.Text;

namespace Lawline.Sip.Auth;

/// <summary>The digest algorithms we implement (RFC 7616 §3.2; the "-sess" variants are not offered).</summary>
public enum DigestAlgorithm
{
    Md5,
    Sha256,
}

public static class DigestAlgorithms
{
    public static string ToToken(this DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sha256 ? "SHA-256" : "MD5";

    /// <summary>RFC 7616 §3.4: an absent algorithm parameter means MD5 (RFC 2617 compatibility).</summary>
    public static bool TryParse(string? token, out DigestAlgorithm algorithm)
    {
        algorithm = DigestAlgorithm.Md5;
        if (token is null || token.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (token.Equals("SHA-256", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = DigestAlgorithm.Sha256;
            return true;
        }

        return false;
    }
}

/// <summary>
/// The parameters of an <c>Authorization</c> or <c>Proxy-Authorization</c> header with the Digest scheme
/// (RFC 7616 §3.4, RFC 3261 §22.4). Values are unquoted.
/// </summary>
public sealed record DigestCredentials(
    string Username,
    string Realm,
    string Nonce,
    string Uri,
    string Response,
    string? Algorithm = null,
    string? Cnonce = null,
    string? NonceCount = null,
    string? Qop = null,
    string? Opaque = null)
{
    /// <summary>Parses a header value; null when it is not Digest or lacks a required parameter (never throws).</summary>
    public static DigestCredentials? TryParse(string? headerValue)
    {
        var parameters = DigestSyntax.ParseParameters(headerValue);
        if (parameters is null
            || !parameters.TryGetValue("username", out var username)
            || !parameters.TryGetValue("realm", out var realm)
            || !parameters.TryGetValue("nonce", out var nonce)
            || !parameters.TryGetValue("uri", out var uri)
            || !parameters.TryGetValue("response", out var response))
        {
            return null;
        }

        return new DigestCredentials(
            username, realm, nonce, uri, response,
            parameters.GetValueOrDefault("algorithm"),
            parameters.GetValueOrDefault("cnonce"),
            parameters.GetValueOrDefault("nc"),
            parameters.GetValueOrDefault("qop"),
            parameters.GetValueOrDefault("opaque"));
    }

    /// <summary>The header value, quoting as RFC 7616 §3.4 requires (algorithm, qop and nc unquoted).</summary>
    public override string ToString()
    {
        var builder = new StringBuilder("Digest ");
        builder.Append("username=").Append(DigestSyntax.Quote(Username));
        builder.Append(", realm=").Append(DigestSyntax.Quote(Realm));
        builder.Append(", nonce=").Append(DigestSyntax.Quote(Nonce));
        builder.Append(", uri=").Append(DigestSyntax.Quote(Uri));
        builder.Append(", response=").Append(DigestSyntax.Quote(Response));
        if (Algorithm is not null)
        {
            builder.Append(", algorithm=").Append(Algorithm);
        }

        if (Cnonce is not null)
        {
            builder.Append(", cnonce=").Append(DigestSyntax.Quote(Cnonce));
        }

        if (Opaque is not null)
        {
            builder.Append(", opaque=").Append(DigestSyntax.Quote(Opaque));
        }

        if (Qop is not null)
        {
            builder.Append(", qop=").Append(Qop);
        }

        if (NonceCount is not null)
        {
            builder.Append(", nc=").Append(NonceCount);
        }

        return builder.ToString();
    }
}

/// <summary>One <c>WWW-Authenticate</c>/<c>Proxy-Authenticate</c> Digest challenge (RFC 7616 §3.3).</summary>
public sealed record DigestChallenge(string Realm, string Nonce, string? Opaque, string? Algorithm, IReadOnlyList<string> Qop, bool Stale)
{
    public static DigestChallenge? TryParse(string? headerValue)
    {
        var parameters = DigestSyntax.ParseParameters(headerValue);
        if (parameters is null || !parameters.TryGetValue("realm", out var realm) || !parameters.TryGetValue("nonce", out var nonce))
        {
            return null;
        }

        var qop = parameters.TryGetValue("qop", out var qopList)
            ? qopList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        var stale = string.Equals(parameters.GetValueOrDefault("stale"), "true", StringComparison.OrdinalIgnoreCase);
        return new DigestChallenge(realm, nonce, parameters.GetValueOrDefault("opaque"), parameters.GetValueOrDefault("algorithm"), qop, stale);
    }
}

/// <summary>The auth-param grammar shared by challenges and credentials (RFC 7235 §2.1, RFC 3261 §25.1).</summary>
internal static class DigestSyntax
{
    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// Parses <c>Digest name=value, name="quoted", …</c> into a case-insensitive map; null when the scheme is not
    /// Digest or the syntax is broken. Never throws: this runs on whatever a peer sends.
    /// </summary>
    public static Dictionary<string, string>? ParseParameters(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.AsSpan().Trim();
        const string scheme = "Digest";
        if (text.Length <= scheme.Length || !text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || text[scheme.Length] is not (' ' or '\t'))
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var index = scheme.Length;
        while (true)
        {
            SkipSeparators(text, ref index);
            if (index >= text.Length)
            {
                return result.Count == 0 ? null : result;
            }

            var nameStart = index;
            while (index < text.Length && text[index] is not ('=' or ',' or ' ' or '\t'))
            {
                index++;
            }

            var name = text[nameStart..index].ToString();
            SkipSpace(text, ref index);
            if (name.Length == 0 || index >= text.Length || text[index] != '=')
            {
                return null;
            }

            index++;
            SkipSpace(text, ref index);
            string parameterValue;
            if (index < text.Length && text[index] == '"')
            {
                var builder = new StringBuilder();
                index++;
                var closed = false;
                while (index < text.Length)
                {
                    var ch = text[index++];
                    if (ch == '\\' && index < text.Length)
                    {
                        builder.Append(text[index++]);
                    }
                    else if (ch == '"')
                    {
                        closed = true;
                        break;
                    }
                    else
                    {
                        builder.Append(ch);
                    }
                }

                if (!closed)
                {
                    return null;
                }

                parameterValue = builder.ToString();
            }
            else
            {
                var valueStart = index;
                while (index < text.Length && text[index] is not (',' or ' ' or '\t'))
                {
                    index++;
                }

                parameterValue = text[valueStart..index].ToString();
            }

            // RFC 7616 §3.4: a parameter given twice makes the header invalid; refusing it avoids ambiguity.
            if (!result.TryAdd(name, parameterValue))
            {
                return null;
            }

            SkipSpace(text, ref index);
            if (index < text.Length && text[index] != ',')
            {
                return null;
            }
        }
    }

    private static void SkipSpace(ReadOnlySpan<char> text, ref int index)
    {
        while (index < text.Length && text[index] is ' ' or '\t')
        {
            index++;
        }
    }

    private static void SkipSeparators(ReadOnlySpan<char> text, ref int index)
    {
        while (index < text.Length && text[index] is ' ' or '\t' or ',')
        {
            index++;
        }
    }
}
