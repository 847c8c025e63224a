using System.Security.Cryptography;
using System.Text;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Satisfaction;

/// <summary>
/// 短信评价邀请: a one-time link (<c>/survey/{token}</c>) sent by SMS to a caller who hung up before the IVR survey, or for
/// a service on another channel. Only the token's SHA-256 is stored. It can be used once (<see cref="UsedAt"/> is set
/// by one conditional UPDATE, so two taps never both count) and not after <see cref="ExpiresAt"/>.
/// </summary>
public sealed class SurveyInvitation : IPlatformOwned, INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    /// <summary>The call rated (the rating also lands on the work order bound to it).</summary>
    public long? CallRecordId { get; set; }

    /// <summary>The work order rated when there is no call (web and self-service channels).</summary>
    public int? WorkOrderId { get; set; }

    /// <summary>Lower-case hex SHA-256 of the token (<see cref="HashOf"/>).</summary>
    public string TokenHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    public CallRating? Rating { get; set; }

    public string? Comment { get; set; }

    /// <summary>The reasons ticked with a lower rating, comma-separated (解答不清楚,等待太久).</summary>
    public string? ReasonTags { get; set; }

    /// <summary>A new token: 16 random bytes (128 bits), base64url — 22 characters, short enough for an SMS, safe in a path.</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

internal sealed class SurveyInvitationConfiguration : IEntityTypeConfiguration<SurveyInvitation>
{
    public void Configure(EntityTypeBuilder<SurveyInvitation> builder)
    {
        builder.ToTable("SurveyInvitations");
        builder.Property(i => i.TokenHash).HasMaxLength(64).IsRequired();
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.Property(i => i.Rating).HasConversion<string>().HasMaxLength(24);
        builder.Property(i => i.Comment).HasMaxLength(500);
        builder.Property(i => i.ReasonTags).HasMaxLength(200);
        builder.HasIndex(i => i.CallRecordId);
        builder.HasIndex(i => i.WorkOrderId);
        builder.HasOne<Platform>().WithMany().HasForeignKey(i => i.PlatformId).OnDelete(DeleteBehavior.Restrict);
    }
}
