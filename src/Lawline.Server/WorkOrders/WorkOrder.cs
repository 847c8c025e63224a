using Lawline.Server.Callers;
using Lawline.Server.Common;
using Lawline.Server.Platforms;

namespace Lawline.Server.WorkOrders;

public enum WorkOrderChannel
{
    Phone = 1,
    WebChat = 2,
    SelfService = 3,
    WalkIn = 4,
    /// <summary>Transferred from the 12345 government hotline.</summary>
    Transfer12345 = 5,
    Letter = 6,
}

public enum WorkOrderType
{
    /// <summary>法律咨询</summary>
    Consultation = 1,
    /// <summary>投诉</summary>
    Complaint = 2,
    /// <summary>预约 (appointment with legal aid, mediation...)</summary>
    Appointment = 3,
    /// <summary>留言 (voicemail, message to a judge)</summary>
    Message = 4,
    /// <summary>求助 (urgent help)</summary>
    Help = 5,
}

public enum WorkOrderUrgency
{
    Normal = 1,
    Urgent = 2,
}

public enum WorkOrderStatus
{
    /// <summary>登记</summary>
    Registered = 1,
    /// <summary>处理中</summary>
    InProgress = 2,
    /// <summary>已转交办</summary>
    HandedOver = 3,
    /// <summary>待反馈 (the receiving body acknowledged; its feedback is awaited)</summary>
    AwaitingFeedback = 4,
    /// <summary>已办结</summary>
    Completed = 5,
    /// <summary>已关闭</summary>
    Closed = 6,
}

public enum WorkOrderOutcome
{
    None = 0,
    /// <summary>当场解答</summary>
    AnsweredOnLine = 1,
    /// <summary>引导 (legal aid, mediation, notary, arbitration)</summary>
    Referred = 2,
    /// <summary>转交办</summary>
    HandedOver = 3,
    /// <summary>升级至专家/值班领导</summary>
    Escalated = 4,
    /// <summary>电话转接 (12345, 110...)</summary>
    TransferredByPhone = 5,
}

public enum ReferralAgency
{
    LegalAid = 1,
    Mediation = 2,
    Notary = 3,
    Arbitration = 4,
    LaborArbitration = 5,
    Court = 6,
    Other = 9,
}

/// <summary>
/// The record of one consultation or request (工单), whatever the channel. Its status changes only through
/// the methods below, which refuse illegal transitions with a message a person can act on:
/// registered → in progress → (handed over ↔ awaiting feedback) → completed → closed, and reopen with a reason.
/// </summary>
public sealed class WorkOrder : IPlatformOwned
{
    public int Id { get; private set; }
    public int PlatformId { get; private set; }
    public Platform? Platform { get; private set; }

    /// <summary>Per platform and day: BJ-20240615-00042.</summary>
    public string Number { get; private set; } = string.Empty;
    public WorkOrderType Type { get; set; } = WorkOrderType.Consultation;
    public WorkOrderChannel Channel { get; set; } = WorkOrderChannel.Phone;
    public WorkOrderUrgency Urgency { get; set; } = WorkOrderUrgency.Normal;
    public WorkOrderStatus Status { get; private set; } = WorkOrderStatus.Registered;

    public int? CallerId { get; set; }
    public Caller? Caller { get; private set; }
    public string? CallerPhoneE164 { get; set; }
    public string? CallerName { get; set; }
    public string? CallerProvince { get; set; }
    public string? CallerCity { get; set; }
    public CallerType CallerType { get; set; }

    public int? CategoryId { get; set; }
    public Taxonomy.ConsultationCategory? Category { get; private set; }

    /// <summary>The category's code when it was chosen; reports map it to the current code.</summary>
    public string? CategoryCode { get; set; }
    public string Question { get; set; } = string.Empty;
    public string? Answer { get; set; }
    public string? LegalBasis { get; set; }
    public WorkOrderOutcome Outcome { get; private set; }

