using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Callers;

/// <summary>Who the caller is, as far as the hotline's statistics care (caller type, 来电人类型).</summary>
public enum CallerType
{
    Unspecified = 0,
    /// <summary>农民工</summary>
    MigrantWorker = 1,
    /// <summary>老年人</summary>
    Elderly = 2,
    /// <summary>未成年人</summary>
    Minor = 3,
    /// <summary>妇女</summary>
    Woman = 4,
    /// <summary>企业</summary>
    Enterprise = 5,
    /// <summary>残疾人</summary>
    Disabled = 6,
    /// <summary>退役军人</summary>
    Veteran = 7,
}

/// <summary>
/// A citizen known to a platform by their number: personal information. Lists show the number masked;
/// the full number and name are shown only to roles that call people back, and each such read is audited.
/// </summary>
public sealed class Caller : IPlatformOwned
{
    public int Id { get; set; }
    public int PlatformId { get; set; }
    public string PhoneE164 { get; set; } = string.Empty;
    public string? Name { get; set; }
    public string? Province { get; set; }
    public string? City { get; set; }
    public CallerType Type { get; set; }
    public string? Notes { get; set; }
    public DateTimeOffset FirstContactAt { get; set; }
    public DateTimeOffset LastContactAt { get; set; }
    public bool IsDemo { get; set; }
}

internal sealed class CallerConfiguration : IEntityTypeConfiguration<Caller>
{
    public void Configure(EntityTypeBuilder<Caller> builder)
    {
        builder.Property(c => c.PhoneE164).HasMaxLength(20).IsRequired();
        builder.HasIndex(c => new { c.PlatformId, c.PhoneE164 }).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(64);
        builder.Property(c => c.Province).HasMaxLength(32);
        builder.Property(c => c.City).HasMaxLength(32);
        builder.Property(c => c.Notes).HasMaxLength(1000);
        builder.HasOne<Platform>().WithMany().HasForeignKey(c => c.PlatformId).OnDelete(DeleteBehavior.Restrict);
    }
}
