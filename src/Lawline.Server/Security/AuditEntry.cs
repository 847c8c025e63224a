using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Security;

public enum AuditAction
{
    Create = 1,
    Update = 2,
    Delete = 3,
    /// <summary>Someone looked at personal data (a caller's full number or name, a lawyer's mobile...).</summary>
    ReadPersonalData = 4,
    SignIn = 5,
    SignInFailed = 6,
    LockedOut = 7,
    TokenIssued = 8,
}

/// <summary>One line of the audit log: who did what to which record, when. Never updated or deleted.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public int? UserId { get; set; }
    public string UserName { get; set; } = string.Empty;
    public AuditAction Action { get; set; }
    public string EntityType { get; set; } = string.Empty;
    public string? EntityId { get; set; }

    /// <summary>The platform the record belongs to, so a district administrator sees their district's log only.</summary>
    public int? PlatformId { get; set; }

    /// <summary>Changed fields (personal values masked) or what was read, as JSON or a short sentence.</summary>
    public string? Details { get; set; }
    public string? RemoteAddress { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.Property(a => a.UserName).HasMaxLength(256);
        builder.Property(a => a.EntityType).HasMaxLength(64);
        builder.Property(a => a.EntityId).HasMaxLength(64);
        builder.Property(a => a.RemoteAddress).HasMaxLength(64);
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => new { a.EntityType, a.EntityId });
        builder.HasIndex(a => a.PlatformId);
    }
}
