using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Routing;

/// <summary>
/// <paramref name="Mine"/>: 回访 assigned to the signed-in supervisor or to nobody on their platforms;
/// <paramref name="EscalatedToMe"/>: overdue 回访 escalated to the signed-in manager.
/// </summary>
public sealed record CallbackQuery(CallbackStatus? Status = null, CallbackKind? Kind = null, int? PlatformId = null, int Page = 1, int PageSize = CallbackService.DefaultPageSize,
    bool Mine = false, bool EscalatedToMe = false);

/// <summary>
/// A callback task as supervisors see it. <paramref name="CallerNumber"/> is in full only for roles that call people
/// back (<see cref="LawlineRoles.SeeFullCallerDetails"/>), else masked. The call that asked for it gives the arrival
/// time, skill and rating; for a voicemail, <paramref name="VoicemailOffsetSeconds"/> is where the message starts in the
/// call's recording (<paramref name="RecordingUrl"/>).
/// </summary>
public sealed record CallbackTaskDto(
    int Id,
    int PlatformId,
    string PlatformName,
    CallbackKind Kind,
    CallbackStatus Status,
    string CallerNumber,
    bool CallerNumberMasked,
    string? SkillCode,
    string? SkillName,
    bool Urgent,
    int Requests,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DueAt,
    bool IsOverdue,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? CompletedAt,
    string? Note,
    long? CallRecordId,
    DateTimeOffset? CallArrivedAt,
    CallRating? Rating,
    double? VoicemailOffsetSeconds,
    string? RecordingUrl,
    int? AssignedUserId = null,
    string? AssignedUserName = null,
    CallbackOutcome? Outcome = null,
    bool? CallerSatisfied = null,
    int ReopenCount = 0,
    DateTimeOffset? EscalatedAt = null,
    int? EscalatedToUserId = null,
    string? EscalatedToName = null,
    int? WorkOrderId = null,
    int? ComplaintWorkOrderId = null,
    string? CloseReason = null)
{
    /// <summary>Still owed to the caller: not reached, not cancelled.</summary>
    public bool IsOpen => Status is CallbackStatus.Pending or CallbackStatus.Calling or CallbackStatus.Expired;
}

public sealed record CallbackPage(IReadOnlyList<CallbackTaskDto> Items, int Total, int Page, int PageSize);

/// <summary>The note of a supervisor closing a callback: optional when the caller was reached, the reason when cancelling.</summary>
public sealed record CloseCallbackRequest([property: MaxLength(1000)] string? Note);

