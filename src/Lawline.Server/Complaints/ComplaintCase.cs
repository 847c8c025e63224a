using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Complaints;

/// <summary>How the complaint reached the hotline.</summary>
public enum ComplaintSource
{
    /// <summary>Raised during a 回访 (callback after a low rating).</summary>
    Callback = 1,

    /// <summary>A caller phoned in to complain.</summary>
    Call = 2,

    /// <summary>监督电话</summary>
    SupervisionLine = 3,

    /// <summary>Forwarded by the 12345 government hotline.</summary>
    Hotline12345 = 4,

    /// <summary>来信</summary>
    Letter = 5,

    Other = 9,
}

/// <summary>The outcome of the investigation (调查结论).</summary>
public enum ComplaintFinding
{
    /// <summary>属实</summary>
    Substantiated = 1,

    /// <summary>部分属实</summary>
    PartlySubstantiated = 2,

    /// <summary>不属实</summary>
    Unsubstantiated = 3,
}

/// <summary>
/// The investigation of a complaint (投诉) registered as a Complaint work order: who it is about, notes of the
/// investigation, the reply to the complainant within the reply deadline, and the finding, which closes it.
/// A substantiated finding may count against the lawyer's assessment (考核).
/// </summary>
public sealed class ComplaintCase : IPlatformOwned
{
    public int Id { get; private set; }
    public int PlatformId { get; private set; }
    public int WorkOrderId { get; private set; }
    public WorkOrder? WorkOrder { get; private set; }

    /// <summary>The lawyer or agent complained about, when the complaint is about a person.</summary>
    public int? SubjectAgentId { get; set; }
    public ComplaintSource Source { get; private set; }
    public long? CallRecordId { get; private set; }
    public DateTimeOffset RegisteredAt { get; private set; }
    public DateTimeOffset ReplyDueAt { get; private set; }

    public string? ReplyText { get; private set; }
    public DateTimeOffset? RepliedAt { get; private set; }
    public string? RepliedBy { get; private set; }

    public ComplaintFinding? Finding { get; private set; }
    public string? FindingReason { get; private set; }
    public bool CountsAgainstAssessment { get; private set; }
    public string? FindingBy { get; private set; }
    public DateTimeOffset? FindingAt { get; private set; }

    public List<ComplaintNote> Notes { get; private set; } = [];

    private ComplaintCase()
    {
    }

    public static ComplaintCase Open(WorkOrder order, ComplaintSource source, int? subjectAgentId, long? callRecordId,
        DateTimeOffset now, DateTimeOffset replyDueAt)
        => new()
        {
            PlatformId = order.PlatformId, WorkOrder = order, Source = source, SubjectAgentId = subjectAgentId,
            CallRecordId = callRecordId, RegisteredAt = now, ReplyDueAt = replyDueAt,
        };

    /// <summary>Open until the finding is recorded.</summary>
    public bool IsOpen => FindingAt is null;

    public bool IsReplyOverdue(DateTimeOffset now) => RepliedAt is null && now > ReplyDueAt;

    public void AddNote(string text, string userName, DateTimeOffset now)
    {
        RequireOpen("add a note");
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ValidationFailedException("text", "Write the note.");
        }
        Notes.Add(new ComplaintNote { At = now, UserName = userName, Text = text.Trim() });
    }

    public void Reply(string text, string userName, DateTimeOffset now)
    {
        RequireOpen("reply");
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ValidationFailedException("text", "Write the reply given to the complainant.");
        }
        ReplyText = text.Trim();
        RepliedAt = now;
        RepliedBy = userName;
    }

    /// <summary>Records the finding and closes the investigation. Without a reply to the complainant, a reason is needed.</summary>
    public void RecordFinding(ComplaintFinding? finding, bool countsAgainstAssessment, string? reason, string userName, DateTimeOffset now)
    {
        RequireOpen("record a finding");
        if (finding is not { } value || !Enum.IsDefined(value))
        {
            throw new ValidationFailedException("finding", "Choose the finding: substantiated, partly substantiated or unsubstantiated.");
        }
        if (RepliedAt is null && string.IsNullOrWhiteSpace(reason))
        {
            throw new ValidationFailedException("reason", "The complainant has not been replied to; give the reason for concluding without a reply.");
        }
        if (countsAgainstAssessment && value == ComplaintFinding.Unsubstantiated)
        {
            throw new ValidationFailedException("countsAgainstAssessment", "An unsubstantiated complaint cannot count against the lawyer's assessment.");
        }
        if (countsAgainstAssessment && SubjectAgentId is null)
        {
            throw new ValidationFailedException("countsAgainstAssessment", "Name the lawyer complained about before counting it against an assessment.");
        }
        Finding = value;
        CountsAgainstAssessment = countsAgainstAssessment;
        FindingReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        FindingBy = userName;
        FindingAt = now;
    }

    private void RequireOpen(string action)
    {
        if (!IsOpen)
        {
            throw new DomainException($"Cannot {action}: the investigation is closed with a finding.", "finding");
        }
    }
}

/// <summary>One line of the investigation log: who, when, what.</summary>
public sealed class ComplaintNote : INotAudited
{
    public int Id { get; set; }
    public int ComplaintCaseId { get; set; }
    public DateTimeOffset At { get; set; }
    public string UserName { get; set; } = string.Empty;
    public string Text { get; set; } = string.Empty;
}

internal sealed class ComplaintCaseConfiguration : IEntityTypeConfiguration<ComplaintCase>
{
    public void Configure(EntityTypeBuilder<ComplaintCase> builder)
    {
        builder.ToTable("ComplaintCases");
        builder.HasOne(c => c.WorkOrder).WithMany().HasForeignKey(c => c.WorkOrderId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => c.WorkOrderId).IsUnique();
        builder.HasOne<Platform>().WithMany().HasForeignKey(c => c.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Agents.Agent>().WithMany().HasForeignKey(c => c.SubjectAgentId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(c => c.ReplyText).HasMaxLength(4000);
        builder.Property(c => c.RepliedBy).HasMaxLength(100);
        builder.Property(c => c.FindingReason).HasMaxLength(1000);
        builder.Property(c => c.FindingBy).HasMaxLength(100);
        builder.HasMany(c => c.Notes).WithOne().HasForeignKey(n => n.ComplaintCaseId).OnDelete(DeleteBehavior.Cascade);
        // The list: open cases by reply deadline; per-lawyer counts.
        builder.HasIndex(c => new { c.PlatformId, c.FindingAt, c.ReplyDueAt });
        builder.HasIndex(c => new { c.SubjectAgentId, c.Finding });
    }
}

internal sealed class ComplaintNoteConfiguration : IEntityTypeConfiguration<ComplaintNote>
{
    public void Configure(EntityTypeBuilder<ComplaintNote> builder)
    {
        builder.ToTable("ComplaintNotes");
        builder.Property(n => n.UserName).HasMaxLength(100);
        builder.Property(n => n.Text).HasMaxLength(4000).IsRequired();
    }
}
