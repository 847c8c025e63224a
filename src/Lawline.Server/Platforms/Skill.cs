using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Platforms;

/// <summary>
/// A specialised seat category (专业坐席类别): labour, marriage and family, contract, general, or a special
/// line (women and children, consumers, migrant workers' wages...). One catalogue for the whole tree, so
/// routing and supply/demand figures compare across platforms.
/// </summary>
public sealed class Skill
{
    public int Id { get; set; }
    public string Code { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string? Description { get; set; }

    /// <summary>A special line (专线) rather than a subject area.</summary>
    public bool IsSpecialLine { get; set; }

    /// <summary>The general skill (综合) that takes overflow from every other queue.</summary>
    public bool IsGeneral { get; set; }
    public int SortOrder { get; set; }
    public bool IsActive { get; set; } = true;
    public bool IsDemo { get; set; }
}

internal sealed class SkillConfiguration : IEntityTypeConfiguration<Skill>
{
    public void Configure(EntityTypeBuilder<Skill> builder)
    {
        builder.Property(s => s.Code).HasMaxLength(32).IsRequired();
        builder.HasIndex(s => s.Code).IsUnique();
        builder.Property(s => s.Name).HasMaxLength(64).IsRequired();
        builder.HasIndex(s => s.Name).IsUnique();
        builder.Property(s => s.Description).HasMaxLength(500);
    }
}
