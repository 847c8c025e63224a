using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Taxonomy;

/// <summary>
/// A node of the consultation taxonomy (咨询类别): four levels based on the causes of action. Shared by every
/// platform. A category is never deleted: it is retired (optionally pointing at its replacement) or renamed,
/// so old work orders keep their category and reports can map old codes to new ones.
/// </summary>
public sealed class ConsultationCategory : Data.INotAudited
{
    public int Id { get; set; }

    /// <summary>Stable code (e.g. MS.02.011.01); never reused for another meaning.</summary>
    public string Code { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public int Level { get; set; }
    public int? ParentId { get; set; }
    public ConsultationCategory? Parent { get; set; }

    /// <summary>Codes from the root down, "/MS/MS.02/MS.02.011/": a subtree is one prefix match.</summary>
    public string Path { get; set; } = "/";

    /// <summary>The skill (specialised seat) that serves this category; children without one inherit it.</summary>
    public int? SkillId { get; set; }
    public Skill? Skill { get; set; }
    public int SortOrder { get; set; }
    public bool IsRetired { get; set; }
    public DateTimeOffset? RetiredAt { get; set; }

    /// <summary>For a retired category, the code that replaces it, so reports can fold old into new.</summary>
    public string? ReplacedByCode { get; set; }

    /// <summary>The taxonomy version (import) that last changed this node.</summary>
    public string Version { get; set; } = string.Empty;
}

public enum CategoryRevisionKind
{
    Created = 1,
    Renamed = 2,
    Moved = 3,
    Retired = 4,
    Reinstated = 5,
    SkillChanged = 6,
}

/// <summary>One change to a category, kept for ever: what reports use to explain old codes and names.</summary>
public sealed class CategoryRevision : Data.INotAudited
{
    public long Id { get; set; }
    public string Code { get; set; } = string.Empty;
    public CategoryRevisionKind Kind { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public string Version { get; set; } = string.Empty;
    public DateTimeOffset At { get; set; }
    public string UserName { get; set; } = string.Empty;
}

internal sealed class ConsultationCategoryConfiguration : IEntityTypeConfiguration<ConsultationCategory>
{
    public void Configure(EntityTypeBuilder<ConsultationCategory> builder)
    {
        builder.Property(c => c.Code).HasMaxLength(40).IsRequired();
        builder.HasIndex(c => c.Code).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(100).IsRequired();
        builder.Property(c => c.Path).HasMaxLength(200).IsRequired();
        builder.HasIndex(c => c.Path);
        builder.Property(c => c.ReplacedByCode).HasMaxLength(40);
        builder.Property(c => c.Version).HasMaxLength(32);
        builder.HasOne(c => c.Parent).WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.Skill).WithMany().HasForeignKey(c => c.SkillId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class CategoryRevisionConfiguration : IEntityTypeConfiguration<CategoryRevision>
{
    public void Configure(EntityTypeBuilder<CategoryRevision> builder)
    {
        builder.Property(r => r.Code).HasMaxLength(40).IsRequired();
        builder.HasIndex(r => r.Code);
        builder.Property(r => r.Before).HasMaxLength(400);
        builder.Property(r => r.After).HasMaxLength(400);
        builder.Property(r => r.Version).HasMaxLength(32);
        builder.Property(r => r.UserName).HasMaxLength(256);
    }
}
