using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Analytics;

/// <summary>
/// Called by <see cref="AppDbContext.SaveChangesAsync(bool, CancellationToken)"/> before it saves: every call record
/// and work order being added, changed or deleted marks its platform-day (by arrival / creation, Beijing) for the
/// rollup worker, in the same save — so a committed change always has a mark and a rolled-back one never does. A seat
/// session marks every day it spans (from sign-in to sign-out, or the sign-in day while open), before and after the change.
/// </summary>
public static class RollupMarker
{
    public static void Mark(AppDbContext db)
    {
        HashSet<(int PlatformId, DateOnly Day)>? days = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            switch (entry.Entity)
            {
                case CallRecord call:
                    Add(ref days, call.PlatformId, call.ArrivedAt);
                    if (entry.State == EntityState.Modified && entry.Property(nameof(CallRecord.ArrivedAt)).IsModified)
                    {
                        Add(ref days, call.PlatformId, (DateTimeOffset)entry.Property(nameof(CallRecord.ArrivedAt)).OriginalValue!);
                    }

                    break;
                case WorkOrder order:
                    Add(ref days, order.PlatformId, order.CreatedAt);
                    break;
                case SeatSession session:
                    AddSpan(ref days, session.PlatformId, session.SignedInAt, session.SignedOutAt);
                    if (entry.State == EntityState.Modified)
                    {
                        AddSpan(ref days, session.PlatformId, (DateTimeOffset)entry.Property(nameof(SeatSession.SignedInAt)).OriginalValue!,
                            (DateTimeOffset?)entry.Property(nameof(SeatSession.SignedOutAt)).OriginalValue);
                    }

                    break;
            }
        }

        if (days is null)
        {
            return;
        }

        foreach (var (platformId, day) in days)
        {
            db.RollupMarks.Add(new RollupMark { PlatformId = platformId, Day = day });
        }
    }

    private static void Add(ref HashSet<(int, DateOnly)>? days, int platformId, DateTimeOffset at)
        => (days ??= []).Add((platformId, KpiDefinitions.DayOf(at)));

    /// <summary>Each Beijing day from <paramref name="from"/> to <paramref name="to"/> (or only the first day while open).</summary>
    private static void AddSpan(ref HashSet<(int, DateOnly)>? days, int platformId, DateTimeOffset from, DateTimeOffset? to)
    {
        var last = KpiDefinitions.DayOf(to is { } end && end > from ? end : from);
        for (var day = KpiDefinitions.DayOf(from); day <= last; day = day.AddDays(1))
        {
            (days ??= []).Add((platformId, day));
        }
    }
}
