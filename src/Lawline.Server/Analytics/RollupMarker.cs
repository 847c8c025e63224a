using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Analytics;

/// <summary>
/// Called by <see cref="AppDbContext.SaveChangesAsync(bool, CancellationToken)"/> before it saves: every call record
/// and work order being added, changed or deleted marks its platform-day (by arrival / creation, Beijing) for the
/// rollup worker, in the same save — so a committed change always has a mark and a rolled-back one never does.
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
}
