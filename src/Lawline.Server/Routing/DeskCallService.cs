using System.Text.Json;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Routing;

/// <summary>
/// A call as the lawyer's desktop shows it when it rings: who (the number as people write it, or masked), from where,
/// what they chose, how long they waited.
/// </summary>
public sealed record DeskCallDto(
    long CallRecordId,
    int PlatformId,
    CallChannel Channel,
    string CallerNumber,
    bool NumberMasked,
    string? CallerRegion,
    string? SkillCode,
    IReadOnlyList<string> IvrKeys,
    CallPriority? Priority,
    DateTimeOffset ArrivedAt,
    DateTimeOffset? QueuedAt,
    DateTimeOffset? AnsweredAt,
    int? WaitSeconds,
    CallRating? Rating,
    int? WorkOrderId);

public sealed record LinkWorkOrderRequest(int WorkOrderId);

/// <summary>The lawyer's day so far (Beijing time), with their own 评价率 and 满意率 today and this month.</summary>
public sealed record MyDayDto(int CallsAnswered, int AverageTalkSeconds, int Ratings, int Satisfied, int LowRatings,
    Satisfaction.SatisfactionCounts? SatisfactionToday = null, Satisfaction.SatisfactionCounts? SatisfactionThisMonth = null);

/// <summary>
/// The desktop's reads and writes about calls, as the signed-in person (platform-scoped, full numbers only for roles
/// that call back, every read of a caller's number audited): the ringing call's summary, binding the work order
/// registered during the call to it, and the lawyer's day.
/// </summary>
public sealed class DeskCallService(AppDbContext db, CurrentUser me, TimeProvider clock)
{
    public async Task<DeskCallDto> GetAsync(long callRecordId, CancellationToken cancellationToken)
    {
        var call = await db.CallRecords.AsNoTracking().SingleOrDefaultAsync(r => r.Id == callRecordId, cancellationToken)
            ?? throw new NotFoundException(nameof(CallRecord), callRecordId);
        var full = me.CanSeeFullCallerDetails;
        if (full)
        {
            db.AuditEvent(AuditAction.ReadPersonalData, nameof(CallRecord), call.Id, call.PlatformId, "caller number on the desktop");
            await db.SaveChangesAsync(cancellationToken);
        }

        var number = !call.CallerNumber.StartsWith('+') ? call.CallerNumber
            : full ? PhoneNumberFormatter.Display(call.CallerNumber) : PhoneNumberFormatter.Mask(call.CallerNumber);
        var region = string.Join(" ", new[] { call.CallerProvince, call.CallerCity }.Where(p => !string.IsNullOrWhiteSpace(p)).Distinct());
        return new DeskCallDto(call.Id, call.PlatformId, call.Channel, number, !full, region.Length == 0 ? null : region, call.SkillCode, IvrKeys(call.IvrPath),
            call.Priority, call.ArrivedAt, call.QueuedAt, call.AnsweredAt,
            call.QueuedAt is { } queued ? (int)((call.AnsweredAt ?? clock.GetUtcNow()) - queued).TotalSeconds : null,
            call.Rating, call.WorkOrderId);
    }

    /// <summary>
    /// Binds a work order registered during (or after) the call to it; the call's rating, if already given, is copied
    /// to the order. Both must be on the same platform and visible to the person.
    /// </summary>
    public async Task LinkWorkOrderAsync(long callRecordId, int workOrderId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var call = await db.CallRecords.AsTracking().SingleOrDefaultAsync(r => r.Id == callRecordId, cancellationToken)
            ?? throw new NotFoundException(nameof(CallRecord), callRecordId);
        var order = await db.WorkOrders.AsTracking().SingleOrDefaultAsync(w => w.Id == workOrderId, cancellationToken)
            ?? throw new NotFoundException(nameof(WorkOrder), workOrderId);
        if (order.PlatformId != call.PlatformId)
        {
            throw new ValidationFailedException("workOrderId", "The work order and the call belong to different platforms.");
        }

        call.WorkOrderId = order.Id;
        if (call.Rating is { } rating)
        {
            order.Rate(rating, call.RatedAt ?? call.EndedAt ?? call.ArrivedAt);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<MyDayDto> MyDayAsync(int agentId, CancellationToken cancellationToken)
    {
        var zone = RoutingConfiguration.ChinaStandardTime;
        var now = clock.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, zone);
        // As a UTC instant: PostgreSQL's timestamptz takes no other offset.
        var start = new DateTimeOffset(local.Date, zone.GetUtcOffset(local.Date)).ToUniversalTime();
        var calls = await db.CallRecords.AsNoTracking()
            .Where(r => r.AgentId == agentId && r.AnsweredAt != null && r.ArrivedAt >= start)
            .Select(r => new { r.AnsweredAt, r.TalkEndedAt, r.Rating })
            .ToListAsync(cancellationToken);
        var satisfaction = await new Satisfaction.SatisfactionKpis(db, clock).ForAgentAsync(agentId, cancellationToken);
        var talks = calls.Where(c => c.TalkEndedAt is not null).Select(c => (c.TalkEndedAt!.Value - c.AnsweredAt!.Value).TotalSeconds).ToList();
        return new MyDayDto(
            calls.Count,
            talks.Count == 0 ? 0 : (int)Math.Round(talks.Average()),
            calls.Count(c => c.Rating is not null),
            calls.Count(c => c.Rating == CallRating.Satisfied),
            calls.Count(c => c.Rating is CallRating.BasicallySatisfied or CallRating.Dissatisfied),
            satisfaction.Today,
            satisfaction.ThisMonth);
    }

    private static IReadOnlyList<string> IvrKeys(string ivrPath)
    {
        try
        {
            using var document = JsonDocument.Parse(ivrPath);
            return [.. document.RootElement.EnumerateArray()
                .Select(step => step.TryGetProperty("digits", out var digits) && digits.ValueKind == JsonValueKind.String ? digits.GetString() : null)
                .Where(d => !string.IsNullOrEmpty(d))
                .Select(d => d!)];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
