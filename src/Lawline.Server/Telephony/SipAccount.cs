using Lawline.Server.Agents;
using Lawline.Server.Platforms;
using Lawline.Sip.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Telephony;

/// <summary>
/// The account an agent's phone (desk phone or softphone) registers with: the extension is the SIP user name.
/// Only the digest HA1 values are kept, never the password. HA1 = H(username:realm:password), so the values
/// hold for the realm they were computed with; after a change of <c>Sip:Realm</c> the account needs a new
/// password (<see cref="NeedsNewPassword"/>).
/// </summary>
public sealed class SipAccount : IPlatformOwned
{
    /// <summary>Digits (an extension such as 8001) or lower-case letters, digits, '.', '_' and '-'; 3–32 characters.</summary>
    public const string UsernamePattern = "^[a-z0-9._-]{3,32}$";

    public int Id { get; private set; }
    public int PlatformId { get; set; }
    public Platform? Platform { get; private set; }

    /// <summary>The extension, the user part of the phone's address of record; unique in the installation.</summary>
    public string Username { get; private set; } = string.Empty;
    public string? DisplayName { get; set; }

    /// <summary>The duty lawyer (or clerk) whose phone this is.</summary>
    public int? AgentId { get; set; }
    public Agent? Agent { get; private set; }

    /// <summary>The digest realm the HA1 values were computed with.</summary>
    public string Realm { get; private set; } = string.Empty;
    public string Md5Ha1 { get; private set; } = string.Empty;
    public string Sha256Ha1 { get; private set; } = string.Empty;
    public bool Enabled { get; private set; } = true;
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset PasswordChangedAt { get; private set; }

    public static SipAccount Create(int platformId, string username, string realm, string password, DateTimeOffset now)
    {
        var account = new SipAccount { PlatformId = platformId, Username = username, CreatedAt = now };
        account.SetPassword(realm, password, now);
        return account;
    }

    public bool NeedsNewPassword(string realm) => !string.Equals(Realm, realm, StringComparison.Ordinal);

    public void SetPassword(string realm, string password, DateTimeOffset now)
    {
        var secret = DigestSecret.Hash(Username, realm, password);
        Realm = realm;
        Md5Ha1 = secret.Md5Ha1!;
        Sha256Ha1 = secret.Sha256Ha1!;
        PasswordChangedAt = now;
        UpdatedAt = now;
    }

    public void SetEnabled(bool enabled, DateTimeOffset now)
    {
        if (Enabled != enabled)
        {
            Enabled = enabled;
            UpdatedAt = now;
        }
    }

    public void Touch(DateTimeOffset now) => UpdatedAt = now;
}

internal sealed class SipAccountConfiguration : IEntityTypeConfiguration<SipAccount>
{
    public void Configure(EntityTypeBuilder<SipAccount> builder)
    {
        builder.Property(a => a.Username).HasMaxLength(32).IsRequired();
        builder.HasIndex(a => a.Username).IsUnique();
        builder.Property(a => a.DisplayName).HasMaxLength(64);
        builder.Property(a => a.Realm).HasMaxLength(128).IsRequired();
        builder.Property(a => a.Md5Ha1).HasMaxLength(32).IsRequired();
        builder.Property(a => a.Sha256Ha1).HasMaxLength(64).IsRequired();
        builder.HasIndex(a => a.PlatformId);
        builder.HasIndex(a => a.AgentId);
        builder.HasOne(a => a.Platform).WithMany().HasForeignKey(a => a.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(a => a.Agent).WithMany().HasForeignKey(a => a.AgentId).OnDelete(DeleteBehavior.SetNull);
    }
}
