using Lawline.Server.Callers;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Complaints;

/// <summary>Complaint settings.</summary>
public sealed class ComplaintOptions
{
    public const string Section = "Complaints";

    /// <summary>Working days within which the complainant gets a reply (答复时限).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 60)]
    public int ReplyWorkingDays { get; set; } = 5;
}

/// <summary>Registers complaints, keeps the investigation log, the reply and the finding, and counts findings per lawyer.</summary>
public sealed class ComplaintService(
    AppDbContext db,
    CurrentUser me,
    WorkOrderService workOrders,
    TimeProvider clock,
    IOptions<ComplaintOptions> options)
{
    /// <summary>
    /// Registers a complaint: a new Complaint work order and its case in one transaction, or (with
    /// <see cref="RegisterComplaintRequest.WorkOrderId"/>) the case of an existing Complaint work order that has none.
    /// The callback workflow calls this when a caller complains during a 回访, with <paramref name="alongside"/> recording the
    /// task's outcome in the same transaction.
    /// </summary>
    public async Task<ComplaintDto> RegisterAsync(RegisterComplaintRequest request, CancellationToken cancellationToken, Action<WorkOrder>? alongside = null)
    {
        if (!Enum.IsDefined(request.Source))
        {
            throw new ValidationFailedException("source", "Choose where the complaint came from.");
        }
        if (request.SubjectAgentId is { } agentId && !await db.Agents.AnyAsync(a => a.Id == agentId, cancellationToken))
        {
            throw new ValidationFailedException("subjectAgentId", "The lawyer does not exist or is outside your scope.");
        }
        var now = clock.GetUtcNow();
        if (request.WorkOrderId is { } existingId)
        {
            return await OpenForOrderAsync(existingId, request, now, cancellationToken);
        }
        if (request.PlatformId is not { } platformId)
        {
            throw new ValidationFailedException("platformId", "Choose the platform.");
        }
        if (string.IsNullOrWhiteSpace(request.Content))
        {
            throw new ValidationFailedException("content", "Write down what the complaint is about.");
        }
        var platform = await db.Platforms.AsNoTracking().SingleOrDefaultAsync(p => p.Id == platformId, cancellationToken)
            ?? throw new ValidationFailedException("platformId", "The platform does not exist or is outside your scope.");
        var replyDue = ReplyDeadline(platform, now);
        var channel = request.Source switch
        {
            ComplaintSource.Hotline12345 => WorkOrderChannel.Transfer12345,
            ComplaintSource.Letter => WorkOrderChannel.Letter,
            ComplaintSource.Other when string.IsNullOrWhiteSpace(request.CallerPhone) => WorkOrderChannel.WalkIn,
            _ => WorkOrderChannel.Phone,
        };
        var order = await workOrders.CreateAsync(new CreateWorkOrderRequest(platformId, WorkOrderType.Complaint, channel, request.Urgency,
            request.CallerPhone, request.CallerName, CallerType.Unspecified, request.CategoryCode, request.Content.Trim(), null, null,
            null, null, ["投诉"]), cancellationToken,
            created =>
            {
                db.Add(ComplaintCase.Open(created, request.Source, request.SubjectAgentId, request.CallRecordId, now, replyDue));
                alongside?.Invoke(created);
            });
        return await GetAsync(order.Id, cancellationToken);
    }

    private async Task<ComplaintDto> OpenForOrderAsync(int workOrderId, RegisterComplaintRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var order = await db.WorkOrders.AsTracking().Include(w => w.Platform).SingleOrDefaultAsync(w => w.Id == workOrderId, cancellationToken)
            ?? throw new NotFoundException("WorkOrder", workOrderId);
        if (order.Type != WorkOrderType.Complaint)
        {
            throw new ValidationFailedException("workOrderId", $"Work order {order.Number} is not a complaint.");
        }
        if (await db.Set<ComplaintCase>().AnyAsync(c => c.WorkOrderId == workOrderId, cancellationToken))
        {
            throw new ConflictException($"Work order {order.Number} already has a complaint investigation.", "workOrderId");
        }
        // The reply deadline runs from when the complaint was registered.
        db.Add(ComplaintCase.Open(order, request.Source, request.SubjectAgentId, request.CallRecordId, order.CreatedAt,
            ReplyDeadline(order.Platform!, order.CreatedAt)));
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(workOrderId, cancellationToken);
    }

    private DateTimeOffset ReplyDeadline(Platforms.Platform platform, DateTimeOffset from)
        => WorkingCalendar.Deadline(platform.OfficeHours, WorkingCalendar.Zone(platform.TimeZone), from, options.Value.ReplyWorkingDays);

    public async Task<ComplaintDto> GetAsync(int workOrderId, CancellationToken cancellationToken)
        => await FindAsync(workOrderId, cancellationToken)
           ?? throw new NotFoundException("Complaint", workOrderId, $"Work order {workOrderId} has no complaint investigation.");

    /// <summary>The case of a work order, or null when it has none.</summary>
    public async Task<ComplaintDto?> FindAsync(int workOrderId, CancellationToken cancellationToken)
    {
        var rows = await Rows(db.Set<ComplaintCase>().AsNoTracking().Where(c => c.WorkOrderId == workOrderId)).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return null;
        }
        var notes = await db.Set<ComplaintNote>().AsNoTracking().Where(n => n.ComplaintCaseId == rows[0].Id).OrderBy(n => n.Id)
            .Select(n => new ComplaintNoteDto(n.Id, n.At, n.UserName, n.Text)).ToListAsync(cancellationToken);
        return ToDto(rows[0], notes);
    }

    public async Task<ComplaintPage> ListAsync(ComplaintQuery query, CancellationToken cancellationToken)
    {
        var cases = db.Set<ComplaintCase>().AsNoTracking();
        if (query.Open is { } open)
        {
            cases = open ? cases.Where(c => c.FindingAt == null) : cases.Where(c => c.FindingAt != null);
        }
        if (query.ReplyOverdue is { } overdue)
        {
            var now = clock.GetUtcNow();
            cases = overdue
                ? cases.Where(c => c.RepliedAt == null && c.ReplyDueAt < now)
                : cases.Where(c => c.RepliedAt != null || c.ReplyDueAt >= now);
        }
        if (query.AgentId is { } agentId)
        {
            cases = cases.Where(c => c.SubjectAgentId == agentId);
        }
        if (query.PlatformId is { } platformId)
        {
            cases = cases.Where(c => c.PlatformId == platformId);
        }
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var page = Math.Max(1, query.Page);
        var total = await cases.CountAsync(cancellationToken);
        var rows = await Rows(cases.OrderBy(c => c.FindingAt != null).ThenBy(c => c.ReplyDueAt).ThenBy(c => c.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(cancellationToken);
        return new ComplaintPage([.. rows.Select(r => ToDto(r, []))], total, page, pageSize);
    }

    public Task<ComplaintDto> AddNoteAsync(int workOrderId, ComplaintNoteRequest request, CancellationToken cancellationToken)
        => ChangeAsync(workOrderId, c => c.AddNote(request.Text ?? string.Empty, Who, clock.GetUtcNow()), cancellationToken);

    public Task<ComplaintDto> ReplyAsync(int workOrderId, ComplaintReplyRequest request, CancellationToken cancellationToken)
        => ChangeAsync(workOrderId, c => c.Reply(request.Text ?? string.Empty, Who, clock.GetUtcNow()), cancellationToken);

    public Task<ComplaintDto> RecordFindingAsync(int workOrderId, ComplaintFindingRequest request, CancellationToken cancellationToken)
        => ChangeAsync(workOrderId, c => c.RecordFinding(request.Finding, request.CountsAgainstAssessment, request.Reason, Who, clock.GetUtcNow()),
            cancellationToken);

    /// <summary>Complaints per lawyer registered in [from, to): all, substantiated (fully or partly), and those counting against the assessment.</summary>
    public async Task<IReadOnlyList<AgentComplaintCount>> CountsPerAgentAsync(DateTimeOffset? from, DateTimeOffset? to, int? platformId,
        CancellationToken cancellationToken)
    {
        var cases = db.Set<ComplaintCase>().AsNoTracking().Where(c => c.SubjectAgentId != null);
        if (from is { } f)
        {
            var start = f.ToUniversalTime();
            cases = cases.Where(c => c.RegisteredAt >= start);
        }
        if (to is { } t)
        {
            var end = t.ToUniversalTime();
            cases = cases.Where(c => c.RegisteredAt < end);
        }
        if (platformId is { } p)
        {
            cases = cases.Where(c => c.PlatformId == p);
        }
        var counts = await cases.GroupBy(c => c.SubjectAgentId!.Value).Select(g => new
        {
            AgentId = g.Key,
            Complaints = g.Count(),
            Substantiated = g.Count(c => c.Finding == ComplaintFinding.Substantiated || c.Finding == ComplaintFinding.PartlySubstantiated),
            Counting = g.Count(c => c.CountsAgainstAssessment),
        }).ToListAsync(cancellationToken);
        var ids = counts.Select(c => c.AgentId).ToList();
        var names = await db.Agents.AsNoTracking().IgnoreQueryFilters().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
        return [.. counts.Select(c => new AgentComplaintCount(c.AgentId, names.GetValueOrDefault(c.AgentId, "#" + c.AgentId), c.Complaints, c.Substantiated, c.Counting))
            .OrderByDescending(c => c.CountingAgainstAssessment).ThenByDescending(c => c.Complaints).ThenBy(c => c.AgentName, StringComparer.Ordinal)];
    }

    private string Who => me.DisplayName.Length > 0 ? me.DisplayName : me.UserName;

    private async Task<ComplaintDto> ChangeAsync(int workOrderId, Action<ComplaintCase> change, CancellationToken cancellationToken)
    {
        var complaint = await db.Set<ComplaintCase>().AsTracking().Include(c => c.Notes).SingleOrDefaultAsync(c => c.WorkOrderId == workOrderId, cancellationToken)
            ?? throw new NotFoundException("Complaint", workOrderId, $"Work order {workOrderId} has no complaint investigation.");
        change(complaint);
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(workOrderId, cancellationToken);
    }

    private sealed record Row(int Id, int WorkOrderId, string Number, int PlatformId, string PlatformName, ComplaintSource Source, int? SubjectAgentId,
        string? SubjectAgentName, long? CallRecordId, string? Phone, string Content, WorkOrderStatus Status, DateTimeOffset RegisteredAt,
        DateTimeOffset ReplyDueAt, string? ReplyText, DateTimeOffset? RepliedAt, string? RepliedBy, ComplaintFinding? Finding, string? FindingReason,
        bool CountsAgainstAssessment, string? FindingBy, DateTimeOffset? FindingAt);

    private IQueryable<Row> Rows(IQueryable<ComplaintCase> cases)
        => cases.Select(c => new Row(c.Id, c.WorkOrderId, c.WorkOrder!.Number, c.PlatformId, c.WorkOrder.Platform!.Name, c.Source, c.SubjectAgentId,
            db.Agents.IgnoreQueryFilters().Where(a => a.Id == c.SubjectAgentId).Select(a => a.Name).FirstOrDefault(), c.CallRecordId,
            c.WorkOrder.CallerPhoneE164, c.WorkOrder.Question, c.WorkOrder.Status, c.RegisteredAt, c.ReplyDueAt, c.ReplyText, c.RepliedAt, c.RepliedBy,
            c.Finding, c.FindingReason, c.CountsAgainstAssessment, c.FindingBy, c.FindingAt));

    private ComplaintDto ToDto(Row r, IReadOnlyList<ComplaintNoteDto> notes)
    {
        var now = clock.GetUtcNow();
        var phone = r.Phone is null ? null : me.CanSeeFullCallerDetails ? PhoneNumberFormatter.Display(r.Phone) : PhoneNumberFormatter.Mask(r.Phone);
        return new ComplaintDto(r.Id, r.WorkOrderId, r.Number, r.PlatformId, r.PlatformName, r.Source, r.SubjectAgentId, r.SubjectAgentName,
            r.CallRecordId, phone, r.Content, r.Status, r.RegisteredAt, r.ReplyDueAt, r.RepliedAt is null && now > r.ReplyDueAt,
            r.ReplyText, r.RepliedAt, r.RepliedBy, r.Finding, r.FindingReason, r.CountsAgainstAssessment, r.FindingBy, r.FindingAt,
            r.FindingAt is null, notes);
    }
}
