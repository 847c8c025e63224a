using System.Globalization;
using System.Security.Cryptography;
using Lawline.Sip.Messages;

namespace Lawline.Sip.Auth;

/// <summary>
/// Client side of digest authentication, for registering to and calling through an outbound SIP trunk
/// (RFC 3261 §22.2–§22.3, RFC 7616 §3.4).
/// </summary>
public static class DigestClient
{
    /// <summary>
    /// Picks the challenge to answer: SHA-256 when offered, else MD5 (RFC 7616 §3.7: the client uses the strongest
    /// algorithm it supports); challenges with unknown algorithms or only qop=auth-int are skipped.
    /// </summary>
    public static DigestChallenge? Choose(IEnumerable<string> challengeHeaderValues)
    {
        DigestChallenge? md5 = null;
        foreach (var value in challengeHeaderValues)
        {
            if (DigestChallenge.TryParse(value) is not { } challenge
                || !DigestAlgorithms.TryParse(challenge.Algorithm, out var algorithm)
                || (challenge.Qop.Count > 0 && !challenge.Qop.Contains("auth", StringComparer.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (algorithm == DigestAlgorithm.Sha256)
            {
                return challenge;
            }

            md5 ??= challenge;
        }

        return md5;
    }

    /// <summary>
    /// The credentials answering <paramref name="challenge"/>: qop=auth with a cnonce and nonce count when the
    /// server offered qop, the RFC 2069 form otherwise.
    /// </summary>
    public static DigestCredentials Answer(
        DigestChallenge challenge, string method, string digestUri, string username, string password, string? cnonce = null, uint nonceCount = 1)
    {
        DigestAlgorithms.TryParse(challenge.Algorithm, out var algorithm);
        var useQop = challenge.Qop.Contains("auth", StringComparer.OrdinalIgnoreCase);
        string? nc = null;
        if (useQop)
        {
            cnonce ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            nc = nonceCount.ToString("x8", CultureInfo.InvariantCulture);
        }
        else
        {
            cnonce = null;
        }

        var qop = useQop ? "auth" : null;
        var ha1 = DigestMath.Ha1(algorithm, username, challenge.Realm, password);
        var response = DigestMath.Response(algorithm, ha1, challenge.Nonce, nc, cnonce, qop, method, digestUri);
        return new DigestCredentials(username, challenge.Realm, challenge.Nonce, digestUri, response,
            challenge.Algorithm is null ? null : algorithm.ToToken(), cnonce, nc, qop, challenge.Opaque);
    }

    /// <summary>
    /// Adds Authorization (for a 401) or Proxy-Authorization (for a 407) to <paramref name="retry"/>, the request to
    /// send again with a new CSeq (RFC 3261 §22.2). False when the response carries no challenge we can answer.
    /// </summary>
    public static bool Authorize(SipRequest retry, SipResponse challengeResponse, string username, string password, string? cnonce = null)
    {
        var proxy = challengeResponse.StatusCode == 407;
        var challenge = Choose(challengeResponse.Headers.Lines(proxy ? HeaderNames.ProxyAuthenticate : HeaderNames.WwwAuthenticate));
        if (challenge is null)
        {
            return false;
        }

        var credentials = Answer(challenge, retry.Method, retry.Uri.ToString(), username, password, cnonce);
        var header = proxy ? HeaderNames.ProxyAuthorization : HeaderNames.Authorization;
        // RFC 3261 §22.3: credentials for other realms (other proxies on the path) stay; ours are replaced.
        var others = retry.Headers.Lines(header).Where(line => DigestCredentials.TryParse(line)?.Realm != challenge.Realm).ToList();
        retry.Headers.Remove(header);
        foreach (var line in others)
        {
            retry.Headers.Add(header, line);
        }

        retry.Headers.Add(header, credentials.ToString());
        return true;
    }
}
