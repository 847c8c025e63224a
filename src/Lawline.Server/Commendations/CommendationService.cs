using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Commendations;

public sealed record CommendationRequest(
    int? AgentId,
    CommendationKind? Kind,
    DateTimeOffset? ReceivedAt,
    [property: MaxLength(100)] string? FromName,
    [property: MaxLength(2000)] string? Summary,
    int? WorkOrderId);

public sealed record CommendationDto(int Id, int PlatformId, int AgentId, string AgentName, CommendationKind Kind, DateTimeOffset ReceivedAt,
    string? FromName, string Summary, int? WorkOrderId, string? WorkOrderNumber);

public sealed record CommendationQuery(DateTimeOffset? From = null, DateTimeOffset? To = null, int? PlatformId = null, int? AgentId = null, CommendationKind? Kind = null);

public sealed record CommendationKindCount(CommendationKind Kind, int Count);

public sealed record CommendationAgentCount(int AgentId, string AgentName, int Praise, int ThankYouLetters, int Banners, int Total);

public sealed record CommendationSummary(DateTimeOffset? From, DateTimeOffset? To, int Total, IReadOnlyList<CommendationKindCount> PerKind,
    IReadOnlyList<CommendationAgentCount> PerAgent);

/// <summary>Records praise, thank-you letters and banners for lawyers, and counts them per kind and per lawyer.</summary>
public sealed class CommendationService(AppDbContext db, CurrentUser me, TimeProvider clock)
{
    public async Task<IReadOnlyList<CommendationDto>> ListAsync(CommendationQuery query, CancellationToken cancellationToken)
    {
        var rows = await Filter(query).OrderByDescending(c => c.ReceivedAt).ThenByDescending(c => c.Id).Take(500).ToListAsync(cancellationToken);
        return await ToDtosAsync(rows, cancellationToken);
    }

    public async Task<CommendationDto> GetAsync(int id, CancellationToken cancellationToken)
    {
        var row = await db.Set<Commendation>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new NotFoundException("Commendation", id);
        return (await ToDtosAsync([row], cancellationToken))[0];
    }

    public async Task<CommendationDto> SaveAsync(int? id, CommendationRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        Agents.Agent? agent = null;
        if (request.AgentId is not { } agentId || (agent = await db.Agents.AsNoTracking().SingleOrDefaultAsync(a => a.Id == agentId, cancellationToken)) is null)
        {
            errors["agentId"] = ["Choose the lawyer who was praised."];
        }
        if (request.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            errors["kind"] = ["Choose praise, thank-you letter or banner."];
        }
        if (string.IsNullOrWhiteSpace(request.Summary))
        {
            errors["summary"] = ["Write down what the citizen said or wrote."];
        }
        var now = clock.GetUtcNow();
        if (request.ReceivedAt is { } received && received > now.AddMinutes(5))
        {
            errors["receivedAt"] = ["The date received cannot be in the future."];
        }
        if (request.WorkOrderId is { } orderId && !await db.WorkOrders.AnyAsync(w => w.Id == orderId, cancellationToken))
        {
            errors["workOrderId"] = ["The work order does not exist or is outside your scope."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        Commendation commendation;
        if (id is { } existing)
        {
            commendation = await db.Set<Commendation>().AsTracking().SingleOrDefaultAsync(c => c.Id == existing, cancellationToken)
                ?? throw new NotFoundException("Commendation", existing);
        }
        else
        {
            commendation = new Commendation { RecordedByUserId = me.UserId, RecordedAt = now };
            db.Add(commendation);
        }
        commendation.PlatformId = agent!.PlatformId;
        commendation.AgentId = agent.Id;
        commendation.Kind = request.Kind!.Value;
        commendation.ReceivedAt = (request.ReceivedAt ?? now).ToUniversalTime();
        commendation.FromName = string.IsNullOrWhiteSpace(request.FromName) ? null : request.FromName.Trim();
        commendation.Summary = request.Summary!.Trim();
        commendation.WorkOrderId = request.WorkOrderId;
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(commendation.Id, cancellationToken);
    }

    public async Task DeleteAsync(int id, CancellationToken cancellationToken)
    {
        var commendation = await db.Set<Commendation>().AsTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new NotFoundException("Commendation", id);
        db.Remove(commendation);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Counts per kind and per lawyer of what was received in [from, to).</summary>
    public async Task<CommendationSummary> SummaryAsync(DateTimeOffset? from, DateTimeOffset? to, int? platformId, CancellationToken cancellationToken)
    {
        if (from is { } f && to is { } t && t <= f)
        {
            throw new ValidationFailedException("to", "The end of the period must be after its start.");
        }
        var rows = await Filter(new CommendationQuery(from, to, platformId))
            .GroupBy(c => new { c.AgentId, c.Kind }).Select(g => new { g.Key.AgentId, g.Key.Kind, Count = g.Count() }).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.AgentId).Distinct().ToList();
        var names = await db.Agents.AsNoTracking().IgnoreQueryFilters().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
        var perKind = Enum.GetValues<CommendationKind>().Select(k => new CommendationKindCount(k, rows.Where(r => r.Kind == k).Sum(r => r.Count))).ToList();
        var perAgent = rows.GroupBy(r => r.AgentId).Select(g =>
        {
            int Of(CommendationKind k) => g.Where(r => r.Kind == k).Sum(r => r.Count);
            return new CommendationAgentCount(g.Key, names.GetValueOrDefault(g.Key, "#" + g.Key), Of(CommendationKind.Praise),
                Of(CommendationKind.ThankYouLetter), Of(CommendationKind.Banner), g.Sum(r => r.Count));
        }).OrderByDescending(a => a.Total).ThenBy(a => a.AgentName, StringComparer.Ordinal).ToList();
        return new CommendationSummary(from, to, rows.Sum(r => r.Count), perKind, perAgent);
    }

    private IQueryable<Commendation> Filter(CommendationQuery query)
    {
        var rows = db.Set<Commendation>().AsNoTracking();
        if (query.From is { } f)
        {
            var from = f.ToUniversalTime();
            rows = rows.Where(c => c.ReceivedAt >= from);
        }
        if (query.To is { } t)
        {
            var to = t.ToUniversalTime();
            rows = rows.Where(c => c.ReceivedAt < to);
        }
        if (query.PlatformId is { } platformId)
        {
            rows = rows.Where(c => c.PlatformId == platformId);
        }
        if (query.AgentId is { } agentId)
        {
            rows = rows.Where(c => c.AgentId == agentId);
        }
        if (query.Kind is { } kind)
        {
            rows = rows.Where(c => c.Kind == kind);
        }
        return rows;
    }

    private async Task<List<CommendationDto>> ToDtosAsync(IReadOnlyList<Commendation> rows, CancellationToken cancellationToken)
    {
        var agentIds = rows.Select(r => r.AgentId).Distinct().ToList();
        var orderIds = rows.Where(r => r.WorkOrderId != null).Select(r => r.WorkOrderId!.Value).Distinct().ToList();
        var names = await db.Agents.AsNoTracking().IgnoreQueryFilters().Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
        var numbers = await db.WorkOrders.AsNoTracking().Where(w => orderIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.Number, cancellationToken);
        return [.. rows.Select(r => new CommendationDto(r.Id, r.PlatformId, r.AgentId, names.GetValueOrDefault(r.AgentId, "#" + r.AgentId), r.Kind,
            r.ReceivedAt, r.FromName, r.Summary, r.WorkOrderId, r.WorkOrderId is { } w ? numbers.GetValueOrDefault(w) : null))];
    }
}
