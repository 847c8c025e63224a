using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Platforms;

public enum SeatKind
{
    /// <summary>Phone consultation (电话咨询).</summary>
    Phone = 1,
    /// <summary>Online consultation (网络咨询).</summary>
    Online = 2,
    /// <summary>Calls transferred from the 12345 government hotline, and dispatch (12345专线/派单).</summary>
    Dispatch12345 = 3,
    /// <summary>Self-service terminals and their attendants (自助服务).</summary>
    SelfService = 4,
    /// <summary>Expert or duty-leader seat that escalations go to (专家坐席).</summary>
    Expert = 5,
}

/// <summary>A working position (坐席) on a platform, with the skills it serves.</summary>
public sealed class Seat : IPlatformOwned
{
    public int Id { get; set; }
    public int PlatformId { get; set; }
    public Platform? Platform { get; set; }

    /// <summary>Unique within the platform: "01", "A-12".</summary>
    public string Code { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public SeatKind Kind { get; set; } = SeatKind.Phone;

    /// <summary>The SIP extension of the seat's phone, when it has a fixed one.</summary>
    public string? Extension { get; set; }
    public List<Skill> Skills { get; set; } = [];
    public bool IsActive { get; set; } = true;
    public bool IsDemo { get; set; }
}

internal sealed class SeatConfiguration : IEntityTypeConfiguration<Seat>
{
    public void Configure(EntityTypeBuilder<Seat> builder)
    {
        builder.Property(s => s.Code).HasMaxLength(32).IsRequired();
        builder.Property(s => s.Name).HasMaxLength(64).IsRequired();
        builder.Property(s => s.Extension).HasMaxLength(32);
        builder.HasIndex(s => new { s.PlatformId, s.Code }).IsUnique();
        builder.HasOne(s => s.Platform).WithMany().HasForeignKey(s => s.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(s => s.Skills).WithMany().UsingEntity("SeatSkills");
    }
}
