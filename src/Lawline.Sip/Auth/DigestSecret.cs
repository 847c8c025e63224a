namespace Lawline.Sip.Auth;

/// <summary>
/// What the server knows about a user's password. Storing HA1 (RFC 7616 §3.4.2: H(username:realm:password))
/// instead of the password means a leaked database does not reveal passwords that work elsewhere; the HA1 is
/// still a password-equivalent for this realm and must be protected. HA1 is per algorithm, so a user whose only
/// stored value is the MD5 HA1 cannot answer a SHA-256 challenge.
/// </summary>
public sealed record DigestSecret
{
    private DigestSecret(string? password, string? md5Ha1, string? sha256Ha1)
    {
        Password = password;
        Md5Ha1 = md5Ha1;
        Sha256Ha1 = sha256Ha1;
    }

    public string? Password { get; }

    /// <summary>Lower-case hex MD5(username:realm:password).</summary>
    public string? Md5Ha1 { get; }

    /// <summary>Lower-case hex SHA-256(username:realm:password).</summary>
    public string? Sha256Ha1 { get; }

    public static DigestSecret FromPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return new DigestSecret(password, null, null);
    }

    public static DigestSecret FromHa1(string? md5Ha1, string? sha256Ha1 = null)
    {
        if (md5Ha1 is null && sha256Ha1 is null)
        {
            throw new ArgumentException("At least one HA1 is needed.");
        }

        return new DigestSecret(null, md5Ha1?.ToLowerInvariant(), sha256Ha1?.ToLowerInvariant());
    }

    /// <summary>Computes the HA1 values to store for a new or changed password.</summary>
    public static DigestSecret Hash(string username, string realm, string password) => FromHa1(
        DigestMath.Ha1(DigestAlgorithm.Md5, username, realm, password),
        DigestMath.Ha1(DigestAlgorithm.Sha256, username, realm, password));

    /// <summary>The HA1 for the algorithm, or null when this secret cannot produce it.</summary>
    public string? Ha1For(DigestAlgorithm algorithm, string username, string realm) =>
        Password is not null
            ? DigestMath.Ha1(algorithm, username, realm, Password)
            : algorithm == DigestAlgorithm.Sha256 ? Sha256Ha1 : Md5Ha1;

    // The password must never end up in a log line through the record's generated ToString.
    public override string ToString() => "DigestSecret { *** }";
}

/// <summary>Looks up a user's secret for a realm (the registrar's user table, an outbound trunk's settings…).</summary>
public interface IDigestCredentialStore
{
    ValueTask<DigestSecret?> FindAsync(string username, string realm, CancellationToken cancellationToken);
}
