using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lawline.Sip.Messages;

namespace Lawline.Sip.Auth;

public enum DigestOutcome
{
    Ok,

    /// <summary>No credentials for this realm: send a challenge.</summary>
    Missing,

    /// <summary>The credentials cannot be parsed or lack what qop=auth needs (RFC 7616 §3.4): 400 or a new challenge.</summary>
    Malformed,

    /// <summary>The algorithm is not one we offered, or the stored secret has no HA1 for it.</summary>
    UnsupportedAlgorithm,

    /// <summary>The nonce was not issued by this server (or for another realm): forged or from another process.</summary>
    InvalidNonce,

    /// <summary>The response is right but our nonce has expired: challenge again with stale=true (RFC 7616 §3.3).</summary>
    StaleNonce,

    UnknownUser,

    WrongPassword,
}

/// <summary>The result of checking credentials; <see cref="Credentials"/> is set whenever they could be parsed.</summary>
public sealed record DigestVerification(DigestOutcome Outcome, DigestCredentials? Credentials)
{
    public bool IsOk => Outcome == DigestOutcome.Ok;
}

public sealed class DigestAuthenticatorOptions
{
    /// <summary>How long a nonce may be used before the client must retry with a fresh one (stale=true).</summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Offer a SHA-256 challenge before the MD5 one (RFC 8760 §2.4: most preferred first). Clients that only know
    /// MD5 skip the challenge they do not understand (RFC 7616 §3.7).
    /// </summary>
    public bool OfferSha256 { get; set; } = true;

    /// <summary>
    /// The nonce HMAC key. Null gives a random per-process key, so nonces do not survive a restart (clients then get
    /// InvalidNonce and a fresh challenge). Set it to share nonces between processes behind one address.
    /// </summary>
    public byte[]? NonceKey { get; set; }
}

/// <summary>
/// Server side of SIP digest authentication (RFC 3261 §22, RFC 7616, RFC 2617 compatibility): MD5 and SHA-256,
/// qop=auth and the legacy no-qop form. Nonces are stateless: each carries its issue time and an HMAC over that
/// time, random bytes and the realm, so any nonce can be verified without storing it, and a nonce that is merely
/// old can be told apart from one we never issued.
/// </summary>
/// <remarks>
/// Nonce-count replay protection (RFC 7616 §3.4.5) is not implemented: it would need per-nonce state. Within
/// the nonce lifetime a captured Authorization can be replayed for the same method and URI; keep the lifetime
/// short and use TLS where that matters.
/// </remarks>
public sealed class DigestAuthenticator
{
    private const int TimeLength = 8;
    private const int RandomLength = 12;
    private const int MacLength = 16;

    private readonly TimeProvider timeProvider;
    private readonly DigestAuthenticatorOptions options;
    private readonly byte[] key;

