using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Sms;

/// <summary>Why an SMS was sent.</summary>
public enum SmsPurpose
{
    /// <summary>引导短信: legal aid centre, mediation committee or other agency with its address and phone.</summary>
    Guidance,

    /// <summary>满意度评价短信: a link to the satisfaction survey.</summary>
    SurveyLink,

    /// <summary>回拨/回访通知: the caller will be called back.</summary>
    CallbackNotice,

    Other,
}

/// <summary>Where an SMS is in the outbox.</summary>
public enum SmsStatus
{
    /// <summary>Waiting for the sender (first attempt, or a retry after <see cref="SmsMessage.NextAttemptAt"/>).</summary>
    Queued,

    /// <summary>Claimed by a sender that is talking to the gateway right now.</summary>
    Sending,

    /// <summary>Accepted by the gateway; no delivery report yet.</summary>
    Sent,

    /// <summary>The operator's delivery report says the handset received it.</summary>
    Delivered,

    /// <summary>Given up after the last attempt, refused by the gateway, or reported undeliverable.</summary>
    Failed,

    /// <summary>Never sent: the number opted out or the per-number rate limit was reached (<see cref="SmsMessage.LastError"/> says which).</summary>
    Blocked,
}

/// <summary>
/// One SMS of the outbox. It is written in the same transaction as the action that caused it (a referral, a callback
/// request, a survey) and sent later by <see cref="SmsSender"/>; its status follows the gateway and the delivery reports.
/// Rows are their own history, so they are not copied into the audit log (the number would only be masked there).
/// </summary>
public sealed class SmsMessage : IPlatformOwned, INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    /// <summary>The recipient in E.164: personal information, masked in lists for roles that don't call people back.</summary>
    public string To { get; set; } = "";

    public string Text { get; set; } = "";

    /// <summary>The template the text was rendered from; null for free text.</summary>
    public string? TemplateCode { get; set; }

    public SmsPurpose Purpose { get; set; }

    public int? WorkOrderId { get; set; }

    public long? CallRecordId { get; set; }

    public SmsStatus Status { get; set; }

    /// <summary>Calls to the gateway so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When the sender may take the row (again); while <see cref="SmsStatus.Sending"/>, when its claim expires.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>The gateway's last error, the failure report, or why the message was blocked.</summary>
    public string? LastError { get; set; }

    /// <summary>What the gateway answered when it accepted the message (Kannel: "0: Accepted for delivery").</summary>
    public string? GatewayMessageId { get; set; }

    /// <summary>Parts the operator bills (see <see cref="SmsText.Measure"/>).</summary>
    public int Segments { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public int? CreatedByUserId { get; set; }
}

/// <summary>
/// A message text with placeholders written <c>{name}</c>, e.g. <c>{机构名称}</c> (letters, digits and underscores,
/// Chinese included). A template with <see cref="PlatformId"/> null is the installation default; a platform's own
/// template with the same <see cref="Code"/> replaces it for that platform.
/// </summary>
public sealed class SmsTemplate
{
    public int Id { get; set; }

    public int? PlatformId { get; set; }

    /// <summary>Stable identifier used by the code that sends (e.g. <c>legal-aid-guidance</c>); unique per platform.</summary>
    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    public string Body { get; set; } = "";

    public SmsPurpose Purpose { get; set; } = SmsPurpose.Other;

    public bool IsActive { get; set; } = true;

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A number that asked not to get SMS from the hotline (退订). Applies to every platform.</summary>
public sealed class SmsOptOut
{
    public int Id { get; set; }

    public string PhoneE164 { get; set; } = "";

    public DateTimeOffset Since { get; set; }

    public string? Reason { get; set; }
}

internal sealed class SmsMessageConfiguration : IEntityTypeConfiguration<SmsMessage>
{
    public void Configure(EntityTypeBuilder<SmsMessage> builder)
    {
        builder.ToTable("SmsMessages");
        builder.Property(m => m.To).HasMaxLength(20).IsRequired();
        builder.Property(m => m.Text).HasMaxLength(SmsText.MaxLength).IsRequired();
        builder.Property(m => m.TemplateCode).HasMaxLength(40);
        builder.Property(m => m.Purpose).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.LastError).HasMaxLength(500);
        builder.Property(m => m.GatewayMessageId).HasMaxLength(100);
        builder.HasOne<Platform>().WithMany().HasForeignKey(m => m.PlatformId).OnDelete(DeleteBehavior.Restrict);
        // The sender's pick, the caller history and the rate limit.
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
        builder.HasIndex(m => new { m.To, m.CreatedAt });
        builder.HasIndex(m => new { m.PlatformId, m.CreatedAt });
        builder.HasIndex(m => m.WorkOrderId);
    }
}

internal sealed class SmsTemplateConfiguration : IEntityTypeConfiguration<SmsTemplate>
{
    public void Configure(EntityTypeBuilder<SmsTemplate> builder)
    {
        builder.ToTable("SmsTemplates");
        builder.Property(t => t.Code).HasMaxLength(40).IsRequired();
        builder.Property(t => t.Name).HasMaxLength(100).IsRequired();
        builder.Property(t => t.Body).HasMaxLength(SmsText.MaxLength).IsRequired();
        builder.Property(t => t.Purpose).HasConversion<string>().HasMaxLength(16);
        builder.HasOne<Platform>().WithMany().HasForeignKey(t => t.PlatformId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.PlatformId, t.Code }).IsUnique();
    }
}

internal sealed class SmsOptOutConfiguration : IEntityTypeConfiguration<SmsOptOut>
{
    public void Configure(EntityTypeBuilder<SmsOptOut> builder)
    {
        builder.ToTable("SmsOptOuts");
        builder.Property(o => o.PhoneE164).HasMaxLength(20).IsRequired();
        builder.Property(o => o.Reason).HasMaxLength(200);
        builder.HasIndex(o => o.PhoneE164).IsUnique();
    }
}
