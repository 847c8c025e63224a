using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Satisfaction;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Routing;

/// <summary>One call placed for a callback task: who, when, the outbound call and how it ended (null while in progress).</summary>
public sealed record CallbackAttemptDto(long Id, int TaskId, DateTimeOffset At, int? UserId, string? UserName, long? CallRecordId,
    CallbackAttemptResult? Result, DateTimeOffset? EndedAt, string? Note, string? RecordingUrl);

/// <summary>
/// A 回访 task with what a supervisor needs to call back: the rated call (arrival, skill, lawyer), the rating and
/// comment, the work order, the attempts so far and how many failed attempts allow "unreachable".
/// </summary>
public sealed record CallbackDetailDto(
    CallbackTaskDto Task,
    string? CallSkillCode,
    string? CallSkillName,
    int? LawyerAgentId,
    string? LawyerName,
    RatingChannel? RatingChannel,
    string? RatingTags,
    string? RatingComment,
    DateTimeOffset? RatedAt,
    string? WorkOrderNumber,
    string? ComplaintWorkOrderNumber,
    IReadOnlyList<CallbackAttemptDto> Attempts,
    int FailedAttempts,
    int MaxAttempts);

public sealed record CallbackOutcomeRequest(CallbackOutcome? Outcome, bool? CallerSatisfied, [property: MaxLength(1000)] string? Note);

public sealed record ReopenCallbackRequest([property: MaxLength(1000)] string? Reason);

// 回访 follow-up: the supervisor's call from the task, its outcome, reopening.
public sealed partial class CallbackService
{
    public const string ReopenReasonRequired = "Give the reason for reopening the callback.";

    public async Task<CallbackDetailDto> DetailAsync(int id, CancellationToken cancellationToken)
    {
        var task = await GetAsync(id, cancellationToken);
        var call = task.CallRecordId is { } callId
            ? await db.CallRecords.AsNoTracking().Where(c => c.Id == callId).Select(c => new { c.SkillCode, c.AgentId, c.RatedAt }).SingleOrDefaultAsync(cancellationToken)
            : null;
        var rating = await db.SatisfactionRatings.AsNoTracking()
            .Where(r => r.SupersededAt == null && ((task.CallRecordId != null && r.CallRecordId == task.CallRecordId) || (task.WorkOrderId != null && r.WorkOrderId == task.WorkOrderId)))
            .OrderByDescending(r => r.At).FirstOrDefaultAsync(cancellationToken);
        var lawyerId = call?.AgentId ?? rating?.AgentId;
        var lawyer = lawyerId is { } agentId
            ? await db.Agents.AsNoTracking().Where(a => a.Id == agentId).Select(a => a.Name).SingleOrDefaultAsync(cancellationToken)
            : null;
        var skillCode = call?.SkillCode ?? task.SkillCode;
        var skill = skillCode is null ? null : await db.Skills.AsNoTracking().Where(s => s.Code == skillCode).Select(s => s.Name).SingleOrDefaultAsync(cancellationToken);
        var orderIds = new[] { task.WorkOrderId, task.ComplaintWorkOrderId }.OfType<int>().ToList();
        var orders = await db.WorkOrders.AsNoTracking().Where(w => orderIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.Number, cancellationToken);
        var attempts = await AttemptsAsync(id, cancellationToken);
        var rule = await ratings.RuleAsync(db, task.PlatformId, cancellationToken);
        return new CallbackDetailDto(task, skillCode, skill, lawyerId, lawyer, rating?.Channel, rating?.ReasonTags, rating?.Comment, rating?.At ?? call?.RatedAt,
            task.WorkOrderId is { } order ? orders.GetValueOrDefault(order) : null,
            task.ComplaintWorkOrderId is { } complaint ? orders.GetValueOrDefault(complaint) : null,
            attempts, attempts.Count(a => a.Result is CallbackAttemptResult.NoAnswer or CallbackAttemptResult.Busy or CallbackAttemptResult.Failed), rule.MaxAttempts);
    }

