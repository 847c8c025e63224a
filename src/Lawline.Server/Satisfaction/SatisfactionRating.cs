using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Satisfaction;

/// <summary>How a citizen gave a rating.</summary>
public enum RatingChannel
{
    /// <summary>The post-call IVR survey (1 满意, 2 基本满意, 3 不满意).</summary>
    Ivr,

    /// <summary>The one-time SMS survey link.</summary>
    SmsLink,

    /// <summary>The web or self-service channel.</summary>
    Online,
}

/// <summary>
/// One rating of one service (a call and/or a work order), kept as history. A later rating of the same service
/// supersedes the earlier one (<see cref="SupersededAt"/> set): there is one current rating per service, so the KPIs
/// count it once.
/// </summary>
public sealed class SatisfactionRating : IPlatformOwned
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    public long? CallRecordId { get; set; }

    public int? WorkOrderId { get; set; }

    /// <summary>The rated lawyer (the agent who answered the call or owns the work order).</summary>
    public int? AgentId { get; set; }

    public CallRating Rating { get; set; }

    public RatingChannel Channel { get; set; }

    /// <summary>Reasons ticked, comma-separated (<see cref="SurveyLinks.ReasonTags"/>).</summary>
    public string? ReasonTags { get; set; }

    public string? Comment { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>When a later rating of the same service replaced this one; null for the current rating.</summary>
    public DateTimeOffset? SupersededAt { get; set; }
}

internal sealed class SatisfactionRatingConfiguration : IEntityTypeConfiguration<SatisfactionRating>
{
    public void Configure(EntityTypeBuilder<SatisfactionRating> builder)
    {
        builder.Property(r => r.Rating).HasConversion<string>().HasMaxLength(24);
        builder.Property(r => r.Channel).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.ReasonTags).HasMaxLength(200);
        builder.Property(r => r.Comment).HasMaxLength(500);
        builder.HasIndex(r => new { r.PlatformId, r.At });
        builder.HasIndex(r => r.CallRecordId);
        builder.HasIndex(r => r.WorkOrderId);
        builder.HasOne<Platform>().WithMany().HasForeignKey(r => r.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<CallRecord>().WithMany().HasForeignKey(r => r.CallRecordId).OnDelete(DeleteBehavior.Restrict);
    }
}
