using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Analytics.Reports;

/// <summary>
/// Scheduled reports (on <see cref="TimeProvider"/>, Beijing time, from 01:00): last week's every Monday, last month's on the
/// 1st, last quarter's on the first day of a quarter, last half-year's on 1 January and 1 July — for every platform, once
/// each: a platform, kind and period that already has a report is skipped, however often the check runs.
/// </summary>
public sealed partial class ReportScheduler(IServiceScopeFactory scopes, IOptions<AnalyticsOptions> options, TimeProvider time, ILogger<ReportScheduler> logger)
    : Common.PeriodicJob(time, logger)
{
    public const int FromHour = 1;

    private readonly SemaphoreSlim _gate = new(1, 1);

    protected override TimeSpan Interval => TimeSpan.FromMinutes(options.Value.ReportCheckMinutes);

    protected override string Name => "scheduled reports";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => RunDueAsync(cancellationToken);

    /// <summary>The kinds whose report is due on <paramref name="today"/>.</summary>
    public static IReadOnlyList<ReportKind> DueOn(DateOnly today)
    {
        var due = new List<ReportKind>();
        if (today.DayOfWeek == DayOfWeek.Monday)
        {
            due.Add(ReportKind.Weekly);
        }

        if (today.Day == 1)
        {
            due.Add(ReportKind.Monthly);
            if (today.Month % 3 == 1)
            {
                due.Add(ReportKind.Quarterly);
            }

            if (today.Month is 1 or 7)
            {
                due.Add(ReportKind.HalfYear);
            }
        }

        return due;
    }

    /// <summary>Generates the reports due now that do not exist yet; returns how many it generated.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = Time.GetUtcNow();
            if (now.ToOffset(KpiDefinitions.BeijingOffset).Hour < FromHour)
            {
                return 0;
            }

            var today = KpiDefinitions.DayOf(now);
            var due = DueOn(today);
            if (due.Count == 0)
            {
                return 0;
            }

            var platforms = await scopes.ReadAsSystemAsync("reports",
                db => db.Platforms.IgnoreQueryFilters().OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(cancellationToken), cancellationToken);
            var generated = 0;
            foreach (var platformId in platforms)
            {
                foreach (var kind in due)
                {
                    var (from, to) = ReportText.LastPeriod(kind, today);
                    await using var scope = scopes.CreateAsyncScope();
                    scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("system");
                    var reports = scope.ServiceProvider.GetRequiredService<ReportService>();
                    if (await reports.ExistsAsync(platformId, kind, from, to, cancellationToken))
                    {
                        continue;
                    }

                    try
                    {
                        await reports.GenerateAsync(platformId, kind, from, to, cancellationToken);
                        generated++;
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        Log.ReportFailed(logger, platformId, kind, exception);
                    }
                }
            }

            return generated;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9122, Level = LogLevel.Error, Message = "The scheduled {Kind} report of platform {PlatformId} failed")]
        public static partial void ReportFailed(ILogger logger, int platformId, ReportKind kind, Exception exception);
    }
}
