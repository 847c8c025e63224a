using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Analytics.Monitoring;

/// <summary>
/// 激增监测: every <see cref="AnalyticsOptions.SurgeCheckMinutes"/> (on <see cref="TimeProvider"/>), and on demand,
/// compares the work orders of each category (level 2 of the taxonomy: the code's first two segments) and each
/// caller province over the last day (today, Beijing) and the last 7 days against the baseline — the average of the
/// 28 days before the window, scaled to the window — from the rollups only. At or above the platform's ratio and
/// minimum count it raises one Surge alert, not repeated while that alert is open.
/// </summary>
public sealed class SurgeMonitor(IServiceScopeFactory scopes, IOptions<AnalyticsOptions> options, TimeProvider time, ILogger<SurgeMonitor> logger)
    : Common.PeriodicJob(time, logger)
{
    public const int BaselineDays = 28;
    public static readonly int[] Windows = [1, 7];

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>When the last check ran and how many alerts it raised (shown on the alerts page).</summary>
    public (DateTimeOffset At, int Raised)? LastRun { get; private set; }

    protected override TimeSpan Interval => TimeSpan.FromMinutes(options.Value.SurgeCheckMinutes);

    protected override string Name => "surge check";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => CheckAsync(cancellationToken);

    /// <summary>Runs the check over every platform; returns the alerts raised.</summary>
    public async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = Time.GetUtcNow();
            var today = KpiDefinitions.DayOf(now);
            var raised = 0;
            var platforms = await scopes.ReadAsSystemAsync("monitoring", db => db.Platforms.IgnoreQueryFilters().Select(p => p.Id).ToListAsync(cancellationToken), cancellationToken);
            foreach (var platformId in platforms)
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("monitoring");
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                raised += await CheckPlatformAsync(db, platformId, today, now, cancellationToken);
            }

            LastRun = (now, raised);
            return raised;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task<int> CheckPlatformAsync(AppDbContext db, int platformId, DateOnly today, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rule = await db.MonitoringSettings.AsNoTracking().SingleOrDefaultAsync(s => s.PlatformId == platformId, cancellationToken)
            ?? new MonitoringSettings { PlatformId = platformId };
        var first = today.AddDays(-(Windows.Max() - 1 + BaselineDays));
        var categories = await db.WorkOrderDayStats.AsNoTracking()
            .Where(s => s.PlatformId == platformId && s.Day >= first && s.Day <= today)
            .GroupBy(s => new { s.Day, s.CategoryCode })
            .Select(g => new { g.Key.Day, g.Key.CategoryCode, Created = g.Sum(s => s.Created) })
            .ToListAsync(cancellationToken);
        var provinces = await db.WorkOrderRegionStats.AsNoTracking()
            .Where(s => s.PlatformId == platformId && s.Day >= first && s.Day <= today && s.Province != "")
            .GroupBy(s => new { s.Day, s.Province })
            .Select(g => new { g.Key.Day, g.Key.Province, Created = g.Sum(s => s.Created) })
            .ToListAsync(cancellationToken);
        if (categories.Count == 0 && provinces.Count == 0)
        {
            return 0;
        }

        var series = categories.Where(c => c.CategoryCode.Length > 0).Select(c => (Key: "category:" + LevelTwo(c.CategoryCode), c.Day, c.Created))
            .Concat(provinces.Select(p => (Key: "province:" + p.Province, p.Day, p.Created)))
            .GroupBy(x => x.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.GroupBy(x => x.Day).ToDictionary(d => d.Key, d => d.Sum(x => x.Created)), StringComparer.Ordinal);

        var open = await db.MonitoringAlerts.AsNoTracking()
            .Where(a => a.PlatformId == platformId && a.Kind == MonitoringAlertKind.Surge && a.Status != MonitoringAlertStatus.Closed)
            .Select(a => a.SubjectKey).ToListAsync(cancellationToken);
        var openKeys = open.ToHashSet(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var raised = 0;
        foreach (var (key, days) in series)
        {
            foreach (var window in Windows)
            {
                var windowStart = today.AddDays(-(window - 1));
                var value = days.Where(d => d.Key >= windowStart).Sum(d => d.Value);
                var baselineStart = windowStart.AddDays(-BaselineDays);
                var baselineTotal = days.Where(d => d.Key >= baselineStart && d.Key < windowStart).Sum(d => d.Value);
                var expected = (double)baselineTotal / BaselineDays * window;
                // No baseline at all: anything at the minimum is a surge (a new kind of problem).
                var ratio = expected > 0 ? value / expected : double.PositiveInfinity;
                var subjectKey = $"{key}:{window}";
                if (value < rule.SurgeMinimum || ratio < rule.SurgeRatio || openKeys.Contains(subjectKey))
                {
                    continue;
                }

                var (subject, link) = await DescribeAsync(db, key, names, cancellationToken);
                db.MonitoringAlerts.Add(new MonitoringAlert
                {
                    PlatformId = platformId,
                    Kind = MonitoringAlertKind.Surge,
                    SubjectKey = subjectKey,
                    Subject = subject,
                    Value = value,
                    Baseline = Math.Round(expected, 2),
                    WindowDays = window,
                    CreatedAt = now,
                    LastSeenAt = now,
                    Status = MonitoringAlertStatus.Open,
                    Link = link,
                });
                openKeys.Add(subjectKey);
                raised++;
            }
        }

        if (raised > 0)
        {
            await using var tx = await db.BeginWriteAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        return raised;
    }

    /// <summary>Level 2 of the taxonomy: "MS.06.17.186.05" → "MS.06".</summary>
    public static string LevelTwo(string code)
    {
        var first = code.IndexOf('.', StringComparison.Ordinal);
        if (first < 0)
        {
            return code;
        }

        var second = code.IndexOf('.', first + 1);
        return second < 0 ? code : code[..second];
    }

    private static async Task<(string Subject, string Link)> DescribeAsync(AppDbContext db, string key, Dictionary<string, string> names, CancellationToken cancellationToken)
    {
        if (key.StartsWith("province:", StringComparison.Ordinal))
        {
            var province = key["province:".Length..];
            return (province, "/analytics/topics");
        }

        var code = key["category:".Length..];
        if (!names.TryGetValue(code, out var name))
        {
            name = await db.Categories.AsNoTracking().Where(c => c.Code == code).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken) ?? "";
            names[code] = name;
        }

        var subject = name.Length > 0 ? $"{code} {name}" : code;
        return (subject.Length <= 128 ? subject : subject[..128], "/work-orders?category=" + Uri.EscapeDataString(code));
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }
}
