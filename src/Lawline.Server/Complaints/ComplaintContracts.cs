using System.ComponentModel.DataAnnotations;
using Lawline.Server.WorkOrders;

namespace Lawline.Server.Complaints;

/// <summary>
/// Registers a complaint. With <see cref="WorkOrderId"/>, opens the investigation of an existing Complaint work order;
/// otherwise a new Complaint work order is registered from the other fields.
/// </summary>
public sealed record RegisterComplaintRequest(
    int? PlatformId,
    ComplaintSource Source,
    [property: MaxLength(4000)] string? Content,
    [property: MaxLength(32)] string? CallerPhone = null,
    [property: MaxLength(64)] string? CallerName = null,
    int? SubjectAgentId = null,
    long? CallRecordId = null,
    [property: MaxLength(40)] string? CategoryCode = null,
    WorkOrderUrgency Urgency = WorkOrderUrgency.Normal,
    int? WorkOrderId = null);

public sealed record ComplaintNoteRequest([property: MaxLength(4000)] string? Text);

public sealed record ComplaintReplyRequest([property: MaxLength(4000)] string? Text);

public sealed record ComplaintFindingRequest(ComplaintFinding? Finding, bool CountsAgainstAssessment, [property: MaxLength(1000)] string? Reason);

public sealed record ComplaintQuery(bool? Open = null, bool? ReplyOverdue = null, int? AgentId = null, int? PlatformId = null, int Page = 1, int PageSize = 50);

public sealed record ComplaintNoteDto(int Id, DateTimeOffset At, string UserName, string Text);

public sealed record ComplaintDto(
    int Id, int WorkOrderId, string WorkOrderNumber, int PlatformId, string PlatformName, ComplaintSource Source,
    int? SubjectAgentId, string? SubjectAgentName, long? CallRecordId, string? CallerPhone, string Content,
    WorkOrderStatus WorkOrderStatus, DateTimeOffset RegisteredAt, DateTimeOffset ReplyDueAt, bool IsReplyOverdue,
    string? ReplyText, DateTimeOffset? RepliedAt, string? RepliedBy,
    ComplaintFinding? Finding, string? FindingReason, bool CountsAgainstAssessment, string? FindingBy, DateTimeOffset? FindingAt,
    bool IsOpen, IReadOnlyList<ComplaintNoteDto> Notes);

public sealed record ComplaintPage(IReadOnlyList<ComplaintDto> Items, int Total, int Page, int PageSize);

/// <summary>Per lawyer: complaints registered against them, and substantiated ones that count against the assessment.</summary>
public sealed record AgentComplaintCount(int AgentId, string AgentName, int Complaints, int Substantiated, int CountingAgainstAssessment);
