using System.ComponentModel.DataAnnotations;
using Lawline.Server.Callers;

namespace Lawline.Server.WorkOrders;

public sealed record CreateWorkOrderRequest(
    int PlatformId,
    WorkOrderType Type,
    WorkOrderChannel Channel,
    WorkOrderUrgency Urgency,
    [property: MaxLength(32)] string? CallerPhone,
    [property: MaxLength(64)] string? CallerName,
    CallerType CallerType,
    [property: MaxLength(40)] string? CategoryCode,
    [property: Required, MaxLength(4000)] string Question,
    [property: MaxLength(8000)] string? Answer,
    [property: MaxLength(2000)] string? LegalBasis,
    int? AgentId,
    int? SeatId,
    IReadOnlyList<string>? Tags,
    /// <summary>Complete at once with this outcome (a consultation answered on the line is registered and completed together).</summary>
    WorkOrderOutcome? CompleteWith = null,
    ReferralAgency? ReferralAgency = null,
    [property: MaxLength(100)] string? ReferralAgencyName = null,
    bool GuidanceSmsSent = false,
    [property: MaxLength(64)] string? TransferTarget = null);

public sealed record UpdateWorkOrderRequest(
    int Version,
    WorkOrderType Type,
    WorkOrderChannel Channel,
    WorkOrderUrgency Urgency,
    [property: MaxLength(64)] string? CallerName,
    CallerType CallerType,
    [property: MaxLength(40)] string? CategoryCode,
    [property: Required, MaxLength(4000)] string Question,
    [property: MaxLength(8000)] string? Answer,
    [property: MaxLength(2000)] string? LegalBasis,
    int? AgentId,
    int? SeatId,
    IReadOnlyList<string>? Tags);

public enum WorkOrderAction
{
    Start = 1,
    HandOver = 2,
    ConfirmReceipt = 3,
    RecordFeedback = 4,
    Escalate = 5,
    RecordExpertAnswer = 6,
    Complete = 7,
    Close = 8,
    Reopen = 9,
}

public sealed record TransitionRequest(
    int Version,
    WorkOrderAction Action,
    [property: MaxLength(1000)] string? Reason = null,
    [property: MaxLength(100)] string? Body = null,
    DateTimeOffset? Deadline = null,
    [property: MaxLength(4000)] string? Feedback = null,
    int? ExpertAgentId = null,
    [property: MaxLength(1000)] string? Note = null,
    [property: MaxLength(8000)] string? ExpertAnswer = null,
    WorkOrderOutcome? Outcome = null,
    ReferralAgency? ReferralAgency = null,
    [property: MaxLength(100)] string? ReferralAgencyName = null,
    bool GuidanceSmsSent = false,
    [property: MaxLength(64)] string? TransferTarget = null);

public sealed record WorkOrderQuery(
    string? Number = null,
    string? Phone = null,
    string? CategoryCode = null,
    WorkOrderStatus? Status = null,
    WorkOrderOutcome? Outcome = null,
    WorkOrderChannel? Channel = null,
    WorkOrderType? Type = null,
    int? PlatformId = null,
    int? AgentId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    bool? Overdue = null,
    int Page = 1,
    int PageSize = 50,
    /// <summary>Orders whose first-responsibility owner (首问负责人) is this user: "my work orders".</summary>
    int? OwnerUserId = null,
    /// <summary>True: not yet completed or closed; false: completed or closed.</summary>
    bool? Open = null);

/// <summary>A work order in a list. The number is masked unless the role calls people back.</summary>
public sealed record WorkOrderSummary(int Id, string Number, int PlatformId, WorkOrderType Type, WorkOrderChannel Channel,
    WorkOrderUrgency Urgency, WorkOrderStatus Status, WorkOrderOutcome Outcome, string? CallerPhone, string? CallerRegion,
    string? CategoryCode, string? CategoryName, string Question, string OwnerName, DateTimeOffset CreatedAt, DateTimeOffset DueAt,
    bool IsOverdue, bool IsDueSoon);

/// <summary>One page of results. <see cref="TotalIsCapped"/> means there are more than <see cref="Total"/>.</summary>
public sealed record WorkOrderPage(IReadOnlyList<WorkOrderSummary> Items, int Total, bool TotalIsCapped, int Page, int PageSize);

public sealed record AttachmentDto(int Id, string FileName, string ContentType, long Size, DateTimeOffset UploadedAt, string UploadedBy);

public sealed record WorkOrderDto(
    int Id, string Number, int PlatformId, string PlatformName, WorkOrderType Type, WorkOrderChannel Channel, WorkOrderUrgency Urgency,
    WorkOrderStatus Status, WorkOrderOutcome Outcome,
    int? CallerId, string? CallerPhone, bool CallerPhoneMasked, string? CallerName, string? CallerProvince, string? CallerCity, CallerType CallerType,
    string? CategoryCode, string? CategoryName, string? CategoryPath, string? SkillName,
    string Question, string? Answer, string? LegalBasis,
    ReferralAgency? ReferralAgency, string? ReferralAgencyName, bool GuidanceSmsSent,
    string? HandOverBody, DateTimeOffset? HandOverDeadline, DateTimeOffset? HandOverReceiptAt, string? HandOverFeedback, DateTimeOffset? HandOverFeedbackAt,
    int? EscalatedToAgentId, string? EscalationNote, string? ExpertAnswer, string? TransferTarget,
    int? AgentId, int? SeatId, int OwnerUserId, string OwnerName, IReadOnlyList<string> Tags,
    DateTimeOffset CreatedAt, DateTimeOffset DueAt, DateTimeOffset? CompletedAt, DateTimeOffset? ClosedAt,
    string? ReopenReason, int ReopenCount, bool IsOverdue, bool IsDueSoon, int Version,
    IReadOnlyList<AttachmentDto> Attachments, IReadOnlyList<WorkOrderAction> AllowedActions);

public sealed record WorkOrderEventDto(long Id, DateTimeOffset At, string UserName, WorkOrderEventKind Kind,
    WorkOrderStatus? FromStatus, WorkOrderStatus? ToStatus, string? Changes, string? Note);

public sealed record CallerHistory(string Phone, bool PhoneMasked, bool IsRepeatCaller, int ContactsInWindow, int WindowDays,
    IReadOnlyList<WorkOrderSummary> WorkOrders, IReadOnlyList<CallerSms>? Sms = null);

/// <summary>An SMS the hotline sent to the caller's number (the number itself is the history's).</summary>
public sealed record CallerSms(long Id, Sms.SmsPurpose Purpose, Sms.SmsStatus Status, DateTimeOffset CreatedAt, string Text, int? WorkOrderId);
