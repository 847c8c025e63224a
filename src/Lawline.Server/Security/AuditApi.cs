using Lawline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Security;

public sealed record AuditEntryDto(long Id, DateTimeOffset At, string UserName, AuditAction Action, string EntityType,
    string? EntityId, int? PlatformId, string? Details, string? RemoteAddress);

public sealed record AuditPage(IReadOnlyList<AuditEntryDto> Items, int Total);

public sealed record AuditQuery(string? UserName, AuditAction? Action, string? EntityType, string? EntityId,
    DateTimeOffset? From, DateTimeOffset? To, int Page = 1, int PageSize = 50);

/// <summary>Reads the audit log. The context's platform filter limits a district administrator to their district.</summary>
public sealed class AuditLogReader(AppDbContext db)
{
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.UserName))
        {
            entries = entries.Where(a => a.UserName == query.UserName);
        }
        if (query.Action is { } action)
        {
            entries = entries.Where(a => a.Action == action);
        }
        if (!string.IsNullOrWhiteSpace(query.EntityType))
        {
            entries = entries.Where(a => a.EntityType == query.EntityType);
        }
        if (!string.IsNullOrWhiteSpace(query.EntityId))
        {
            entries = entries.Where(a => a.EntityId == query.EntityId);
        }
        // PostgreSQL compares instants in UTC only: normalise what the client sent (e.g. +08:00).
        if (query.From is { } fromAny)
        {
            var from = fromAny.ToUniversalTime();
            entries = entries.Where(a => a.At >= from);
        }
        if (query.To is { } toAny)
        {
            var to = toAny.ToUniversalTime();
            entries = entries.Where(a => a.At < to);
        }
        var pageSize = Math.Clamp(query.PageSize, 1, 500);
        var page = Math.Max(query.Page, 1);
        var total = await entries.CountAsync(cancellationToken);
        var items = await entries.OrderByDescending(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(a => new AuditEntryDto(a.Id, a.At, a.UserName, a.Action, a.EntityType, a.EntityId, a.PlatformId, a.Details, a.RemoteAddress))
            .ToListAsync(cancellationToken);
        return new AuditPage(items, total);
    }
}

internal static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", async ([AsParameters] AuditQuery query, AuditLogReader reader, CancellationToken ct)
                => TypedResults.Ok(await reader.QueryAsync(query, ct)))
            .WithTags("Audit")
            .WithSummary("The audit log: changes and reads of personal data, newest first")
            .RequireAuthorization(LawlineRoles.AdministerPolicy);
        return app;
    }
}