    public DigestAuthenticator(TimeProvider timeProvider, DigestAuthenticatorOptions? options = null)
    {
        this.timeProvider = timeProvider;
        this.options = options ?? new DigestAuthenticatorOptions();
        key = this.options.NonceKey ?? RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>One challenge header value: <c>Digest realm="…", nonce="…", algorithm=MD5, qop="auth"</c>.</summary>
    public string CreateChallenge(string realm, DigestAlgorithm algorithm = DigestAlgorithm.Md5, bool stale = false)
    {
        var builder = new StringBuilder("Digest realm=").Append(DigestSyntax.Quote(realm))
            .Append(", nonce=").Append(DigestSyntax.Quote(CreateNonce(realm)))
            .Append(", algorithm=").Append(algorithm.ToToken())
            .Append(", qop=\"auth\"");
        if (stale)
        {
            builder.Append(", stale=true");
        }

        return builder.ToString();
    }

    /// <summary>The challenge values to send, one WWW-Authenticate (or Proxy-Authenticate) header each.</summary>
    public IReadOnlyList<string> CreateChallenges(string realm, bool stale = false) => options.OfferSha256
        ? [CreateChallenge(realm, DigestAlgorithm.Sha256, stale), CreateChallenge(realm, DigestAlgorithm.Md5, stale)]
        : [CreateChallenge(realm, DigestAlgorithm.Md5, stale)];

    /// <summary>
    /// Builds the 401 (or 407 for a proxy) for <paramref name="request"/> with our challenges
    /// (RFC 3261 §22.1, §22.3).
    /// </summary>
    public SipResponse CreateChallengeResponse(SipRequest request, string realm, bool stale = false, bool proxy = false, string? toTag = null)
    {
        var response = request.CreateResponse(proxy ? 407 : 401, null, toTag);
        foreach (var challenge in CreateChallenges(realm, stale))
        {
            response.Headers.Add(proxy ? HeaderNames.ProxyAuthenticate : HeaderNames.WwwAuthenticate, challenge);
        }

        return response;
    }

    /// <summary>Checks the request's Authorization (or Proxy-Authorization) credentials for <paramref name="realm"/>.</summary>
    public ValueTask<DigestVerification> VerifyAsync(SipRequest request, string realm, IDigestCredentialStore store, CancellationToken cancellationToken, bool proxy = false)
    {
        // RFC 3261 §22.4: a request may carry credentials for several realms; use the one for ours.
        DigestCredentials? credentials = null;
        foreach (var line in request.Headers.Lines(proxy ? HeaderNames.ProxyAuthorization : HeaderNames.Authorization))
        {
            if (DigestCredentials.TryParse(line) is { } parsed && parsed.Realm == realm)
            {
                credentials = parsed;
                break;
            }
        }

        if (credentials is null)
        {
            // Credentials of an unknown scheme (RFC 4475 §3.3.7 regaut01) or for other realms: challenge.
            return ValueTask.FromResult(new DigestVerification(DigestOutcome.Missing, null));
        }

        return VerifyAsync(request.Method, credentials, realm, store, cancellationToken);
    }

    public async ValueTask<DigestVerification> VerifyAsync(string method, DigestCredentials credentials, string realm, IDigestCredentialStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(store);
        if (credentials.Realm != realm)
        {
            return new DigestVerification(DigestOutcome.Missing, credentials);
        }

        if (!DigestAlgorithms.TryParse(credentials.Algorithm, out var algorithm))
        {
            return new DigestVerification(DigestOutcome.UnsupportedAlgorithm, credentials);
        }

        if (credentials.Qop is not null
            && (!credentials.Qop.Equals("auth", StringComparison.OrdinalIgnoreCase)
                || string.IsNullOrEmpty(credentials.Cnonce)
                || credentials.NonceCount is not { Length: 8 } nc
                || !uint.TryParse(nc, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _)))
        {
            // RFC 7616 §3.4: with qop, cnonce and an 8-hex-digit nc are mandatory; auth-int is not offered.
            return new DigestVerification(DigestOutcome.Malformed, credentials);
        }

        var age = CheckNonce(credentials.Nonce, realm);
        if (age is null)
        {
            return new DigestVerification(DigestOutcome.InvalidNonce, credentials);
        }

        var secret = await store.FindAsync(credentials.Username, realm, cancellationToken).ConfigureAwait(false);
        if (secret is null)
        {
            return new DigestVerification(DigestOutcome.UnknownUser, credentials);
        }

        var ha1 = secret.Ha1For(algorithm, credentials.Username, realm);
        if (ha1 is null)
        {
            return new DigestVerification(DigestOutcome.UnsupportedAlgorithm, credentials);
        }

        var expected = DigestMath.Response(algorithm, ha1, credentials.Nonce, credentials.NonceCount, credentials.Cnonce, credentials.Qop, method, credentials.Uri);
        if (!DigestMath.FixedTimeEquals(expected, credentials.Response))
        {
            return new DigestVerification(DigestOutcome.WrongPassword, credentials);
        }

        // RFC 7616 §3.3: stale only once the digest itself is right, so the client retries without asking the user.
        return age.Value > options.NonceLifetime
            ? new DigestVerification(DigestOutcome.StaleNonce, credentials)
            : new DigestVerification(DigestOutcome.Ok, credentials);
    }

    private string CreateNonce(string realm)
    {
        Span<byte> nonce = stackalloc byte[TimeLength + RandomLength + MacLength];
        BinaryPrimitives.WriteInt64BigEndian(nonce, timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        RandomNumberGenerator.Fill(nonce.Slice(TimeLength, RandomLength));
        Mac(nonce[..(TimeLength + RandomLength)], realm).AsSpan(0, MacLength).CopyTo(nonce[(TimeLength + RandomLength)..]);
        return Base64Url.EncodeToString(nonce);
    }

    /// <summary>The nonce's age, or null when it is not one of ours for this realm.</summary>
    private TimeSpan? CheckNonce(string nonce, string realm)
    {
        // TryDecodeFromChars throws on characters outside the alphabet, so check first: the nonce is peer input.
        Span<byte> bytes = stackalloc byte[64];
        if (nonce.Length > 64
            || !Base64Url.IsValid(nonce, out var length)
            || length != TimeLength + RandomLength + MacLength
            || !Base64Url.TryDecodeFromChars(nonce, bytes, out var written)
            || written != length)
        {
            return null;
        }

        bytes = bytes[..written];
        var mac = Mac(bytes[..(TimeLength + RandomLength)], realm);
        if (!CryptographicOperations.FixedTimeEquals(mac.AsSpan(0, MacLength), bytes[(TimeLength + RandomLength)..]))
        {
            return null;
        }

        var issued = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(bytes));
        var age = timeProvider.GetUtcNow() - issued;
        // A nonce from the future was not issued by this clock (or the clock jumped back): do not trust it.
        return age < -TimeSpan.FromMinutes(1) ? null : age;
    }

    private byte[] Mac(ReadOnlySpan<byte> payload, string realm)
    {
        var realmBytes = Encoding.UTF8.GetBytes(realm);
        var data = new byte[payload.Length + realmBytes.Length];
        payload.CopyTo(data);
        realmBytes.CopyTo(data, payload.Length);
        return HMACSHA256.HashData(key, data);
    }
}
