using Lawline.Server.Analytics;
using Lawline.Server.Analytics.History;
using Lawline.Server.Analytics.Topics;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Analytics;

/// <summary>
/// <c>generate-history</c> (issue 9): a year of synthetic history has the Beijing shape it claims, its bulk-written
/// rollups are exactly what the worker's rebuild from the raw records gives, and the month rollup the category table
/// reads for whole months always equals the sum of its days.
/// </summary>
public sealed class HistoryGeneratorTests(ManualRollupInstallations installations) : IClassFixture<ManualRollupInstallations>
{
    private sealed record Snapshot(
        List<(DateOnly, string, int, int, int, int, long, int, int)> Calls,
        List<(DateOnly, string, string, string, int, int, int, int)> Orders,
        List<(DateOnly, string, string, string, int, int, int, int)> Months,
        List<(DateOnly, int, int, long, int, int, int)> Totals,
        List<(DateOnly, string, string, int)> Regions,
        List<(DateOnly, string, int)> Terms,
        List<(DateOnly, string, int)> TermMonths);

    [Theory, DatabaseData]
    public async Task A_generated_year_has_the_beijing_shape_and_its_rollups_equal_a_rebuild_from_the_raw_records(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        var code = Unique.Code("SYN");
        var lastDay = KpiDefinitions.DayOf(factory.Clock.GetUtcNow()).AddDays(-1);
        HistorySummary summary;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
            summary = await scope.ServiceProvider.GetRequiredService<HistoryGenerator>()
                .GenerateAsync(new HistoryRequest(1, CallsPerYear: 12_000, PlatformCode: code, Seed: 7, LastDay: lastDay, Lawyers: 12), CancellationToken.None);
        }

        Assert.Equal(lastDay.AddYears(-1).AddDays(1), summary.From);
        var platformId = summary.PlatformId;
        var calls = await factory.WithDatabaseAsync(db => db.CallRecords.Where(c => c.PlatformId == platformId)
            .Select(c => new { c.CallerProvince, c.AnsweredAt, c.Rating }).ToListAsync());
        Assert.Equal(summary.Calls, calls.Count);
        Assert.InRange(calls.Count, 10_000, 14_000);

        // Beijing's shape: ≈ 39 % from out of town, ≈ 72 % of answered calls rated, ≈ 99.5 % of ratings satisfied.
        Assert.InRange(calls.Count(c => c.CallerProvince != "北京市") / (double)calls.Count, 0.35, 0.43);
        var answered = calls.Where(c => c.AnsweredAt != null).ToList();
        Assert.InRange(answered.Count(c => c.Rating != null) / (double)answered.Count, 0.68, 0.76);
        Assert.InRange(answered.Count(c => c.Rating is CallRating.Satisfied or CallRating.BasicallySatisfied) / (double)answered.Count(c => c.Rating != null), 0.99, 1.0);

        // Every work order is marked synthetic, in a platform whose name says so.
        var platformName = await factory.WithDatabaseAsync(db => db.Platforms.Where(p => p.Id == platformId).Select(p => p.Name).SingleAsync());
        Assert.Contains(HistoryGenerator.SyntheticTag, platformName, StringComparison.Ordinal);
        var orders = await factory.WithDatabaseAsync(db => db.WorkOrders.Where(w => w.PlatformId == platformId).Select(w => new { w.Tags, w.CategoryCode }).ToListAsync());
        Assert.Equal(summary.WorkOrders, orders.Count);
        Assert.All(orders, o => Assert.Contains(HistoryGenerator.SyntheticTag, o.Tags));

        // The months are the sums of their days.
        var generated = await SnapshotAsync(factory, platformId);
        Assert.InRange(generated.Months.Select(m => m.Item1).Distinct().Count(), 12, 13);
        Assert.Equal(generated.Orders.GroupBy(o => (new DateOnly(o.Item1.Year, o.Item1.Month, 1), o.Item2, o.Item3, o.Item4))
                .Select(g => (g.Key.Item1, g.Key.Item2, g.Key.Item3, g.Key.Item4, g.Sum(o => o.Item5), g.Sum(o => o.Item6), g.Sum(o => o.Item7), g.Sum(o => o.Item8)))
                .OrderBy(m => m).ToList(),
            generated.Months);
        Assert.Equal(generated.Terms.GroupBy(t => (new DateOnly(t.Item1.Year, t.Item1.Month, 1), t.Item2)).Select(g => (g.Key.Item1, g.Key.Item2, g.Sum(t => t.Item3)))
                .OrderBy(t => t).ToList(),
            generated.TermMonths);