/// <summary>
/// Callbacks and voicemails (回拨与留言) of the platforms the supervisor sees, closing them by hand, and the call
/// recordings they point to. Every listen to a recording is in the audit log.
/// </summary>
public sealed partial class CallbackService(
    AppDbContext db,
    CurrentUser me,
    CallFlow flow,
    TimeProvider clock,
    IOptions<LawlineOptions> lawline,
    IOptions<RoutingOptions> routing,
    Satisfaction.RatingRecorder ratings,
    Complaints.ComplaintService complaints,
    ILogger<CallbackService> logger)
{
    public const int DefaultPageSize = 50;

    /// <summary>
    /// A player fetches a recording in several range requests (start, seeks, the rest); one listening is one audit
    /// line: a person's reads of the same recording within this window after an audited one are not logged again.
    /// </summary>
    public static readonly TimeSpan ListeningWindow = TimeSpan.FromMinutes(5);

    public const string CancelReasonRequired = "Give the reason for cancelling the callback.";

    private static readonly JsonSerializerOptions AuditJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string RecordingUrl(long callRecordId) => $"/api/calls/{callRecordId.ToString(CultureInfo.InvariantCulture)}/recording";

    /// <summary>Newest first.</summary>
    public async Task<CallbackPage> ListAsync(CallbackQuery query, CancellationToken cancellationToken)
    {
        var tasks = db.CallbackTasks.AsNoTracking();
        if (query.Status is { } status)
        {
            tasks = tasks.Where(t => t.Status == status);
        }

        if (query.Kind is { } kind)
        {
            tasks = tasks.Where(t => t.Kind == kind);
        }

        if (query.PlatformId is { } platformId)
        {
            tasks = tasks.Where(t => t.PlatformId == platformId);
        }

        var userId = me.UserId ?? 0;
        if (query.Mine)
        {
            tasks = tasks.Where(t => t.AssignedUserId == userId || (t.Kind == CallbackKind.LowRating && t.AssignedUserId == null));
        }

        if (query.EscalatedToMe)
        {
            tasks = tasks.Where(t => t.EscalatedToUserId == userId);
        }

        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var page = Math.Max(query.Page, 1);
        var total = await tasks.CountAsync(cancellationToken);
        var rows = await (
                from t in tasks
                join c in db.CallRecords on t.CallRecordId equals c.Id into calls
                from c in calls.DefaultIfEmpty()
                orderby t.CreatedAt descending, t.Id descending
                select new Row(t, c != null ? (DateTimeOffset?)c.ArrivedAt : null, c != null ? c.Rating : null, c != null ? c.VoicemailAt : null,
                    c != null && c.RecordingPath != null))
            .Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(cancellationToken);
        var platforms = await db.Platforms.AsNoTracking().Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        var skills = await db.Skills.AsNoTracking().Select(s => new { s.Code, s.Name }).ToDictionaryAsync(s => s.Code, s => s.Name, cancellationToken);
        var now = clock.GetUtcNow();
        var people = await NamesAsync(rows.SelectMany(r => new[] { r.Task.AssignedUserId, r.Task.EscalatedToUserId }), cancellationToken);
        return new CallbackPage([.. rows.Select(r => ToDto(r, platforms, skills, now, people))], total, page, pageSize);
    }

    public async Task<CallbackTaskDto> GetAsync(int id, CancellationToken cancellationToken)
    {
        var row = await (
                from t in db.CallbackTasks.AsNoTracking()
                where t.Id == id
                join c in db.CallRecords on t.CallRecordId equals c.Id into calls
                from c in calls.DefaultIfEmpty()
                select new Row(t, c != null ? (DateTimeOffset?)c.ArrivedAt : null, c != null ? c.Rating : null, c != null ? c.VoicemailAt : null,
                    c != null && c.RecordingPath != null))
            .SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException(nameof(CallbackTask), id);
        var platform = await db.Platforms.AsNoTracking().Where(p => p.Id == row.Task.PlatformId).Select(p => p.Name).SingleOrDefaultAsync(cancellationToken);
        var skill = row.Task.SkillCode is null ? null
            : await db.Skills.AsNoTracking().Where(s => s.Code == row.Task.SkillCode).Select(s => s.Name).SingleOrDefaultAsync(cancellationToken);
        var people = await NamesAsync([row.Task.AssignedUserId, row.Task.EscalatedToUserId], cancellationToken);
        return ToDto(row, new Dictionary<int, string> { [row.Task.PlatformId] = platform ?? string.Empty },
            skill is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [row.Task.SkillCode!] = skill }, clock.GetUtcNow(), people);
    }

    /// <summary>A supervisor reached the caller (by phone, outside the router): the task is done.</summary>
    public async Task<CallbackTaskDto> CompleteAsync(int id, CloseCallbackRequest request, CancellationToken cancellationToken)
    {
        var kind = await db.CallbackTasks.AsNoTracking().Where(t => t.Id == id).Select(t => (CallbackKind?)t.Kind).SingleOrDefaultAsync(cancellationToken);
        if (kind == CallbackKind.LowRating)
        {
            // A 回访 closes with what it came to (and whether the caller is now satisfied), never as a bare "done".
            throw new ValidationFailedException("outcome", LowRatingNeedsOutcome);
        }

        return await CloseAsync(id, CallbackStatus.Done, Clean(request.Note), cancellationToken);
    }

    public const string LowRatingNeedsOutcome = "A 回访 is completed by recording its outcome: explained, re-answered, complaint registered or unreachable.";

    /// <summary>The callback will not be made (a wrong number, the caller withdrew, a duplicate); the reason is required.</summary>
    public Task<CallbackTaskDto> CancelAsync(int id, CloseCallbackRequest request, CancellationToken cancellationToken)
    {
        var note = Clean(request.Note) ?? throw new ValidationFailedException("note", CancelReasonRequired);
        return CloseAsync(id, CallbackStatus.Cancelled, note, cancellationToken);
    }

    /// <summary>
    /// The file of a call's recording, for a person allowed to listen to it; the listening is audited. Not found
    /// when the call is outside the person's platforms, was not recorded, or its file is gone.
    /// </summary>
    public async Task<string> OpenRecordingAsync(long callRecordId, CancellationToken cancellationToken)
    {
        var call = await db.CallRecords.AsNoTracking().Where(c => c.Id == callRecordId)
            .Select(c => new { c.Id, c.PlatformId, c.RecordingPath }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException(nameof(CallRecord), callRecordId, $"Call {callRecordId} was not found.");
        if (string.IsNullOrEmpty(call.RecordingPath))
        {
            throw new NotFoundException("Recording", callRecordId, $"Call {callRecordId} has no recording.");
        }

        var path = Path.IsPathRooted(call.RecordingPath)
            ? call.RecordingPath
            : Path.Combine(lawline.Value.ResolveDataDirectory(), routing.Value.RecordingsDirectory, call.RecordingPath);
        if (!File.Exists(path))
        {
            Log.RecordingMissing(logger, call.Id, path);
            throw new NotFoundException("Recording", callRecordId, $"The recording of call {callRecordId} is missing from storage.");
        }

        var id = call.Id.ToString(CultureInfo.InvariantCulture);
        var since = clock.GetUtcNow() - ListeningWindow;
        var userId = me.UserId;
        var heardJustNow = await db.AuditEntries.AsNoTracking().AnyAsync(a => a.Action == AuditAction.ReadPersonalData
            && a.EntityType == nameof(CallRecord) && a.EntityId == id && a.UserId == userId && a.At >= since, cancellationToken);
        if (!heardJustNow)
        {
            db.AuditRead(nameof(CallRecord), call.Id, call.PlatformId, "call recording");
            await db.SaveChangesAsync(cancellationToken);
        }

        return path;
    }

    private async Task<CallbackTaskDto> CloseAsync(int id, CallbackStatus status, string? note, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            // One conditional update, so two supervisors closing the same task at once cannot both succeed
            // (the task has no version column to compare).
            var changed = await db.CallbackTasks
                .Where(t => t.Id == id && t.Status != CallbackStatus.Done && t.Status != CallbackStatus.Cancelled)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.Status, status)
                    .SetProperty(t => t.CompletedAt, now)
                    .SetProperty(t => t.Note, note), cancellationToken);
            var task = await db.CallbackTasks.AsNoTracking().Where(t => t.Id == id)
                .Select(t => new { t.PlatformId, t.Status }).SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException(nameof(CallbackTask), id);
            if (changed == 0)
            {
                throw new ConflictException($"Callback {id} is already {task.Status}.", "status");
            }

            // The same line the change tracker writes for an update, which a bulk update bypasses.
            db.AuditEvent(AuditAction.Update, nameof(CallbackTask), id, task.PlatformId,
                JsonSerializer.Serialize(new { Status = status, CompletedAt = now, Note = note }, AuditJson));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // A callback the router still holds (waiting for a free lawyer) is withdrawn: nobody calls the citizen twice.
        flow.WithdrawCallback(id);
        return await GetAsync(id, cancellationToken);
    }

    private static string? Clean(string? note) => string.IsNullOrWhiteSpace(note) ? null : note.Trim();

    private sealed record Row(CallbackTask Task, DateTimeOffset? ArrivedAt, CallRating? Rating, DateTimeOffset? VoicemailAt, bool HasRecording);

    private async Task<Dictionary<int, string>> NamesAsync(IEnumerable<int?> userIds, CancellationToken cancellationToken)
    {
        var ids = userIds.OfType<int>().Distinct().ToList();
        return ids.Count == 0 ? []
            : await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
    }

    private CallbackTaskDto ToDto(Row row, IReadOnlyDictionary<int, string> platforms, IReadOnlyDictionary<string, string> skills, DateTimeOffset now,
        IReadOnlyDictionary<int, string> people)
    {
        var t = row.Task;
        var full = me.CanSeeFullCallerDetails;
        var open = t.Status is CallbackStatus.Pending or CallbackStatus.Calling or CallbackStatus.Expired;
        double? offset = t.Kind == CallbackKind.Voicemail && row.VoicemailAt is { } voicemail && row.ArrivedAt is { } arrived
            ? Math.Max(0, Math.Round((voicemail - arrived).TotalSeconds, 1))
            : null;
        return new CallbackTaskDto(
            t.Id,
            t.PlatformId,
            platforms.GetValueOrDefault(t.PlatformId, string.Empty),
            t.Kind,
            t.Status,
            full ? PhoneNumberFormatter.Display(t.CallerNumber) : PhoneNumberFormatter.Mask(t.CallerNumber),
            !full,
            t.SkillCode,
            t.SkillCode is null ? null : skills.GetValueOrDefault(t.SkillCode, t.SkillCode),
            t.Urgent,
            t.Requests,
            t.Attempts,
            t.CreatedAt,
            t.DueAt,
            open && t.DueAt < now,
            t.LastAttemptAt,
            t.CompletedAt,
            t.Note,
            t.CallRecordId,
            row.ArrivedAt,
            row.Rating,
            offset,
            row.HasRecording && t.CallRecordId is { } call ? RecordingUrl(call) : null,
            t.AssignedUserId,
            t.AssignedUserId is { } assigned ? people.GetValueOrDefault(assigned) : null,
            t.Outcome,
            t.CallerSatisfied,
            t.ReopenCount,
            t.EscalatedAt,
            t.EscalatedToUserId,
            t.EscalatedToUserId is { } escalated ? people.GetValueOrDefault(escalated) : null,
            t.WorkOrderId,
            t.ComplaintWorkOrderId,
            t.CloseReason);
    }

    private static partial class Log
    {
        [LoggerMessage(7301, LogLevel.Warning, "The recording of call {CallRecordId} is missing: {Path}")]
        public static partial void RecordingMissing(ILogger logger, long callRecordId, string path);
    }
}
