using System.ComponentModel.DataAnnotations;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Analytics;

/// <summary>The <c>Analytics</c> section.</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>How often the rollup worker looks for marked days (dashboards lag the records by at most this).</summary>
    [Range(0.05, 3600)]
    public double RollupIntervalSeconds { get; set; } = 2;

    /// <summary>Days recomputed per pass (each in its own transaction).</summary>
    [Range(1, 100_000)]
    public int RollupBatchDays { get; set; } = 500;

    /// <summary>重复来电: the same number again within this many days.</summary>
    [Range(1, 365)]
    public int RepeatWindowDays { get; set; } = 7;

    /// <summary>Run the worker in this process (off for command-line tools and for tests that drive it by hand).</summary>
    public bool RunRollupWorker { get; set; } = true;

    /// <summary>How often the surge check runs (0: never on its own; it can still be run on demand).</summary>
    [Range(0, 1440)]
    public double SurgeCheckMinutes { get; set; } = 15;

    /// <summary>How often the report schedule is checked (0: never; reports can still be generated on demand).</summary>
    [Range(0, 1440)]
    public double ReportCheckMinutes { get; set; } = 10;
}

/// <summary>
/// Keeps the rollup tables current: takes the marked platform-days and recomputes each in its own transaction (marks
/// deleted, day replaced, committed together). Killed at any point, it loses nothing and counts nothing twice: an
/// uncommitted day keeps its marks and is recomputed on the next pass, and a day is always replaced, never added to.
/// </summary>
public sealed partial class RollupWorker(IServiceScopeFactory scopes, IOptions<AnalyticsOptions> options, TimeProvider time, ILogger<RollupWorker> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunRollupWorker)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(options.Value.RollupIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await ProcessAsync(stoppingToken) > 0)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                Log.PassFailed(logger, exception);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One pass: recomputes up to <see cref="AnalyticsOptions.RollupBatchDays"/> marked days and returns how many.
    /// <paramref name="beforeCommit"/> runs inside each day's transaction just before it commits (tests use it to
    /// kill the worker mid-batch).
    /// </summary>
    public async Task<int> ProcessAsync(CancellationToken cancellationToken, Func<int, DateOnly, Task>? beforeCommit = null)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var batch = await scopes.ReadAsSystemAsync("rollups", async db =>
            {
                var upTo = await db.RollupMarks.MaxAsync(m => (long?)m.Id, cancellationToken);
                if (upTo is null)
                {
                    return (0L, new List<(int, DateOnly)>());
                }

                var days = await db.RollupMarks.Where(m => m.Id <= upTo)
                    .Select(m => new { m.PlatformId, m.Day }).Distinct()
                    .OrderBy(m => m.Day).ThenBy(m => m.PlatformId)
                    .Take(options.Value.RollupBatchDays)
                    .ToListAsync(cancellationToken);
                return (upTo.Value, days.Select(d => (d.PlatformId, d.Day)).ToList());
            }, cancellationToken);

            var window = TimeSpan.FromDays(options.Value.RepeatWindowDays);
            foreach (var (platformId, day) in batch.Item2)
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("rollups");
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                await using var transaction = await db.BeginWriteAsync(cancellationToken);
                await RollupBuilder.RecomputeAsync(db, platformId, day, batch.Item1, window, time.GetUtcNow(), cancellationToken);
                if (beforeCommit is not null)
                {
                    await beforeCommit(platformId, day);
                }

                await transaction.CommitAsync(cancellationToken);
            }

            if (batch.Item2.Count > 0)
            {
                Log.Recomputed(logger, batch.Item2.Count);
            }

            return batch.Item2.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Processes passes until no marked day is left.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (await ProcessAsync(cancellationToken) > 0)
        {
        }
    }

    /// <summary>
    /// Rebuilds the rollups from the raw records: marks every day of every platform from its first record (call, work order or seat session) to its last
    /// (and every day that has rollups, so days whose records are gone are emptied), then drains.
    /// </summary>
    public async Task<int> RebuildAsync(CancellationToken cancellationToken)
    {
        var marked = 0;
        await scopes.WriteAsSystemAsync("rollups", async db =>
        {
            var platforms = await db.Platforms.IgnoreQueryFilters().Select(p => p.Id).ToListAsync(cancellationToken);
            foreach (var platformId in platforms)
            {
                var days = new HashSet<DateOnly>(await db.CallDayStats.IgnoreQueryFilters().Where(s => s.PlatformId == platformId)
                    .Select(s => s.Day).Distinct().ToListAsync(cancellationToken));
                days.UnionWith(await db.WorkOrderDayStats.IgnoreQueryFilters().Where(s => s.PlatformId == platformId)
                    .Select(s => s.Day).Distinct().ToListAsync(cancellationToken));
                days.UnionWith(await db.AgentDayStats.IgnoreQueryFilters().Where(s => s.PlatformId == platformId)
                    .Select(s => s.Day).Distinct().ToListAsync(cancellationToken));
                var calls = db.CallRecords.IgnoreQueryFilters().Where(c => c.PlatformId == platformId);
                var orders = db.WorkOrders.IgnoreQueryFilters().Where(w => w.PlatformId == platformId);
                var sessions = db.SeatSessions.IgnoreQueryFilters().Where(s => s.PlatformId == platformId);
                var first = Min(Min(await calls.MinAsync(c => (DateTimeOffset?)c.ArrivedAt, cancellationToken), await orders.MinAsync(w => (DateTimeOffset?)w.CreatedAt, cancellationToken)),
                    await sessions.MinAsync(s => (DateTimeOffset?)s.SignedInAt, cancellationToken));
                var last = Max(Max(await calls.MaxAsync(c => (DateTimeOffset?)c.ArrivedAt, cancellationToken), await orders.MaxAsync(w => (DateTimeOffset?)w.CreatedAt, cancellationToken)),
                    Max(await sessions.MaxAsync(s => (DateTimeOffset?)s.SignedInAt, cancellationToken), await sessions.MaxAsync(s => s.SignedOutAt, cancellationToken)));
                if (first is { } from && last is { } to)
                {
                    for (var day = KpiDefinitions.DayOf(from); day <= KpiDefinitions.DayOf(to); day = day.AddDays(1))
                    {
                        days.Add(day);
                    }
                }

                foreach (var day in days)
                {
                    db.RollupMarks.Add(new RollupMark { PlatformId = platformId, Day = day });
                }

                marked += days.Count;
            }
        }, cancellationToken);
        await DrainAsync(cancellationToken);
        return marked;
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "A rollup pass failed; its days keep their marks and are recomputed on the next pass")]
        public static partial void PassFailed(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Recomputed the rollups of {Days} platform-days")]
        public static partial void Recomputed(ILogger logger, int days);
    }
}
