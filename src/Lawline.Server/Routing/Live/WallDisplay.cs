using System.Security.Cryptography;
using System.Text;
using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Routing.Live;

/// <summary>
/// 大屏令牌: a read-only link for a wall screen that shows the wallboard of <see cref="PlatformId"/> and the platforms
/// below it without a person's sign-in. Only the token's SHA-256 is stored: the token itself is shown once, when the
/// supervisor creates it; losing it means revoking the link and creating another.
/// </summary>
public sealed class WallDisplay : IPlatformOwned
{
    public int Id { get; set; }

    public int PlatformId { get; set; }

    /// <summary>Where the screen hangs ("值班大厅大屏").</summary>
    public string Name { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the token (<see cref="HashOf"/>).</summary>
    public string TokenHash { get; set; } = "";

    public int? CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>When a screen last opened the link or connected to the hub with it (updated at most once a minute).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    public bool IsValidAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    /// <summary>A new token: 32 random bytes, base64url (43 characters, safe in a path and a query string).</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

internal sealed class WallDisplayConfiguration : IEntityTypeConfiguration<WallDisplay>
{
    public void Configure(EntityTypeBuilder<WallDisplay> builder)
    {
        builder.ToTable("WallDisplays");
        builder.Property(d => d.Name).HasMaxLength(100).IsRequired();
        builder.Property(d => d.TokenHash).HasMaxLength(64).IsRequired();
        builder.HasIndex(d => d.TokenHash).IsUnique();
        builder.HasIndex(d => d.PlatformId);
        builder.HasOne<Platform>().WithMany().HasForeignKey(d => d.PlatformId).OnDelete(DeleteBehavior.Restrict);
    }
}
