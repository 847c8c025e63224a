using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Routing;

/// <summary>Why a caller is owed a call back.</summary>
public enum CallbackKind
{
    /// <summary>回拨: the caller pressed a key while waiting and hung up, keeping their place.</summary>
    QueueCallback,

    /// <summary>电话留言: a message left out of hours (or after the longest wait).</summary>
    Voicemail,

    /// <summary>Out of hours the caller asked to be called back without leaving a message.</summary>
    ClosedHours,

    /// <summary>回访: the caller rated the service 基本满意 or 不满意 (per the platform's rule); a supervisor calls back.</summary>
    LowRating,

    /// <summary>未接来电: the caller hung up while waiting for an agent (after a real wait); a supervisor calls back.</summary>
    Abandoned,
}

public enum CallbackStatus
{
    /// <summary>Waiting for a free agent (queue callbacks and voicemails) or for a supervisor (low ratings).</summary>
    Pending,

    /// <summary>An agent's phone is ringing or the callback is in progress.</summary>
    Calling,

    /// <summary>The caller was reached.</summary>
    Done,

    /// <summary>Not reached before the closing time or after the last attempt; a supervisor follows up.</summary>
    Expired,

    Cancelled,
}

/// <summary>
/// A call the platform owes a citizen. Queue callbacks and voicemails are placed automatically by the router when
/// an agent is free (keeping the caller's place, retried, expiring at the closing time); low-rating callbacks (回访)
/// are mandatory tasks for the platform's supervisors. Requests from the same number while one is pending are merged
/// into it (<see cref="Requests"/> counts them).
/// </summary>
public sealed class CallbackTask : IPlatformOwned
{
    public int Id { get; set; }

    public int PlatformId { get; set; }

    public CallbackKind Kind { get; set; }

    public CallbackStatus Status { get; set; }

    /// <summary>The number to call (E.164 when it parsed): personal information, masked in lists.</summary>
    public string CallerNumber { get; set; } = "";

    /// <summary>The call that asked for (or caused) the callback.</summary>
    public long? CallRecordId { get; set; }

    /// <summary>The skill queue the callback waits in (the caller's choice in the IVR, else the general queue).</summary>
    public string? SkillCode { get; set; }

    public bool Urgent { get; set; }

    /// <summary>How many requests were merged into this task (1 = none).</summary>
    public int Requests { get; set; } = 1;

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the callback should be done by: the closing time for queue callbacks, the platform's deadline for 回访.</summary>
    public DateTimeOffset? DueAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The call that reached the caller.</summary>
    public long? CompletedByCallRecordId { get; set; }

    public int? CompletedByAgentId { get; set; }

    public string? Note { get; set; }

    /// <summary>回访: the supervisor who owes the call (never the rated lawyer's account); null = any of the platform's supervisors.</summary>
    public int? AssignedUserId { get; set; }

    /// <summary>回访: the rated work order, when the rating was of one.</summary>
    public int? WorkOrderId { get; set; }

    /// <summary>回访: what the supervisor's callback came to.</summary>
    public CallbackOutcome? Outcome { get; set; }

    /// <summary>回访: whether the citizen was satisfied after the callback; false keeps the task open for another round.</summary>
    public bool? CallerSatisfied { get; set; }

    /// <summary>Why the task was closed without reaching the citizen, or reopened.</summary>
    public string? CloseReason { get; set; }

    public int ReopenCount { get; set; }

    /// <summary>回访 not done by its deadline: when it went up to a platform manager.</summary>
    public DateTimeOffset? EscalatedAt { get; set; }

    public int? EscalatedToUserId { get; set; }

    /// <summary>The complaint work order registered during the callback.</summary>
    public int? ComplaintWorkOrderId { get; set; }

    /// <summary>Set with the complaint registered during the 回访, so both are saved in one transaction.</summary>
    public WorkOrders.WorkOrder? ComplaintWorkOrder { get; set; }
}

/// <summary>What a 回访 came to.</summary>
public enum CallbackOutcome
{
    /// <summary>The supervisor explained the answer to the citizen.</summary>
    Explained,

    /// <summary>The question was answered again (by the supervisor or another lawyer).</summary>
    ReAnswered,

    /// <summary>The citizen complained: a complaint work order was registered.</summary>
    ComplaintRegistered,

    /// <summary>The citizen could not be reached after the platform's number of attempts.</summary>
    Unreachable,
}

/// <summary>How one callback call went, as far as the citizen is concerned.</summary>
public enum CallbackAttemptResult
{
    /// <summary>The citizen answered.</summary>
    Answered,

    NoAnswer,

    Busy,

    /// <summary>The citizen's number could not be called (rejected, unavailable, a network failure).</summary>
    Failed,

    /// <summary>The supervisor's own phone did not answer: the citizen was not dialled (does not count as an attempt).</summary>
    NotPlaced,
}

/// <summary>One call a supervisor placed for a callback task: the outbound call and how it ended (null while in progress).</summary>
public sealed class CallbackAttempt : IPlatformOwned
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    public int TaskId { get; set; }

    public DateTimeOffset At { get; set; }

    public int? UserId { get; set; }

    /// <summary>The outbound call's record.</summary>
    public long? CallRecordId { get; set; }

    public CallbackAttemptResult? Result { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public string? Note { get; set; }

    /// <summary>Counts towards the attempts needed before "unreachable".</summary>
    public bool Failed => Result is CallbackAttemptResult.NoAnswer or CallbackAttemptResult.Busy or CallbackAttemptResult.Failed;
}

internal sealed class CallbackAttemptConfiguration : IEntityTypeConfiguration<CallbackAttempt>
{
    public void Configure(EntityTypeBuilder<CallbackAttempt> builder)
    {
        builder.Property(a => a.Result).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Note).HasMaxLength(1000);
        builder.Ignore(a => a.Failed);
        builder.HasIndex(a => new { a.TaskId, a.At });
        builder.HasOne<Platform>().WithMany().HasForeignKey(a => a.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<CallbackTask>().WithMany().HasForeignKey(a => a.TaskId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CallRecord>().WithMany().HasForeignKey(a => a.CallRecordId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CallbackTaskConfiguration : IEntityTypeConfiguration<CallbackTask>
{
    public void Configure(EntityTypeBuilder<CallbackTask> builder)
    {
        builder.Property(t => t.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.CallerNumber).HasMaxLength(32).IsRequired();
        builder.Property(t => t.SkillCode).HasMaxLength(32);
        builder.Property(t => t.Note).HasMaxLength(1000);
        builder.Property(t => t.Outcome).HasConversion<string>().HasMaxLength(24);
        builder.Property(t => t.CloseReason).HasMaxLength(1000);
        builder.HasIndex(t => new { t.PlatformId, t.AssignedUserId, t.Status });
        builder.HasIndex(t => new { t.PlatformId, t.Status, t.CreatedAt });
        builder.HasIndex(t => new { t.PlatformId, t.CallerNumber, t.Status });
        builder.HasOne<Platform>().WithMany().HasForeignKey(t => t.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<CallRecord>().WithMany().HasForeignKey(t => t.CallRecordId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(t => t.ComplaintWorkOrder).WithMany().HasForeignKey(t => t.ComplaintWorkOrderId).OnDelete(DeleteBehavior.Restrict);
    }
}