    public ReferralAgency? ReferralAgency { get; private set; }
    public string? ReferralAgencyName { get; private set; }
    public bool GuidanceSmsSent { get; private set; }

    public string? HandOverBody { get; private set; }
    public DateTimeOffset? HandOverDeadline { get; private set; }
    public DateTimeOffset? HandOverReceiptAt { get; private set; }
    public string? HandOverFeedback { get; private set; }
    public DateTimeOffset? HandOverFeedbackAt { get; private set; }

    public int? EscalatedToAgentId { get; private set; }
    public string? EscalationNote { get; private set; }
    public string? ExpertAnswer { get; private set; }

    public string? TransferTarget { get; private set; }

    /// <summary>The caller's rating of the service (from the post-call survey of the bound call); the latest counts.</summary>
    public Routing.CallRating? Rating { get; private set; }
    public DateTimeOffset? RatedAt { get; private set; }

    public int? AgentId { get; set; }
    public int? SeatId { get; set; }

    /// <summary>First responsibility (首问负责): the person answerable for the order until it is closed. Always set.</summary>
    public int OwnerUserId { get; private set; }
    public string OwnerName { get; private set; } = string.Empty;

    public List<string> Tags { get; set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset DueAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    public string? ReopenReason { get; private set; }
    public int ReopenCount { get; private set; }

    /// <summary>Incremented on every change; a stale version is refused (optimistic concurrency).</summary>
    public int Version { get; private set; } = 1;

    public List<WorkOrderAttachment> Attachments { get; private set; } = [];

    private WorkOrder()
    {
    }

    public static WorkOrder Register(int platformId, string number, int ownerUserId, string ownerName, DateTimeOffset now, DateTimeOffset dueAt)
        => new()
        {
            PlatformId = platformId,
            Number = number,
            OwnerUserId = ownerUserId,
            OwnerName = ownerName,
            CreatedAt = now,
            DueAt = dueAt,
        };

    public bool IsOpen => Status is not (WorkOrderStatus.Completed or WorkOrderStatus.Closed);
    public bool IsOverdue(DateTimeOffset now) => IsOpen && now > EffectiveDeadline;

    /// <summary>Due within the next 24 hours and not yet overdue.</summary>
    public bool IsDueSoon(DateTimeOffset now) => IsOpen && now <= EffectiveDeadline && EffectiveDeadline - now <= TimeSpan.FromHours(24);

    /// <summary>While handed over, the receiving body's deadline is the one that counts, if it is earlier.</summary>
    public DateTimeOffset EffectiveDeadline => Status is WorkOrderStatus.HandedOver or WorkOrderStatus.AwaitingFeedback
        && HandOverDeadline is { } deadline && deadline < DueAt ? deadline : DueAt;

    public void Touch() => Version++;

    /// <summary>Binds the caller (known to the platform by number) and keeps a snapshot of what was known then.</summary>
    /// <summary>Stores the caller's rating; a later rating of the same service replaces an earlier one.</summary>
    public void Rate(Routing.CallRating rating, DateTimeOffset at)
    {
        if (RatedAt is { } earlier && earlier > at)
        {
            return;
        }

        Rating = rating;
        RatedAt = at;
        Touch();
    }

    public void LinkCaller(Caller caller, string phoneE164, string? province, string? city, string? name)
    {
        Caller = caller;
        CallerPhoneE164 = phoneE164;
        CallerProvince = province;
        CallerCity = city;
        CallerName = name;
    }

    public void Start()
    {
        Require(WorkOrderStatus.Registered, "start handling");
        Status = WorkOrderStatus.InProgress;
    }

    public void HandOver(string body, DateTimeOffset deadline, DateTimeOffset now)
    {
        if (Status is not (WorkOrderStatus.InProgress or WorkOrderStatus.AwaitingFeedback or WorkOrderStatus.Registered))
        {
            throw Illegal("hand over");
        }
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new ValidationFailedException("body", "Name the body the order is handed over to.");
        }
        if (deadline <= now)
        {
            throw new ValidationFailedException("deadline", "The hand-over deadline must be in the future.");
        }
        HandOverBody = body.Trim();
        HandOverDeadline = deadline.ToUniversalTime();
        HandOverReceiptAt = null;
        HandOverFeedback = null;
        HandOverFeedbackAt = null;
        Outcome = WorkOrderOutcome.HandedOver;
        Status = WorkOrderStatus.HandedOver;
    }

