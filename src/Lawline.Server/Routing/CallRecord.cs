using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Routing;

public enum CallChannel
{
    Inbound,
    Callback,
    Outbound,
}

/// <summary>Where a caller who hung up before being answered was lost (abandonment KPIs split on it).</summary>
public enum AbandonedIn
{
    Ivr,
    Queue,
    Ringing,
}

public enum CallRating
{
    Satisfied,
    BasicallySatisfied,
    Dissatisfied,
}

/// <summary>
/// One record per call, with every timestamp a KPI needs (design.md: connection rate, service level, ASA,
/// abandonment, AHT, wrap-up, rating rate) — the KPIs are computable from these records alone. Written step by step
/// by the call flow as the call progresses, so a crash leaves a record of everything up to it.
/// </summary>
public sealed class CallRecord : IPlatformOwned, INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    public CallChannel Channel { get; set; }

    /// <summary>The engine's leg id of the caller's leg (joins events and logs).</summary>
    public string CallerLeg { get; set; } = "";

    public string SipCallId { get; set; } = "";

    /// <summary>E.164 when it parses, else as received (personal information: masked in lists, reads audited).</summary>
    public string CallerNumber { get; set; } = "";

    public string? CallerProvince { get; set; }

    public string? CallerCity { get; set; }

    public string DialedNumber { get; set; } = "";

    public DateTimeOffset ArrivedAt { get; set; }

    /// <summary>The IVR steps as JSON: node id, digits, time — what the caller heard and pressed.</summary>
    public string IvrPath { get; set; } = "[]";

    public string? SkillCode { get; set; }

    public DateTimeOffset? QueuedAt { get; set; }

    public DateTimeOffset? OfferedAt { get; set; }

    /// <summary>How many agents the call was offered to (ring-no-answer re-offers count).</summary>
    public int OfferCount { get; set; }

    public int? AgentId { get; set; }

    /// <summary>Why the answering agent was offered the call: their skill, or which overflow rule (overflow share KPI).</summary>
    public OfferReason? AnsweredReason { get; set; }

    /// <summary>True when the agent answered on a mobile through the outbound trunk (remote seat) rather than a registered phone.</summary>
    public bool AnsweredOnMobile { get; set; }

    /// <summary>The priority class the call queued with (repeat caller, special line…).</summary>
    public CallPriority? Priority { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public AbandonedIn? AbandonedIn { get; set; }

    public DateTimeOffset? AbandonedAt { get; set; }

    /// <summary>The caller pressed the callback key while queued and hung up keeping their place (not an abandonment).</summary>
    public DateTimeOffset? CallbackRequestedAt { get; set; }

    /// <summary>Transfers as JSON: time, from agent, target, kind, outcome.</summary>
    public string Transfers { get; set; } = "[]";

    public DateTimeOffset? TalkEndedAt { get; set; }

    public DateTimeOffset? WrapUpEndedAt { get; set; }

    public CallRating? Rating { get; set; }

    public DateTimeOffset? RatedAt { get; set; }

    public string? RecordingPath { get; set; }

    /// <summary>When the caller began a voicemail (电话留言): the message is the recording from this moment on.</summary>
    public DateTimeOffset? VoicemailAt { get; set; }

    /// <summary>For <see cref="CallChannel.Callback"/> calls: the task it served.</summary>
    public int? CallbackTaskId { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Why the caller's leg ended (the engine's HangupCause), and who hung up first.</summary>
    public string? EndCause { get; set; }

    public bool? CallerHungUpFirst { get; set; }

    public int? WorkOrderId { get; set; }
}

internal sealed class CallRecordConfiguration : IEntityTypeConfiguration<CallRecord>
{
    public void Configure(EntityTypeBuilder<CallRecord> builder)
    {
        builder.Property(c => c.CallerLeg).HasMaxLength(32).IsRequired();
        builder.Property(c => c.SipCallId).HasMaxLength(128).IsRequired();
        builder.Property(c => c.CallerNumber).HasMaxLength(32).IsRequired();
        builder.Property(c => c.CallerProvince).HasMaxLength(32);
        builder.Property(c => c.CallerCity).HasMaxLength(32);
        builder.Property(c => c.DialedNumber).HasMaxLength(32).IsRequired();
        builder.Property(c => c.IvrPath).HasMaxLength(8000).IsRequired();
        builder.Property(c => c.SkillCode).HasMaxLength(32);
        builder.Property(c => c.Transfers).HasMaxLength(8000).IsRequired();
        builder.Property(c => c.RecordingPath).HasMaxLength(400);
        builder.Property(c => c.EndCause).HasMaxLength(32);
        builder.Property(c => c.Channel).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.AbandonedIn).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Rating).HasConversion<string>().HasMaxLength(24);
        builder.Property(c => c.AnsweredReason).HasConversion<string>().HasMaxLength(24);
        builder.Property(c => c.Priority).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(c => new { c.PlatformId, c.ArrivedAt });
        builder.HasIndex(c => new { c.PlatformId, c.CallerNumber, c.ArrivedAt });
        builder.HasIndex(c => c.CallerLeg);
        // Whether a work order has a call (satisfaction KPIs count a non-phone order only when none is bound to it).
        builder.HasIndex(c => c.WorkOrderId);
        builder.HasOne<Platform>().WithMany().HasForeignKey(c => c.PlatformId).OnDelete(DeleteBehavior.Restrict);
    }
}
