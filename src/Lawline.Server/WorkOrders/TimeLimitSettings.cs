using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.WorkOrders;

/// <summary>A time limit as it applies to a platform: its own, or the installation default.</summary>
public sealed record TimeLimitDto(WorkOrderType Type, WorkOrderUrgency Urgency, int WorkingDays, bool IsPlatformOverride);

public sealed record SaveTimeLimitRequest(
    int? PlatformId,
    [property: EnumDataType(typeof(WorkOrderType))] WorkOrderType Type,
    [property: EnumDataType(typeof(WorkOrderUrgency))] WorkOrderUrgency Urgency,
    [property: Range(0, 60)] int WorkingDays);

/// <summary>
/// How long orders may stay open, per type and urgency, in working days (0 = the same day). The installation
/// default is set by administrators; a platform manager can set their platform's own limits.
/// </summary>
public sealed class TimeLimitSettings(AppDbContext db, CurrentUser me)
{
    public async Task<IReadOnlyList<TimeLimitDto>> ListAsync(int? platformId, CancellationToken cancellationToken)
    {
        if (platformId is not null && !await db.Platforms.AnyAsync(p => p.Id == platformId, cancellationToken))
        {
            throw new NotFoundException("Platform", platformId);
        }
        var rows = await db.WorkOrderTimeLimits.AsNoTracking()
            .Where(t => t.PlatformId == null || t.PlatformId == platformId).ToListAsync(cancellationToken);
        return
        [
            .. from type in Enum.GetValues<WorkOrderType>()
               from urgency in Enum.GetValues<WorkOrderUrgency>()
               let own = rows.FirstOrDefault(r => r.PlatformId == platformId && platformId != null && r.Type == type && r.Urgency == urgency)
               let fallback = rows.FirstOrDefault(r => r.PlatformId == null && r.Type == type && r.Urgency == urgency)
               select new TimeLimitDto(type, urgency, (own ?? fallback)?.WorkingDays ?? (urgency == WorkOrderUrgency.Urgent ? 0 : 3), own is not null),
        ];
    }

    public async Task SaveAsync(SaveTimeLimitRequest request, CancellationToken cancellationToken)
    {
        if (request.PlatformId is null)
        {
            if (!me.IsInRole(LawlineRoles.Administrator) || !me.IsUnrestricted)
            {
                throw new ValidationFailedException("platformId", "Only a system administrator sets the installation-wide limits; choose your platform.");
            }
        }
        else if (!await db.Platforms.AnyAsync(p => p.Id == request.PlatformId, cancellationToken))
        {
            throw new ValidationFailedException("platformId", "The platform does not exist or is outside your scope.");
        }
        var limit = await db.WorkOrderTimeLimits.AsTracking().SingleOrDefaultAsync(
            t => t.PlatformId == request.PlatformId && t.Type == request.Type && t.Urgency == request.Urgency, cancellationToken);
        if (limit is null)
        {
            db.WorkOrderTimeLimits.Add(new WorkOrderTimeLimit
            {
                PlatformId = request.PlatformId, Type = request.Type, Urgency = request.Urgency, WorkingDays = request.WorkingDays,
            });
        }
        else
        {
            limit.WorkingDays = request.WorkingDays;
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}

internal static class TimeLimitsApi
{
    public static RouteGroupBuilder MapTimeLimits(this RouteGroupBuilder workOrders)
    {
        workOrders.MapGet("/time-limits", async (int? platformId, TimeLimitSettings settings, CancellationToken ct)
                => TypedResults.Ok(await settings.ListAsync(platformId, ct)))
            .WithSummary("Time limits per type and urgency in working days, for a platform or the installation default");
        workOrders.MapPut("/time-limits", async (SaveTimeLimitRequest request, TimeLimitSettings settings, CancellationToken ct) =>
            {
                await settings.SaveAsync(request, ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(LawlineRoles.ManagePeoplePolicy)
            .WithSummary("Set a time limit (platformId null: the installation default, administrators only)");
        return workOrders;
    }
}