    /// <summary>The receiving body confirmed it has the order (签收); its feedback is now awaited.</summary>
    public void ConfirmReceipt(DateTimeOffset now)
    {
        Require(WorkOrderStatus.HandedOver, "record the receipt");
        HandOverReceiptAt = now;
        Status = WorkOrderStatus.AwaitingFeedback;
    }

    /// <summary>The receiving body's feedback (反馈) completes the order.</summary>
    public void RecordFeedback(string feedback, DateTimeOffset now)
    {
        if (Status is not (WorkOrderStatus.HandedOver or WorkOrderStatus.AwaitingFeedback))
        {
            throw Illegal("record feedback");
        }
        if (string.IsNullOrWhiteSpace(feedback))
        {
            throw new ValidationFailedException("feedback", "Write down the feedback received.");
        }
        HandOverReceiptAt ??= now;
        HandOverFeedback = feedback.Trim();
        HandOverFeedbackAt = now;
        Status = WorkOrderStatus.Completed;
        CompletedAt = now;
    }

    public void Escalate(int expertAgentId, string? note)
    {
        if (Status is not (WorkOrderStatus.Registered or WorkOrderStatus.InProgress))
        {
            throw Illegal("escalate");
        }
        EscalatedToAgentId = expertAgentId;
        EscalationNote = note?.Trim();
        ExpertAnswer = null;
        Outcome = WorkOrderOutcome.Escalated;
        Status = WorkOrderStatus.InProgress;
    }

    public void RecordExpertAnswer(string answer)
    {
        if (EscalatedToAgentId is null || !IsOpen)
        {
            throw new DomainException("Only an open order escalated to an expert can take the expert's answer.", "expertAnswer");
        }
        if (string.IsNullOrWhiteSpace(answer))
        {
            throw new ValidationFailedException("expertAnswer", "Write down the expert's answer.");
        }
        ExpertAnswer = answer.Trim();
    }

    /// <summary>Completes the order with how it ended. An answer on the line needs the answer given.</summary>
    public void Complete(WorkOrderOutcome outcome, DateTimeOffset now, ReferralAgency? agency = null, string? agencyName = null,
        bool guidanceSmsSent = false, string? transferTarget = null)
    {
        if (Status is not (WorkOrderStatus.Registered or WorkOrderStatus.InProgress))
        {
            throw Illegal("complete");
        }
        var errors = new Dictionary<string, string[]>();
        if (CategoryId is null)
        {
            errors["categoryCode"] = ["Choose a consultation category before completing."];
        }
        if (string.IsNullOrWhiteSpace(Question))
        {
            errors["question"] = ["Write down the question."];
        }
        switch (outcome)
        {
            case WorkOrderOutcome.AnsweredOnLine when string.IsNullOrWhiteSpace(Answer):
                errors["answer"] = ["Write down the answer given."];
                break;
            case WorkOrderOutcome.Referred when agency is null:
                errors["referralAgency"] = ["Choose the agency the caller was referred to."];
                break;
            case WorkOrderOutcome.TransferredByPhone when string.IsNullOrWhiteSpace(transferTarget):
                errors["transferTarget"] = ["Name where the call was transferred (e.g. 12345, 110)."];
                break;
            case WorkOrderOutcome.Escalated when ExpertAnswer is null:
                errors["expertAnswer"] = ["An escalated order completes once the expert's answer is recorded."];
                break;
            case WorkOrderOutcome.HandedOver:
                errors["outcome"] = ["A handed-over order completes when the feedback is recorded."];
                break;
            case WorkOrderOutcome.None:
                errors["outcome"] = ["Choose the outcome."];
                break;
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        Outcome = outcome;
        if (outcome == WorkOrderOutcome.Referred)
        {
            ReferralAgency = agency;
            ReferralAgencyName = agencyName?.Trim();
            GuidanceSmsSent = guidanceSmsSent;
        }
        if (outcome == WorkOrderOutcome.TransferredByPhone)
        {
            TransferTarget = transferTarget!.Trim();
        }
        Status = WorkOrderStatus.Completed;
        CompletedAt = now;
    }

    /// <summary>The guidance SMS of a referral was queued for the caller.</summary>
    public void RecordGuidanceSms() => GuidanceSmsSent = true;

    public void Close(DateTimeOffset now)
    {
        Require(WorkOrderStatus.Completed, "close");
        Status = WorkOrderStatus.Closed;
        ClosedAt = now;
    }

    public void Reopen(string reason, DateTimeOffset newDueAt)
    {
        if (Status is not (WorkOrderStatus.Completed or WorkOrderStatus.Closed))
        {
            throw Illegal("reopen");
        }
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ValidationFailedException("reason", "Give the reason for reopening.");
        }
        ReopenReason = reason.Trim();
        ReopenCount++;
        CompletedAt = null;
        ClosedAt = null;
        DueAt = newDueAt;
        Status = WorkOrderStatus.InProgress;
    }