        // The category table for a period that starts and ends mid-month (day rows at the ends, month rows between)
        // counts exactly the raw work orders of the period, level 2.
        using (var admin = await factory.AdminAsync())
        {
            var from = new DateOnly(summary.From.Year, summary.From.Month, 20);
            from = from < summary.From ? from.AddMonths(1) : from;
            var to = new DateOnly(lastDay.Year, lastDay.Month, 10);
            to = to > lastDay ? to.AddMonths(-1) : to;
            var report = await admin.GetOkAsync<CategoryReport>(
                $"/api/analytics/categories?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&platform={platformId}&level=2&top=4");
            var (start, _) = KpiDefinitions.DayBounds(from);
            var (_, end) = KpiDefinitions.DayBounds(to);
            var raw = await factory.WithDatabaseAsync(db => db.WorkOrders.Where(w => w.PlatformId == platformId && w.CreatedAt >= start && w.CreatedAt < end)
                .Select(w => w.CategoryCode).ToListAsync());
            Assert.Equal(raw.Count, report.Total);
            var byGroup = raw.GroupBy(c => string.Join('.', (c ?? "").Split('.').Take(2))).ToDictionary(g => g.Key, g => (long)g.Count());
            Assert.Equal(byGroup.OrderBy(g => g.Key, StringComparer.Ordinal), report.Rows.Select(r => KeyValuePair.Create(r.Code, r.Count)).OrderBy(g => g.Key, StringComparer.Ordinal));
            // Labour, family, contract and torts make about three quarters of consultations.
            Assert.InRange(report.TopShare ?? 0, 0.65, 0.82);

            // Hot topics over the same period count each term as the days of the period do, with examples that mention it.
            var topics = await admin.GetOkAsync<TopicReport>(
                $"/api/analytics/topics?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&platform={platformId}");
            var dayCounts = generated.Terms.Where(t => t.Item1 >= from && t.Item1 <= to).GroupBy(t => t.Item2).ToDictionary(g => g.Key, g => g.Sum(t => t.Item3));
            Assert.NotEmpty(topics.Top);
            Assert.All(topics.Top, t => Assert.Equal(dayCounts[t.Term], t.Count));
            Assert.Equal(dayCounts.OrderByDescending(d => d.Value).ThenBy(d => d.Key, StringComparer.Ordinal).First().Key, topics.Top[0].Term);
            Assert.All(topics.Rising, r => Assert.All(r.Examples, e => Assert.Contains(r.Term, e.Question, StringComparison.Ordinal)));
        }

        // A rebuild from the raw records gives the same rows, day by day and month by month.
        await factory.Services.GetRequiredService<RollupWorker>().RebuildAsync(CancellationToken.None);
        var rebuilt = await SnapshotAsync(factory, platformId);
        Assert.Equal(generated.Calls, rebuilt.Calls);
        Assert.Equal(generated.Orders, rebuilt.Orders);
        Assert.Equal(generated.Months, rebuilt.Months);
        Assert.Equal(generated.Totals, rebuilt.Totals);
        Assert.Equal(generated.Regions, rebuilt.Regions);
        Assert.Equal(generated.Terms, rebuilt.Terms);
    }

    private static Task<Snapshot> SnapshotAsync(LawlineFactory factory, int platformId) => factory.WithDatabaseAsync(async db =>
    {
        var calls = (await db.CallDayStats.Where(s => s.PlatformId == platformId).ToListAsync())
            .Select(s => (s.Day, s.SkillCode, s.AgentId, s.Inbound, s.Answered, s.AnsweredInTarget, s.TalkSeconds, s.Rated, s.RepeatCalls)).OrderBy(r => r).ToList();
        var orders = (await db.WorkOrderDayStats.Where(s => s.PlatformId == platformId).ToListAsync())
            .Select(s => (s.Day, s.CategoryCode, s.Channel.ToString(), s.Type.ToString(), s.Created, s.Completed, s.Rated, s.Satisfied)).OrderBy(r => r).ToList();
        var months = (await db.WorkOrderMonthStats.Where(s => s.PlatformId == platformId).ToListAsync())
            .Select(s => (s.Month, s.CategoryCode, s.Channel.ToString(), s.Type.ToString(), s.Created, s.Completed, s.Rated, s.Satisfied)).OrderBy(r => r).ToList();
        var totals = (await db.PlatformDayStats.Where(s => s.PlatformId == platformId).ToListAsync())
            .Select(s => (s.Day, s.Inbound, s.Answered, s.TalkSeconds, s.WorkOrdersCreated, s.RepeatCalls, s.OutOfRegion)).OrderBy(r => r).ToList();
        var regions = (await db.CallRegionStats.Where(s => s.PlatformId == platformId).ToListAsync())
            .Select(s => (s.Day, s.Province, s.City, s.Inbound)).OrderBy(r => r).ToList();
        var terms = (await db.TermDayStats.Where(s => s.PlatformId == platformId).ToListAsync())
            .Select(s => (s.Day, s.Term, s.Orders)).OrderBy(r => r).ToList();
        var termMonths = (await db.TermMonthStats.Where(s => s.PlatformId == platformId).ToListAsync())
            .Select(s => (s.Month, s.Term, s.Orders)).OrderBy(r => r).ToList();
        return new Snapshot(calls, orders, months, totals, regions, terms, termMonths);
    });
}