    public async Task<IReadOnlyList<CallbackAttemptDto>> AttemptsAsync(int taskId, CancellationToken cancellationToken)
    {
        var rows = await (
                from a in db.CallbackAttempts.AsNoTracking()
                where a.TaskId == taskId
                join c in db.CallRecords on a.CallRecordId equals c.Id into calls
                from c in calls.DefaultIfEmpty()
                orderby a.At, a.Id
                select new { Attempt = a, HasRecording = c != null && c.RecordingPath != null })
            .ToListAsync(cancellationToken);
        var people = await NamesAsync(rows.Select(r => r.Attempt.UserId), cancellationToken);
        return [.. rows.Select(r => ToDto(r.Attempt, people, r.HasRecording))];
    }

    /// <summary>
    /// The supervisor calls the citizen back from the task: their own registered phone rings, then the citizen's
    /// through the outbound trunk; the call is recorded and the attempt's result set when it ends.
    /// </summary>
    public async Task<CallbackAttemptDto> CallAsync(int id, CancellationToken cancellationToken)
    {
        var userId = me.UserId ?? throw new ConflictException("Only a signed-in person can call back.");
        var task = await db.CallbackTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw new NotFoundException(nameof(CallbackTask), id);
        EnsureOpen(task);
        if (task.Status == CallbackStatus.Calling || await db.CallbackAttempts.AnyAsync(a => a.TaskId == id && a.Result == null, cancellationToken))
        {
            throw new ConflictException("A call for this callback is already in progress.", "status");
        }

        var agentId = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.AgentId).SingleOrDefaultAsync(cancellationToken);
        var phone = agentId is null ? null
            : await db.SipAccounts.IgnoreQueryFilters().AsNoTracking().Where(a => a.AgentId == agentId && a.Enabled).OrderBy(a => a.Id).Select(a => a.Username).FirstOrDefaultAsync(cancellationToken);
        if (phone is null)
        {
            throw new ValidationFailedException("phone", "You have no phone account to call from: link your user to an agent with a phone account.");
        }

        if (!flow.CanPlaceCallbacks)
        {
            throw new ConflictException("Calls cannot be placed now: telephony or the outbound trunk is not available.");
        }

        if (!flow.IsPhoneOnline(phone))
        {
            throw new ValidationFailedException("phone", $"Your phone ({phone}) is not online: register it, then call back.");
        }

