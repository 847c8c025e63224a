using System.Globalization;
using System.Text.Json;
using Lawline.Server.Callers;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Security;
using Lawline.Server.Taxonomy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.WorkOrders;

/// <summary>Installation-wide work-order settings.</summary>
public sealed class WorkOrderOptions
{
    public const string Section = "WorkOrders";

    /// <summary>A number that called this many times within <see cref="RepeatCallerWindowDays"/> is a repeat caller.</summary>
    [System.ComponentModel.DataAnnotations.Range(2, 100)]
    public int RepeatCallerThreshold { get; set; } = 3;

    [System.ComponentModel.DataAnnotations.Range(1, 365)]
    public int RepeatCallerWindowDays { get; set; } = 30;

    [System.ComponentModel.DataAnnotations.Range(1024, 100 * 1024 * 1024)]
    public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;
}

/// <summary>Registers, changes, moves through the workflow, searches and exports work orders within the caller's scope.</summary>
public sealed partial class WorkOrderService(
    AppDbContext db,
    CurrentUser me,
    TaxonomyIndex taxonomy,
    TimeProvider clock,
    IOptions<WorkOrderOptions> options,
    Sms.SmsOutbox outbox)
{
    private static readonly JsonSerializerOptions ChangeJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <param name="alongside">Adds records that belong to the new order (a complaint case), saved in the same transaction.</param>
    public async Task<WorkOrderDto> CreateAsync(CreateWorkOrderRequest request, CancellationToken cancellationToken, Action<WorkOrder>? alongside = null)
    {
        var errors = new Dictionary<string, string[]>();
        var platform = await db.Platforms.AsNoTracking().SingleOrDefaultAsync(p => p.Id == request.PlatformId, cancellationToken);
        if (platform is null)
        {
            errors["platformId"] = ["The platform does not exist or is outside your scope."];
        }
        NormalizedPhoneNumber? phone = null;
        if (!string.IsNullOrWhiteSpace(request.CallerPhone) && !PhoneNumberFormatter.TryNormalize(request.CallerPhone, out phone))
        {
            errors["callerPhone"] = [$"'{request.CallerPhone}' is not a valid phone number."];
        }
        if (request.Channel == WorkOrderChannel.Phone && string.IsNullOrWhiteSpace(request.CallerPhone))
        {
            errors["callerPhone"] = ["A phone consultation needs the caller's number."];
        }
        var category = await ResolveCategoryAsync(request.CategoryCode, errors, cancellationToken);
        await CheckPeopleAsync(request.PlatformId, request.AgentId, request.SeatId, errors, cancellationToken);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        if (me.UserId is not { } ownerId)
        {
            throw new DomainException("Only a signed-in person can register a work order (first responsibility needs an owner).");
        }

        var now = clock.GetUtcNow();
        var zone = WorkingCalendar.Zone(platform!.TimeZone);
        var due = WorkingCalendar.Deadline(platform.OfficeHours, zone, now,
            await WorkingDaysAsync(platform.Id, request.Type, request.Urgency, cancellationToken));

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var number = await NextNumberAsync(platform, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime), cancellationToken);
        var order = WorkOrder.Register(platform.Id, number, ownerId, me.DisplayName.Length > 0 ? me.DisplayName : me.UserName, now, due);
        order.Type = request.Type;
        order.Channel = request.Channel;
        order.Urgency = request.Urgency;
        order.CallerType = request.CallerType;
        order.Question = request.Question.Trim();
        order.Answer = Clean(request.Answer);
        order.LegalBasis = Clean(request.LegalBasis);
        order.AgentId = request.AgentId;
        order.SeatId = request.SeatId;
        order.Tags = CleanTags(request.Tags);
        SetCategory(order, category);
        if (phone is not null)
        {
            var caller = await TrackCallerAsync(platform.Id, phone, request.CallerName, request.CallerType, now, cancellationToken);
            order.LinkCaller(caller, phone.E164, phone.Province, phone.City, Clean(request.CallerName) ?? caller.Name);
        }
        db.WorkOrders.Add(order);
        AddEvent(order, WorkOrderEventKind.Created, null, WorkOrderStatus.Registered, null, null);
        alongside?.Invoke(order);
        if (request.CompleteWith is { } outcome)
        {
            var from = order.Status;
            order.Start();
            order.Complete(outcome, now, request.ReferralAgency, request.ReferralAgencyName, request.GuidanceSmsSent, request.TransferTarget);
            AddEvent(order, WorkOrderEventKind.StatusChanged, from, order.Status, null, $"outcome: {outcome}");
        }
        // One save: the order, its caller, its events and the audit lines, in the transaction of the number.
        await db.SaveChangesAsync(cancellationToken);
        if (order.Outcome == WorkOrderOutcome.Referred && await QueueGuidanceSmsAsync(order, cancellationToken))
        {
            // The message needs the order's id, so it is a second save, in the same transaction.
            order.RecordGuidanceSms();
            await db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return await ToDtoAsync(order, platform.Name, category?.Name, cancellationToken);
    }

    public async Task<WorkOrderDto> GetAsync(int id, CancellationToken cancellationToken)
    {
        var order = await db.WorkOrders.AsNoTracking().Include(w => w.Attachments)
            .SingleOrDefaultAsync(w => w.Id == id, cancellationToken) ?? throw new NotFoundException("WorkOrder", id);
        var names = await db.WorkOrders.AsNoTracking().Where(w => w.Id == id)
            .Select(w => new { Platform = w.Platform!.Name, Category = w.Category != null ? w.Category.Name : null })
            .SingleAsync(cancellationToken);
        if (me.CanSeeFullCallerDetails && order.CallerPhoneE164 is not null)
        {
            db.AuditRead(nameof(WorkOrder), order.Id, order.PlatformId, "caller's number and name");
            await db.SaveChangesAsync(cancellationToken);
        }
        return await ToDtoAsync(order, names.Platform, names.Category, cancellationToken);
    }

    private async Task<WorkOrderDto> ToDtoAsync(WorkOrder order, string platformName, string? categoryName, CancellationToken cancellationToken)
    {
        var full = me.CanSeeFullCallerDetails;
        var entry = order.CategoryCode is null ? null : await taxonomy.FindAsync(order.CategoryCode, cancellationToken);
        var now = clock.GetUtcNow();
        return new WorkOrderDto(order.Id, order.Number, order.PlatformId, platformName, order.Type, order.Channel,
            order.Urgency, order.Status, order.Outcome, order.CallerId,
            order.CallerPhoneE164 is null ? null : full ? PhoneNumberFormatter.Display(order.CallerPhoneE164) : PhoneNumberFormatter.Mask(order.CallerPhoneE164),
            !full, full ? order.CallerName : null, order.CallerProvince, order.CallerCity, order.CallerType,
            order.CategoryCode, categoryName, entry?.FullName, entry?.SkillName,
            order.Question, order.Answer, order.LegalBasis, order.ReferralAgency, order.ReferralAgencyName, order.GuidanceSmsSent,
            order.HandOverBody, order.HandOverDeadline, order.HandOverReceiptAt, order.HandOverFeedback, order.HandOverFeedbackAt,
            order.EscalatedToAgentId, order.EscalationNote, order.ExpertAnswer, order.TransferTarget,
            order.AgentId, order.SeatId, order.OwnerUserId, order.OwnerName, order.Tags,
            order.CreatedAt, order.DueAt, order.CompletedAt, order.ClosedAt, order.ReopenReason, order.ReopenCount,
            order.IsOverdue(now), order.IsDueSoon(now), order.Version,
            [.. order.Attachments.OrderBy(a => a.Id).Select(a => new AttachmentDto(a.Id, a.FileName, a.ContentType, a.Size, a.UploadedAt, a.UploadedBy))],
            AllowedActions(order));
    }

    public async Task<WorkOrderDto> UpdateAsync(int id, UpdateWorkOrderRequest request, CancellationToken cancellationToken)
    {
        var order = await LoadForChangeAsync(id, request.Version, cancellationToken);
        if (order.Status == WorkOrderStatus.Closed)
        {
            throw new DomainException($"Work order {order.Number} is closed; reopen it to make changes.", "status");
        }
        var errors = new Dictionary<string, string[]>();
        var category = await ResolveCategoryAsync(request.CategoryCode, errors, cancellationToken);
        await CheckPeopleAsync(order.PlatformId, request.AgentId, request.SeatId, errors, cancellationToken);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        var before = Snapshot(order);
        order.Type = request.Type;
        order.Channel = request.Channel;
        order.Urgency = request.Urgency;
        order.CallerName = Clean(request.CallerName) ?? order.CallerName;
        order.CallerType = request.CallerType;
        order.Question = request.Question.Trim();
        order.Answer = Clean(request.Answer);
        order.LegalBasis = Clean(request.LegalBasis);
        order.AgentId = request.AgentId;
        order.SeatId = request.SeatId;
        order.Tags = CleanTags(request.Tags);
        SetCategory(order, category);
        var changes = Diff(before, Snapshot(order));
        if (changes is null)
        {
            return await GetAsync(id, cancellationToken);
        }
        order.Touch();
        AddEvent(order, WorkOrderEventKind.Updated, null, null, changes, null);
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    public async Task<WorkOrderDto> TransitionAsync(int id, TransitionRequest request, CancellationToken cancellationToken)
    {
        var order = await LoadForChangeAsync(id, request.Version, cancellationToken);
        var now = clock.GetUtcNow();
        var from = order.Status;
        string? note = null;
        switch (request.Action)
        {
            case WorkOrderAction.Start:
                order.Start();
                break;
            case WorkOrderAction.HandOver:
                if (request.Deadline is null)
                {
                    throw new ValidationFailedException("deadline", "Give the hand-over deadline.");
                }
                order.HandOver(request.Body ?? string.Empty, request.Deadline.Value, now);
                note = $"handed over to {order.HandOverBody}, deadline {order.HandOverDeadline:yyyy-MM-dd HH:mm} UTC";
                break;
            case WorkOrderAction.ConfirmReceipt:
                order.ConfirmReceipt(now);
                break;
            case WorkOrderAction.RecordFeedback:
                order.RecordFeedback(request.Feedback ?? string.Empty, now);
                note = "feedback recorded";
                break;
            case WorkOrderAction.Escalate:
                if (request.ExpertAgentId is not { } expertId
                    || !await db.Agents.AnyAsync(a => a.Id == expertId && a.Status == Agents.AgentStatus.Admitted, cancellationToken))
                {
                    throw new ValidationFailedException("expertAgentId", "Choose an admitted expert or duty leader.");
                }
                order.Escalate(expertId, request.Note);
                note = request.Note;
                break;
            case WorkOrderAction.RecordExpertAnswer:
                order.RecordExpertAnswer(request.ExpertAnswer ?? string.Empty);
                note = "expert's answer recorded";
                break;
            case WorkOrderAction.Complete:
                order.Complete(request.Outcome ?? WorkOrderOutcome.None, now, request.ReferralAgency, request.ReferralAgencyName,
                    request.GuidanceSmsSent, request.TransferTarget);
                note = $"outcome: {order.Outcome}";
                if (await QueueGuidanceSmsAsync(order, cancellationToken))
                {
                    order.RecordGuidanceSms();
                    note += ", guidance SMS queued";
                }
                break;
            case WorkOrderAction.Close:
                order.Close(now);
                break;
            case WorkOrderAction.Reopen:
                var platform = await db.Platforms.AsNoTracking().SingleAsync(p => p.Id == order.PlatformId, cancellationToken);
                var due = WorkingCalendar.Deadline(platform.OfficeHours, WorkingCalendar.Zone(platform.TimeZone), now,
                    await WorkingDaysAsync(platform.Id, order.Type, order.Urgency, cancellationToken));
                order.Reopen(request.Reason ?? string.Empty, due);
                note = order.ReopenReason;
                break;
            default:
                throw new ValidationFailedException("action", $"Unknown action '{request.Action}'.");
        }
        order.Touch();
        AddEvent(order, WorkOrderEventKind.StatusChanged, from, order.Status, null, note);
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    public async Task<IReadOnlyList<WorkOrderEventDto>> HistoryAsync(int id, CancellationToken cancellationToken)
    {
        if (!await db.WorkOrders.AnyAsync(w => w.Id == id, cancellationToken))
        {
            throw new NotFoundException("WorkOrder", id);
        }
        return await db.WorkOrderEvents.AsNoTracking().Where(e => e.WorkOrderId == id).OrderBy(e => e.Id)
            .Select(e => new WorkOrderEventDto(e.Id, e.At, e.UserName, e.Kind, e.FromStatus, e.ToStatus, e.Changes, e.Note))
            .ToListAsync(cancellationToken);
    }

    public const int CountCap = 1_000;

    private static readonly WorkOrderStatus[] OpenStatuses =
        [WorkOrderStatus.Registered, WorkOrderStatus.InProgress, WorkOrderStatus.HandedOver, WorkOrderStatus.AwaitingFeedback];

    private static readonly WorkOrderStatus[] ClosedStatuses = [WorkOrderStatus.Completed, WorkOrderStatus.Closed];

    public async Task<WorkOrderPage> SearchAsync(WorkOrderQuery query, CancellationToken cancellationToken)
    {
        var orders = await FilterAsync(query, cancellationToken);
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var page = Math.Max(1, query.Page);
        // Counting stops at a cap: "1,000+" tells a person to narrow the filters, and it keeps a search on
        // millions of orders fast.
        var total = await orders.Take(CountCap + 1).CountAsync(cancellationToken);
        var rows = await orders.OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(SummaryRow).ToListAsync(cancellationToken);
        return new WorkOrderPage([.. rows.Select(ToSummary)], Math.Min(total, CountCap), total > CountCap, page, pageSize);
    }

    /// <summary>Every order matching the filters, for the Excel export (at most <paramref name="limit"/>).</summary>
    public async Task<IReadOnlyList<WorkOrderSummary>> ExportRowsAsync(WorkOrderQuery query, int limit, CancellationToken cancellationToken)
    {
        var orders = await FilterAsync(query, cancellationToken);
        var rows = await orders.OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.Id).Take(limit).Select(SummaryRow).ToListAsync(cancellationToken);
        return [.. rows.Select(ToSummary)];
    }

    public async Task<CallerHistory> CallerHistoryAsync(string phone, CancellationToken cancellationToken)
    {
        var number = PhoneNumberFormatter.Normalize(phone, "phone");
        var now = clock.GetUtcNow();
        var window = options.Value.RepeatCallerWindowDays;
        var since = now.AddDays(-window);
        var rows = await db.WorkOrders.AsNoTracking().Where(w => w.CallerPhoneE164 == number.E164)
            .OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.Id).Take(200).Select(SummaryRow).ToListAsync(cancellationToken);
        var inWindow = rows.Count(r => r.CreatedAt >= since);
        var full = me.CanSeeFullCallerDetails;
        if (full && rows.Count > 0)
        {
            db.AuditRead("CallerHistory", number.Masked, null, "work orders of a caller");
            await db.SaveChangesAsync(cancellationToken);
        }
        var sms = await db.SmsMessages.AsNoTracking().Where(m => m.To == number.E164).OrderByDescending(m => m.Id).Take(50)
            .Select(m => new CallerSms(m.Id, m.Purpose, m.Status, m.CreatedAt, m.Text, m.WorkOrderId)).ToListAsync(cancellationToken);
        return new CallerHistory(full ? PhoneNumberFormatter.Display(number.E164) : number.Masked, !full,
            inWindow >= options.Value.RepeatCallerThreshold, inWindow, window, [.. rows.Select(ToSummary)], sms);
    }

    /// <summary>The categories this user chose most recently, newest first, for the picker.</summary>
    public async Task<IReadOnlyList<string>> RecentCategoriesAsync(CancellationToken cancellationToken)
    {
        if (me.UserId is not { } userId)
        {
            return [];
        }
        var codes = await db.WorkOrders.AsNoTracking().Where(w => w.OwnerUserId == userId && w.CategoryCode != null)
            .OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.Id).Take(100).Select(w => w.CategoryCode!).ToListAsync(cancellationToken);
        return [.. codes.Distinct().Take(10)];
    }

    public async Task<AttachmentDto> AddAttachmentAsync(int id, string fileName, string contentType, Stream content, long length,
        string dataDirectory, CancellationToken cancellationToken)
    {
        if (length <= 0)
        {
            throw new ValidationFailedException("file", "The file is empty.");
        }
        if (length > options.Value.MaxAttachmentBytes)
        {
            throw new ValidationFailedException("file", $"The file is {length / 1024 / 1024.0:0.#} MB; the limit is {options.Value.MaxAttachmentBytes / 1024 / 1024} MB.");
        }
        var order = await db.WorkOrders.AsTracking().SingleOrDefaultAsync(w => w.Id == id, cancellationToken)
            ?? throw new NotFoundException("WorkOrder", id);
        var safeName = Path.GetFileName(fileName);
        if (string.IsNullOrWhiteSpace(safeName) || safeName.Length > 200)
        {
            throw new ValidationFailedException("file", "The file needs a name of at most 200 characters.");
        }
        var now = clock.GetUtcNow();
        var relative = Path.Combine("attachments", order.PlatformId.ToString(CultureInfo.InvariantCulture),
            now.ToString("yyyy", CultureInfo.InvariantCulture), Guid.NewGuid().ToString("N"));
        var path = Path.Combine(dataDirectory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            await using (var file = File.Create(path))
            {
                await content.CopyToAsync(file, cancellationToken);
            }
            var attachment = new WorkOrderAttachment
            {
                FileName = safeName, ContentType = string.IsNullOrWhiteSpace(contentType) ? "application/octet-stream" : contentType,
                Size = length, StoragePath = relative, UploadedAt = now, UploadedBy = me.UserName,
            };
            order.Attachments.Add(attachment);
            order.Touch();
            AddEvent(order, WorkOrderEventKind.AttachmentAdded, null, null, null, safeName);
            await db.SaveChangesAsync(cancellationToken);
            return new AttachmentDto(attachment.Id, attachment.FileName, attachment.ContentType, attachment.Size, attachment.UploadedAt, attachment.UploadedBy);
        }
        catch
        {
            // Nothing half-saved: a file whose record was not written is removed.
            File.Delete(path);
            throw;
        }
    }

    public async Task<(WorkOrderAttachment Attachment, string Path)> OpenAttachmentAsync(int id, int attachmentId, string dataDirectory, CancellationToken cancellationToken)
    {
        var order = await db.WorkOrders.AsNoTracking().Include(w => w.Attachments)
            .SingleOrDefaultAsync(w => w.Id == id, cancellationToken) ?? throw new NotFoundException("WorkOrder", id);
        var attachment = order.Attachments.SingleOrDefault(a => a.Id == attachmentId) ?? throw new NotFoundException("Attachment", attachmentId);
        db.AuditRead(nameof(WorkOrderAttachment), attachment.Id, order.PlatformId, $"attachment {attachment.FileName}");
        await db.SaveChangesAsync(cancellationToken);
        return (attachment, Path.Combine(dataDirectory, attachment.StoragePath));
    }

    private async Task<IQueryable<WorkOrder>> FilterAsync(WorkOrderQuery query, CancellationToken cancellationToken)
    {
        var orders = db.WorkOrders.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Number))
        {
            // A whole number is one index lookup; a fragment matches the start (platform code and date).
            var number = query.Number.Trim();
            orders = WholeNumber().IsMatch(number)
                ? orders.Where(w => w.Number == number)
                : orders.Where(w => w.Number.StartsWith(number));
        }
        if (!string.IsNullOrWhiteSpace(query.Phone))
        {
            // A whole number uses the index; a fragment (the last digits a caller gives) matches the end of numbers.
            if (PhoneNumberFormatter.TryNormalize(query.Phone, out var number))
            {
                var e164 = number!.E164;
                orders = orders.Where(w => w.CallerPhoneE164 == e164);
            }
            else
            {
                var digits = new string([.. query.Phone.Where(char.IsAsciiDigit)]);
                if (digits.Length < 4)
                {
                    throw new ValidationFailedException("phone", "Give the whole number or at least its last four digits.");
                }
                orders = orders.Where(w => w.CallerPhoneE164!.EndsWith(digits));
            }
        }
        if (!string.IsNullOrWhiteSpace(query.CategoryCode))
        {
            var entry = await taxonomy.FindAsync(query.CategoryCode.Trim(), cancellationToken)
                ?? throw new ValidationFailedException("categoryCode", $"Unknown category '{query.CategoryCode}'.");
            // A small subtree becomes a list of ids (the category index answers it); a large one, such as a
            // whole root, is a prefix match on the category path, which scans newest first and stops early.
            var ids = (await taxonomy.AllAsync(cancellationToken))
                .Where(c => c.Path.StartsWith(entry.Path, StringComparison.Ordinal)).Select(c => (int?)c.Id).ToList();
            var path = entry.Path;
            orders = ids.Count <= 64
                ? orders.Where(w => ids.Contains(w.CategoryId))
                : orders.Where(w => w.Category!.Path.StartsWith(path));
        }
        if (query.Status is { } status)
        {
            orders = orders.Where(w => w.Status == status);
        }
        if (query.Outcome is { } outcome)
        {
            orders = orders.Where(w => w.Outcome == outcome);
        }
        if (query.Channel is { } channel)
        {
            orders = orders.Where(w => w.Channel == channel);
        }
        if (query.Type is { } type)
        {
            orders = orders.Where(w => w.Type == type);
        }
        if (query.PlatformId is { } platformId)
        {
            orders = orders.Where(w => w.PlatformId == platformId);
        }
        if (query.AgentId is { } agentId)
        {
            orders = orders.Where(w => w.AgentId == agentId);
        }
        if (query.OwnerUserId is { } ownerUserId)
        {
            orders = orders.Where(w => w.OwnerUserId == ownerUserId);
        }
        if (query.Open is { } isOpen)
        {
            // An IN list of statuses, so the database can use its (status, due) index: open orders are few.
            var wanted = isOpen ? OpenStatuses : ClosedStatuses;
            orders = orders.Where(w => wanted.Contains(w.Status));
        }
        if (query.From is { } fromAny)
        {
            var from = fromAny.ToUniversalTime();
            orders = orders.Where(w => w.CreatedAt >= from);
        }
        if (query.To is { } toAny)
        {
            var to = toAny.ToUniversalTime();
            orders = orders.Where(w => w.CreatedAt < to);
        }
        if (query.Overdue is { } overdue)
        {
            var now = clock.GetUtcNow();
            var open = OpenStatuses;
            orders = overdue
                ? orders.Where(w => open.Contains(w.Status)
                    && (w.DueAt < now || ((w.Status == WorkOrderStatus.HandedOver || w.Status == WorkOrderStatus.AwaitingFeedback) && w.HandOverDeadline < now)))
                : orders.Where(w => w.Status == WorkOrderStatus.Completed || w.Status == WorkOrderStatus.Closed
                    || (w.DueAt >= now && !((w.Status == WorkOrderStatus.HandedOver || w.Status == WorkOrderStatus.AwaitingFeedback) && w.HandOverDeadline < now)));
        }
        return orders;
    }

    private static readonly System.Linq.Expressions.Expression<Func<WorkOrder, SummaryProjection>> SummaryRow = w => new SummaryProjection(
        w.Id, w.Number, w.PlatformId, w.Type, w.Channel, w.Urgency, w.Status, w.Outcome, w.CallerPhoneE164, w.CallerProvince, w.CallerCity,
        w.CategoryCode, w.Category != null ? w.Category.Name : null, w.Question, w.OwnerName, w.CreatedAt, w.DueAt, w.HandOverDeadline);

    private sealed record SummaryProjection(int Id, string Number, int PlatformId, WorkOrderType Type, WorkOrderChannel Channel,
        WorkOrderUrgency Urgency, WorkOrderStatus Status, WorkOrderOutcome Outcome, string? Phone, string? Province, string? City,
        string? CategoryCode, string? CategoryName, string Question, string OwnerName, DateTimeOffset CreatedAt, DateTimeOffset DueAt,
        DateTimeOffset? HandOverDeadline);

    private WorkOrderSummary ToSummary(SummaryProjection r)
    {
        var now = clock.GetUtcNow();
        var open = r.Status is not (WorkOrderStatus.Completed or WorkOrderStatus.Closed);
        var deadline = r.Status is WorkOrderStatus.HandedOver or WorkOrderStatus.AwaitingFeedback && r.HandOverDeadline is { } h && h < r.DueAt ? h : r.DueAt;
        var phone = r.Phone is null ? null : me.CanSeeFullCallerDetails ? PhoneNumberFormatter.Display(r.Phone) : PhoneNumberFormatter.Mask(r.Phone);
        var question = r.Question.Length > 120 ? r.Question[..120] + "…" : r.Question;
        return new WorkOrderSummary(r.Id, r.Number, r.PlatformId, r.Type, r.Channel, r.Urgency, r.Status, r.Outcome, phone,
            r.Province is null ? null : r.Province == r.City ? r.Province : r.Province + r.City, r.CategoryCode, r.CategoryName, question,
            r.OwnerName, r.CreatedAt, r.DueAt, open && now > deadline, open && now <= deadline && deadline - now <= TimeSpan.FromHours(24));
    }

    private async Task<WorkOrder> LoadForChangeAsync(int id, int version, CancellationToken cancellationToken)
    {
        var order = await db.WorkOrders.AsTracking().SingleOrDefaultAsync(w => w.Id == id, cancellationToken)
            ?? throw new NotFoundException("WorkOrder", id);
        if (order.Version != version)
        {
            throw new ConflictException(
                $"Work order {order.Number} was changed by someone else (version {order.Version}, yours {version}). Reload it; your changes were not saved.",
                "version");
        }
        return order;
    }

    private async Task<ConsultationCategory?> ResolveCategoryAsync(string? code, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }
        var category = await db.Categories.AsNoTracking().SingleOrDefaultAsync(c => c.Code == code.Trim(), cancellationToken);
        if (category is null)
        {
            errors["categoryCode"] = [$"Unknown category '{code}'."];
        }
        else if (category.IsRetired)
        {
            errors["categoryCode"] = [$"Category '{category.Name}' is retired{(category.ReplacedByCode is null ? string.Empty : $"; use {category.ReplacedByCode}")}."];
        }
        return category;
    }

    private async Task CheckPeopleAsync(int platformId, int? agentId, int? seatId, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (agentId is { } a && !await db.Agents.AnyAsync(x => x.Id == a, cancellationToken))
        {
            errors["agentId"] = ["The agent does not exist or is outside your scope."];
        }
        if (seatId is { } s && !await db.Seats.AnyAsync(x => x.Id == s && x.PlatformId == platformId, cancellationToken))
        {
            errors["seatId"] = ["The seat does not exist on this platform."];
        }
    }

    private static void SetCategory(WorkOrder order, ConsultationCategory? category)
    {
        order.CategoryId = category?.Id;
        order.CategoryCode = category?.Code;
    }

    private async Task<Caller> TrackCallerAsync(int platformId, NormalizedPhoneNumber phone, string? name, CallerType type, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var caller = await db.Callers.AsTracking().SingleOrDefaultAsync(c => c.PlatformId == platformId && c.PhoneE164 == phone.E164, cancellationToken);
        if (caller is null)
        {
            caller = db.Callers.Add(new Caller { PlatformId = platformId, PhoneE164 = phone.E164, FirstContactAt = now }).Entity;
        }
        caller.Province = phone.Province;
        caller.City = phone.City;
        caller.LastContactAt = now;
        if (!string.IsNullOrWhiteSpace(name))
        {
            caller.Name = name.Trim();
        }
        if (type != CallerType.Unspecified)
        {
            caller.Type = type;
        }
        return caller;
    }

    private async Task<string> NextNumberAsync(Platform platform, DateOnly day, CancellationToken cancellationToken)
    {
        // One row per platform and day, bumped by a single upsert (same SQL on SQLite and PostgreSQL): atomic,
        // so two agents registering at the same moment never get the same number.
        var last = await db.Database.SqlQuery<int>($"""
            INSERT INTO "WorkOrderSequences" ("PlatformId", "Day", "Last") VALUES ({platform.Id}, {day}, 1)
            ON CONFLICT ("PlatformId", "Day") DO UPDATE SET "Last" = "WorkOrderSequences"."Last" + 1
            RETURNING "Last" AS "Value"
            """).ToListAsync(cancellationToken);
        return $"{platform.Code}-{day:yyyyMMdd}-{last.Single():D5}";
    }

    private async Task<int> WorkingDaysAsync(int platformId, WorkOrderType type, WorkOrderUrgency urgency, CancellationToken cancellationToken)
    {
        var limits = await db.WorkOrderTimeLimits.AsNoTracking()
            .Where(t => (t.PlatformId == platformId || t.PlatformId == null) && t.Type == type && t.Urgency == urgency)
            .ToListAsync(cancellationToken);
        var limit = limits.FirstOrDefault(t => t.PlatformId == platformId) ?? limits.FirstOrDefault();
        return limit?.WorkingDays ?? (urgency == WorkOrderUrgency.Urgent ? 0 : 3);
    }

    private void AddEvent(WorkOrder order, WorkOrderEventKind kind, WorkOrderStatus? from, WorkOrderStatus? to, string? changes, string? note)
        => db.WorkOrderEvents.Add(new WorkOrderEvent
        {
            Order = order, PlatformId = order.PlatformId, At = clock.GetUtcNow(), UserId = me.UserId, UserName = me.UserName,
            Kind = kind, FromStatus = from, ToStatus = to, Changes = changes, Note = note is { Length: > 1000 } ? note[..1000] : note,
        });

    private static Dictionary<string, object?> Snapshot(WorkOrder o) => new()
    {
        ["type"] = o.Type, ["channel"] = o.Channel, ["urgency"] = o.Urgency, ["callerName"] = o.CallerName is null ? null : "***",
        ["callerType"] = o.CallerType, ["categoryCode"] = o.CategoryCode, ["question"] = o.Question, ["answer"] = o.Answer,
        ["legalBasis"] = o.LegalBasis, ["agentId"] = o.AgentId, ["seatId"] = o.SeatId, ["tags"] = string.Join(",", o.Tags),
    };

    private static string? Diff(Dictionary<string, object?> before, Dictionary<string, object?> after)
    {
        var changes = before.Where(kv => !Equals(kv.Value, after[kv.Key]))
            .ToDictionary(kv => kv.Key, kv => new { before = kv.Value, after = after[kv.Key] });
        return changes.Count == 0 ? null : JsonSerializer.Serialize(changes, ChangeJson);
    }

    private static IReadOnlyList<WorkOrderAction> AllowedActions(WorkOrder o) => o.Status switch
    {
        WorkOrderStatus.Registered => [WorkOrderAction.Start, WorkOrderAction.HandOver, WorkOrderAction.Escalate, WorkOrderAction.Complete],
        WorkOrderStatus.InProgress => o.EscalatedToAgentId is not null && o.ExpertAnswer is null
            ? [WorkOrderAction.RecordExpertAnswer, WorkOrderAction.HandOver, WorkOrderAction.Escalate]
            : [WorkOrderAction.HandOver, WorkOrderAction.Escalate, WorkOrderAction.Complete],
        WorkOrderStatus.HandedOver => [WorkOrderAction.ConfirmReceipt, WorkOrderAction.RecordFeedback],
        WorkOrderStatus.AwaitingFeedback => [WorkOrderAction.RecordFeedback, WorkOrderAction.HandOver],
        WorkOrderStatus.Completed => [WorkOrderAction.Close, WorkOrderAction.Reopen],
        WorkOrderStatus.Closed => [WorkOrderAction.Reopen],
        _ => [],
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9-]+-\d{8}-\d{5}$")]
    private static partial System.Text.RegularExpressions.Regex WholeNumber();

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static List<string> CleanTags(IReadOnlyList<string>? tags)
        => tags is null ? [] : [.. tags.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).Where(t => t.Length <= 32).Distinct().Take(20)];
}
