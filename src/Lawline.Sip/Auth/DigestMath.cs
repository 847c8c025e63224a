using System.Security.Cryptography;
using System.Text;

namespace Lawline.Sip.Auth;

/// <summary>The digest computations of RFC 7616 §3.4.1–§3.4.3 (and RFC 2617 §3.2.2 without qop).</summary>
internal static class DigestMath
{
    public static string Hash(DigestAlgorithm algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        // MD5 is what RFC 2617 and nearly every SIP phone speak; RFC 7616 keeps it for backward compatibility.
#pragma warning disable CA5351
        var digest = algorithm == DigestAlgorithm.Sha256 ? SHA256.HashData(bytes) : MD5.HashData(bytes);
#pragma warning restore CA5351
        return Convert.ToHexStringLower(digest);
    }

    public static string Ha1(DigestAlgorithm algorithm, string username, string realm, string password) =>
        Hash(algorithm, $"{username}:{realm}:{password}");

    /// <summary>
    /// response = KD(HA1, nonce:nc:cnonce:qop:HA2) with qop=auth (RFC 7616 §3.4.1), or H(HA1:nonce:HA2) for an
    /// RFC 2069-style client that sent no qop (RFC 2617 §3.2.2.1).
    /// </summary>
    public static string Response(DigestAlgorithm algorithm, string ha1, string nonce, string? nonceCount, string? cnonce, string? qop, string method, string uri)
    {
        var ha2 = Hash(algorithm, $"{method}:{uri}");
        return qop is null
            ? Hash(algorithm, $"{ha1}:{nonce}:{ha2}")
            : Hash(algorithm, $"{ha1}:{nonce}:{nonceCount}:{cnonce}:{qop}:{ha2}");
    }

    public static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual.ToLowerInvariant()));
}
