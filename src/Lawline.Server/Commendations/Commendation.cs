using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Commendations;

public enum CommendationKind
{
    /// <summary>表扬 (by phone, in a rating comment, in person)</summary>
    Praise = 1,

    /// <summary>感谢信</summary>
    ThankYouLetter = 2,

    /// <summary>锦旗</summary>
    Banner = 3,
}

/// <summary>Praise a lawyer received from a citizen: a word of praise, a thank-you letter or a banner (锦旗).</summary>
public sealed class Commendation : IPlatformOwned
{
    public int Id { get; set; }
    public int PlatformId { get; set; }
    public int AgentId { get; set; }
    public CommendationKind Kind { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public string? FromName { get; set; }
    public string Summary { get; set; } = string.Empty;
    public int? WorkOrderId { get; set; }
    public int? RecordedByUserId { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}

internal sealed class CommendationConfiguration : IEntityTypeConfiguration<Commendation>
{
    public void Configure(EntityTypeBuilder<Commendation> builder)
    {
        builder.ToTable("Commendations");
        builder.Property(c => c.FromName).HasMaxLength(100);
        builder.Property(c => c.Summary).HasMaxLength(2000).IsRequired();
        builder.HasOne<Platform>().WithMany().HasForeignKey(c => c.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Agents.Agent>().WithMany().HasForeignKey(c => c.AgentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<WorkOrders.WorkOrder>().WithMany().HasForeignKey(c => c.WorkOrderId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(c => new { c.PlatformId, c.ReceivedAt });
        builder.HasIndex(c => new { c.AgentId, c.ReceivedAt });
    }
}
