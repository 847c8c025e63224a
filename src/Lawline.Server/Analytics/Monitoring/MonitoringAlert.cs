using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Analytics.Monitoring;

public enum MonitoringAlertKind
{
    /// <summary>重复来电: a number called the platform N times within D days.</summary>
    RepeatCaller,

    /// <summary>激增: a category or caller province far above its baseline.</summary>
    Surge,
}

public enum MonitoringAlertStatus
{
    Open,
    Assigned,
    FollowedUp,
    Closed,
}

/// <summary>
/// 监测预警: something the platform's managers must follow up (Wuhan: the legal aid centre head calls a repeat caller
/// back and assigns a lawyer). One alert per subject and window, not one per call: <see cref="SubjectKey"/> identifies
/// the subject (the full number, "category:MS.06:1", "province:湖北省:7") and is never shown; <see cref="Subject"/> is
/// what people read (a masked number, a category, a province).
/// </summary>
public sealed class MonitoringAlert : IPlatformOwned
{
    public int Id { get; set; }

    public int PlatformId { get; set; }

    public MonitoringAlertKind Kind { get; set; }

    public string SubjectKey { get; set; } = "";

    public string Subject { get; set; } = "";

    /// <summary>Calls of the number in the window; work orders of the category or province in the window.</summary>
    public int Value { get; set; }

    /// <summary>The rule's threshold (repeat calls) or the baseline's expected count for the window (surges).</summary>
    public double Baseline { get; set; }

    public int WindowDays { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The latest time the subject met the rule again (a repeat caller calling once more).</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    public MonitoringAlertStatus Status { get; set; }

    public int? AssigneeUserId { get; set; }

    public string? AssigneeName { get; set; }

    public string? FollowUpNote { get; set; }

    public DateTimeOffset? FollowedUpAt { get; set; }

    public string? ClosedBy { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>The call that raised (or last renewed) a repeat-caller alert.</summary>
    public long? CallRecordId { get; set; }

    /// <summary>Where to look: the work orders of the number, category or province.</summary>
    public string Link { get; set; } = "";
}

/// <summary>A platform's monitoring rules (managers change them); a platform without a row uses the defaults.</summary>
public sealed class MonitoringSettings : IPlatformOwned
{
    public const int DefaultRepeatCalls = 3;
    public const int DefaultRepeatWindowDays = 7;
    public const double DefaultSurgeRatio = 2;
    public const int DefaultSurgeMinimum = 10;

    public int Id { get; set; }

    public int PlatformId { get; set; }

    public int RepeatCalls { get; set; } = DefaultRepeatCalls;

    public int RepeatWindowDays { get; set; } = DefaultRepeatWindowDays;

    public double SurgeRatio { get; set; } = DefaultSurgeRatio;

    public int SurgeMinimum { get; set; } = DefaultSurgeMinimum;
}

internal sealed class MonitoringConfiguration : IEntityTypeConfiguration<MonitoringAlert>, IEntityTypeConfiguration<MonitoringSettings>
{
    public void Configure(EntityTypeBuilder<MonitoringAlert> builder)
    {
        builder.ToTable("MonitoringAlerts");
        builder.Property(a => a.SubjectKey).HasMaxLength(96);
        builder.Property(a => a.Subject).HasMaxLength(128);
        builder.Property(a => a.AssigneeName).HasMaxLength(64);
        builder.Property(a => a.FollowUpNote).HasMaxLength(2000);
        builder.Property(a => a.ClosedBy).HasMaxLength(64);
        builder.Property(a => a.Link).HasMaxLength(256);
        builder.HasIndex(a => new { a.PlatformId, a.Kind, a.SubjectKey, a.CreatedAt });
        builder.HasIndex(a => new { a.PlatformId, a.Status, a.CreatedAt });
    }

    public void Configure(EntityTypeBuilder<MonitoringSettings> builder)
    {
        builder.ToTable("MonitoringSettings");
        builder.HasIndex(s => s.PlatformId).IsUnique();
    }
}