        var platformCode = await db.Platforms.AsNoTracking().Where(p => p.Id == task.PlatformId).Select(p => p.Code).SingleAsync(cancellationToken);
        var attempt = new CallbackAttempt { PlatformId = task.PlatformId, TaskId = id, At = clock.GetUtcNow(), UserId = userId };
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            db.CallbackAttempts.Add(attempt);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var recordId = await flow.StartSupervisorCallbackAsync(
            new SupervisorCallbackRequest(attempt.Id, id, task.PlatformId, platformCode, phone, agentId, task.CallerNumber), cancellationToken);
        attempt.CallRecordId = recordId;
        var people = await NamesAsync([userId], cancellationToken);
        return ToDto(attempt, people, hasRecording: false);
    }

    /// <summary>
    /// What the 回访 came to. Unreachable only after the rule's number of failed attempts; a complaint registers a
    /// Complaint work order; a caller still not satisfied keeps the task open for another round; otherwise it is done.
    /// </summary>
    public async Task<CallbackTaskDto> RecordOutcomeAsync(int id, CallbackOutcomeRequest request, CancellationToken cancellationToken)
    {
        var task = await db.CallbackTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw new NotFoundException(nameof(CallbackTask), id);
        if (request.Outcome is not { } outcome || !Enum.IsDefined(outcome))
        {
            throw new ValidationFailedException("outcome", "Choose the outcome: Explained, ReAnswered, ComplaintRegistered or Unreachable.");
        }

        EnsureOpen(task);
        if (task.Status == CallbackStatus.Calling)
        {
            throw new ConflictException("A call for this callback is in progress; record the outcome when it ends.", "status");
        }

        var note = Clean(request.Note);
        if (outcome == CallbackOutcome.Unreachable)
        {
            var rule = await ratings.RuleAsync(db, task.PlatformId, cancellationToken);
            var failed = await db.CallbackAttempts.CountAsync(a => a.TaskId == id
                && (a.Result == CallbackAttemptResult.NoAnswer || a.Result == CallbackAttemptResult.Busy || a.Result == CallbackAttemptResult.Failed), cancellationToken);
            if (failed < rule.MaxAttempts)
            {
                throw new ValidationFailedException("outcome", $"Unreachable needs {rule.MaxAttempts} failed call attempts; this callback has {failed}.");
            }
        }
        else if (outcome is CallbackOutcome.Explained or CallbackOutcome.ReAnswered && request.CallerSatisfied is null)
        {
            throw new ValidationFailedException("callerSatisfied", "Say whether the caller was satisfied after the callback.");
        }
        else if (outcome == CallbackOutcome.ComplaintRegistered && note is null)
        {
            throw new ValidationFailedException("note", "Describe the complaint.");
        }

        var stillOpen = outcome is CallbackOutcome.Explained or CallbackOutcome.ReAnswered && request.CallerSatisfied == false;
        var now = clock.GetUtcNow();
        var tracked = await db.CallbackTasks.AsTracking().SingleAsync(t => t.Id == id, cancellationToken);
        var reached = await db.CallbackAttempts.AsNoTracking().Where(a => a.TaskId == id && a.Result == CallbackAttemptResult.Answered)
            .OrderByDescending(a => a.At).Select(a => a.CallRecordId).FirstOrDefaultAsync(cancellationToken);
        void Apply(WorkOrders.WorkOrder? complaint)
        {
            EnsureOpen(tracked);
            tracked.Outcome = outcome;
            tracked.CallerSatisfied = request.CallerSatisfied;
            tracked.Note = note ?? tracked.Note;
            if (complaint is not null)
            {
                tracked.ComplaintWorkOrder = complaint;
            }

            if (!stillOpen)
            {
                tracked.Status = CallbackStatus.Done;
                tracked.CompletedAt = now;
                tracked.CompletedByCallRecordId = reached;
            }
        }

        if (outcome == CallbackOutcome.ComplaintRegistered)
        {
            // The complaint is investigated and answered as a Complaint work order with its case, against the rated
            // lawyer; it is registered in the same transaction as the task's outcome (both or neither).
            var number = PhoneNumberFormatter.TryNormalize(task.CallerNumber, out var parsed) && parsed is not null ? parsed.E164 : null;
            var ratedLawyer = task.CallRecordId is { } callId
                ? await db.CallRecords.AsNoTracking().Where(c => c.Id == callId).Select(c => c.AgentId).SingleOrDefaultAsync(cancellationToken)
                : null;
            await complaints.RegisterAsync(new Complaints.RegisterComplaintRequest(task.PlatformId, Complaints.ComplaintSource.Callback,
                $"回访投诉（回访任务 {id}）：{note}", number, SubjectAgentId: ratedLawyer, CallRecordId: task.CallRecordId), cancellationToken, Apply);
        }
        else
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken);
            Apply(null);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return await GetAsync(id, cancellationToken);
    }

    /// <summary>A done 回访 is opened again (the citizen called back unhappy, a check found it wanting); the reason is required.</summary>
    public async Task<CallbackTaskDto> ReopenAsync(int id, ReopenCallbackRequest request, CancellationToken cancellationToken)
    {
        var reason = Clean(request.Reason) ?? throw new ValidationFailedException("reason", ReopenReasonRequired);
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            var task = await db.CallbackTasks.SingleOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw new NotFoundException(nameof(CallbackTask), id);
            if (task.Status != CallbackStatus.Done)
            {
                throw new ConflictException($"Only a done callback can be reopened; callback {id} is {task.Status}.", "status");
            }

            task.Status = CallbackStatus.Pending;
            task.ReopenCount++;
            task.CloseReason = reason;
            task.CompletedAt = null;
            task.CompletedByCallRecordId = null;
            task.Outcome = null;
            task.CallerSatisfied = null;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return await GetAsync(id, cancellationToken);
    }

    private static void EnsureOpen(CallbackTask task)
    {
        if (task.Status is CallbackStatus.Done or CallbackStatus.Cancelled)
        {
            throw new ConflictException($"Callback {task.Id} is already {task.Status}.", "status");
        }
    }

    private static CallbackAttemptDto ToDto(CallbackAttempt a, IReadOnlyDictionary<int, string> people, bool hasRecording) =>
        new(a.Id, a.TaskId, a.At, a.UserId, a.UserId is { } user ? people.GetValueOrDefault(user) : null, a.CallRecordId, a.Result, a.EndedAt, a.Note,
            hasRecording && a.CallRecordId is { } call ? RecordingUrl(call) : null);
}
