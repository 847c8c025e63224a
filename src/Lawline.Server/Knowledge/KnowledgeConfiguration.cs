using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Knowledge;

internal sealed class KnowledgeArticleConfiguration : IEntityTypeConfiguration<KnowledgeArticle>
{
    public void Configure(EntityTypeBuilder<KnowledgeArticle> builder)
    {
        builder.Property(a => a.Title).HasMaxLength(200).IsRequired();
        builder.Property(a => a.Question).HasMaxLength(4000);
        builder.Property(a => a.Body).HasMaxLength(KnowledgeLimits.Body).IsRequired();
        builder.Property(a => a.LegalBasis).HasMaxLength(2000);
        builder.Property(a => a.Citation).HasMaxLength(100);
        builder.Property(a => a.LawTitle).HasMaxLength(100);
        builder.Property(a => a.ChapterPath).HasMaxLength(300);
        builder.Property(a => a.Address).HasMaxLength(200);
        builder.Property(a => a.Phone).HasMaxLength(64);
        builder.Property(a => a.Hours).HasMaxLength(200);
        builder.Property(a => a.AreaServed).HasMaxLength(200);
        builder.Property(a => a.AuthorName).HasMaxLength(64);
        builder.Property(a => a.ApproverName).HasMaxLength(64);
        builder.Property(a => a.ReviewNote).HasMaxLength(1000);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.Ignore(a => a.LawShortName);
        builder.HasOne<Platforms.Platform>().WithMany().HasForeignKey(a => a.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Taxonomy.ConsultationCategory>().WithMany().HasForeignKey(a => a.CategoryId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Platforms.Skill>().WithMany().HasForeignKey(a => a.SkillId).OnDelete(DeleteBehavior.SetNull);
        // The importer's key: one record per law and article number (民法典's books are one law).
        builder.HasIndex(a => new { a.LawTitle, a.ArticleNumber }).IsUnique();
        builder.HasIndex(a => new { a.Status, a.Kind });
        builder.HasIndex(a => a.PlatformId);
        builder.HasIndex(a => a.SourceWorkOrderId);
    }
}

internal sealed class KnowledgeSynonymConfiguration : IEntityTypeConfiguration<KnowledgeSynonym>
{
    public void Configure(EntityTypeBuilder<KnowledgeSynonym> builder)
    {
        builder.Property(s => s.Term).HasMaxLength(KnowledgeLimits.Term).IsRequired();
        builder.HasIndex(s => s.Term).IsUnique();
    }
}

internal sealed class KnowledgeSearchGapConfiguration : IEntityTypeConfiguration<KnowledgeSearchGap>
{
    public void Configure(EntityTypeBuilder<KnowledgeSearchGap> builder)
    {
        builder.Property(g => g.Query).HasMaxLength(KnowledgeLimits.Query).IsRequired();
        builder.Property(g => g.UserName).HasMaxLength(256);
        builder.HasIndex(g => g.At);
    }
}

public static class KnowledgeLimits
{
    public const int Body = 20_000;
    public const int Query = 200;
    public const int Term = 32;
    public const int MaxTop = 50;
}