    private void Require(WorkOrderStatus expected, string action)
    {
        if (Status != expected)
        {
            throw Illegal(action);
        }
    }

    private DomainException Illegal(string action)
        => new($"Cannot {action}: work order {Number} is {Status}.", "status");
}

/// <summary>A file attached to a work order (a contract photo, a letter); stored under the data directory.</summary>
public sealed class WorkOrderAttachment
{
    public int Id { get; set; }
    public int WorkOrderId { get; set; }
    public string FileName { get; set; } = string.Empty;
    public string ContentType { get; set; } = "application/octet-stream";
    public long Size { get; set; }
    public string StoragePath { get; set; } = string.Empty;
    public DateTimeOffset UploadedAt { get; set; }
    public string UploadedBy { get; set; } = string.Empty;
}

public enum WorkOrderEventKind
{
    Created = 1,
    Updated = 2,
    StatusChanged = 3,
    AttachmentAdded = 4,
}

/// <summary>One line of a work order's history: who, when, what changed (before and after).</summary>
public sealed class WorkOrderEvent : Data.INotAudited, Platforms.IPlatformOwned
{
    public long Id { get; set; }
    public int WorkOrderId { get; set; }

    /// <summary>Set when the order is new, so the order and its first events are saved together.</summary>
    public WorkOrder? Order { get; set; }
    public int PlatformId { get; set; }
    public DateTimeOffset At { get; set; }
    public int? UserId { get; set; }
    public string UserName { get; set; } = string.Empty;
    public WorkOrderEventKind Kind { get; set; }
    public WorkOrderStatus? FromStatus { get; set; }
    public WorkOrderStatus? ToStatus { get; set; }

    /// <summary>JSON: {"field": {"before": ..., "after": ...}}.</summary>
    public string? Changes { get; set; }
    public string? Note { get; set; }
}

/// <summary>The last number given out per platform and day.</summary>
public sealed class WorkOrderSequence : Data.INotAudited
{
    public int PlatformId { get; set; }
    public DateOnly Day { get; set; }
    public int Last { get; set; }
}

/// <summary>How long an order of a type and urgency may stay open, in working days (0 = the same day).</summary>
public sealed class WorkOrderTimeLimit
{
    public int Id { get; set; }

    /// <summary>Null for the installation-wide default.</summary>
    public int? PlatformId { get; set; }
    public WorkOrderType Type { get; set; }
    public WorkOrderUrgency Urgency { get; set; }
    public int WorkingDays { get; set; }
}
