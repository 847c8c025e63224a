using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lawline.Server.Analytics;
using Lawline.Server.Analytics.Reports;
using Lawline.Server.Analytics.Topics;
using Lawline.Server.Data;
using Lawline.Server.Satisfaction;
using Lawline.Server.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.AnalyticsBench;

/// <summary>
/// Dashboard latency on a database of synthetic history (<c>generate-history</c>): for random platforms' periods of
/// every length (a day … a year), each query the 统计分析 page makes — the KPI report with its year-on-year and
/// period-on-period figures, trend, categories, regions, heatmap, skills, agents, channels, caller types — timed one by
/// one through the app's own services; then the headline KPIs and the category table computed naively from the raw
/// call records and work orders, for the ratio. Several runs; medians of the per-run percentiles are reported.
/// <code>
/// dotnet run -c Release --project bench/Lawline.AnalyticsBench -- --data /tmp/bench10m [--postgres "Host=…"] [--runs 3] [--queries 60]
/// </code>
/// </summary>
internal static class AnalyticsBenchMain
{
    private static readonly string[] PeriodKinds = ["day", "week", "month", "quarter", "half-year", "year"];

    public static async Task<int> Main(string[] args)
    {
        string Get(string name, string fallback)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }

        var data = Get("--data", "");
        var postgres = Get("--postgres", "");
        if (data.Length == 0 && postgres.Length == 0)
        {
            await Console.Error.WriteLineAsync("Pass --data DIR (a data directory filled by generate-history) or --postgres CONNECTION.");
            return 2;
        }

        var runs = int.Parse(Get("--runs", "3"), CultureInfo.InvariantCulture);
        var queries = int.Parse(Get("--queries", "60"), CultureInfo.InvariantCulture);
        var naiveQueries = int.Parse(Get("--naive-queries", "6"), CultureInfo.InvariantCulture);
        // --only topics|satisfaction: time one page's query alone, period by period (for profiling).
        var only = Get("--only", "");
        var reportRuns = int.Parse(Get("--reports", "5"), CultureInfo.InvariantCulture);
        var platformCode = Get("--platform", "SYNBJ");
        var results = Get("--results", Path.Combine("bench", "Lawline.AnalyticsBench", "results"));

        await using var host = new Host(data, postgres);
        await Task.Run(() => host.Server);
        var (platformId, first, last, workOrders, calls) = await host.ReadAsync(async db =>
        {
            var platform = await db.Platforms.SingleAsync(p => p.Code == platformCode);
            var days = db.WorkOrderDayStats.Where(s => s.PlatformId == platform.Id);
            return (platform.Id, await days.MinAsync(s => s.Day), await days.MaxAsync(s => s.Day),
                await db.WorkOrders.LongCountAsync(w => w.PlatformId == platform.Id), await db.CallRecords.LongCountAsync(c => c.PlatformId == platform.Id));
        });
        Console.WriteLine($"{platformCode}: {workOrders:N0} work orders, {calls:N0} calls, {first:yyyy-MM-dd}..{last:yyyy-MM-dd} ({(postgres.Length > 0 ? "PostgreSQL" : "SQLite")})");

        var random = new Random(12348);
        var samples = Enumerable.Range(0, queries).Select(_ => Period(random, PeriodKinds[random.Next(PeriodKinds.Length)], first, last)).ToList();
        var runResults = new List<Dictionary<string, (double P50, double P95, double Max)>>();
        for (var run = 1; run <= runs + 1; run++)
        {
            var timings = new Dictionary<string, List<double>>();
            foreach (var (kind, from, to) in samples)
            {
                await host.ScopeAsync(async services =>
                {
                    var kpis = services.GetRequiredService<KpiService>();
                    var breakdowns = services.GetRequiredService<AnalyticsBreakdowns>();
                    var grain = kind is "day" or "week" or "month" ? TrendGrain.Day : kind == "quarter" ? TrendGrain.Week : TrendGrain.Month;
                    if (only.Length > 0)
                    {
                        if (only == "topics")
                        {
                            await Time(timings, "hot topics", () => services.GetRequiredService<HotTopicService>().ReportAsync(platformId, from, to, null, null, CancellationToken.None));
                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind} {from}..{to}: hot topics {timings["hot topics"][^1]:F0} ms"));
                        }
                        else
                        {
                            await Time(timings, "satisfaction by lawyer", () => services.GetRequiredService<SatisfactionKpis>().TableAsync(from, to, platformId, KpiGrouping.Agent, CancellationToken.None));
                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind} {from}..{to}: satisfaction {timings["satisfaction by lawyer"][^1]:F0} ms"));
                        }

                        return;
                    }

                    var page = Stopwatch.StartNew();
                    await Time(timings, "kpis", () => kpis.ReportAsync(platformId, from, to, CancellationToken.None));
                    await Time(timings, "trend", () => breakdowns.TrendAsync(platformId, from, to, grain, CancellationToken.None));
                    await Time(timings, "categories", () => breakdowns.CategoriesAsync(platformId, from, to, 2, null, 10, CancellationToken.None));
                    await Time(timings, "regions", () => breakdowns.RegionsAsync(platformId, from, to, null, CancellationToken.None));
                    await Time(timings, "heatmap", () => breakdowns.HeatmapAsync(platformId, from, to, CancellationToken.None));
                    await Time(timings, "skills", () => breakdowns.SkillsAsync(platformId, from, to, CancellationToken.None));
                    await Time(timings, "agents", () => breakdowns.AgentsAsync(platformId, from, to, CancellationToken.None));
                    await Time(timings, "channels", () => breakdowns.ChannelsAsync(platformId, from, to, CancellationToken.None));
                    await Time(timings, "caller-types", () => breakdowns.CallerTypesAsync(platformId, from, to, CancellationToken.None));
                    Add(timings, "whole dashboard (sequential)", page.Elapsed.TotalMilliseconds);
                    Add(timings, $"kpis: {kind}", timings["kpis"][^1]);
                    Add(timings, $"categories: {kind}", timings["categories"][^1]);
                    // The other analysis pages: hot topics (热点分析) and the satisfaction table by lawyer (满意度).
                    await Time(timings, "hot topics", () => services.GetRequiredService<HotTopicService>().ReportAsync(platformId, from, to, null, null, CancellationToken.None));
                    await Time(timings, "satisfaction by lawyer", () => services.GetRequiredService<SatisfactionKpis>().TableAsync(from, to, platformId, KpiGrouping.Agent, CancellationToken.None));
                });
            }

            if (run == 1)
            {
                Console.WriteLine("warm-up run done");
                continue;
            }

            if (only.Length > 0)
            {
                return 0;
            }

            var summary = timings.ToDictionary(t => t.Key, t => (Percentile(t.Value, 0.5), Percentile(t.Value, 0.95), t.Value.Max()));
            runResults.Add(summary);
            Console.WriteLine($"run {run - 1}: whole dashboard p50 {summary["whole dashboard (sequential)"].Item1:F1} ms, p95 {summary["whole dashboard (sequential)"].Item2:F1} ms");
        }

        // The half-year report (成绩单): gathered from the same services, written as Word and Excel.
        var reports = new List<double>();
        for (var i = 0; i < reportRuns; i++)
        {
            var (_, from, to) = Period(random, "half-year", first, last);
            await host.ScopeAsync(async services =>
            {
                var watch = Stopwatch.StartNew();
                var content = await services.GetRequiredService<ReportGenerator>().GatherAsync(platformId, ReportKind.HalfYear, from, to, CancellationToken.None);
                using var docx = new MemoryStream();
                ReportGenerator.WriteDocx(content, docx);
                using var xlsx = new MemoryStream();
                ReportGenerator.WriteXlsx(content, xlsx);
                reports.Add(watch.Elapsed.TotalMilliseconds);
            });
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"half-year report (gather + .docx + .xlsx), {reportRuns} reports: median {Median(reports):F0} ms, max {reports.Max():F0} ms"));

        // Naive: the same headline figures and category table straight from the raw records (what a dashboard without
        // rollups would run), on a few periods of each length; slow, so fewer samples.
        var naive = new Dictionary<string, List<double>>();
        var rollup = new Dictionary<string, List<double>>();
        foreach (var kind in new[] { "month", "half-year", "year" })
        {
            for (var i = 0; i < naiveQueries; i++)
            {
                var (_, from, to) = Period(random, kind, first, last);
                await host.ScopeAsync(async services =>
                {
                    var db = services.GetRequiredService<AppDbContext>();
                    var (start, _) = KpiDefinitions.DayBounds(from);
                    var (_, end) = KpiDefinitions.DayBounds(to);
                    await Time(naive, kind, () => NaiveAsync(db, platformId, start, end));
                    var kpis = services.GetRequiredService<KpiService>();
                    var breakdowns = services.GetRequiredService<AnalyticsBreakdowns>();
                    await Time(rollup, kind, async () =>
                    {
                        await kpis.ComputeAsync([platformId], from, to, CancellationToken.None);
                        return await breakdowns.CategoriesAsync(platformId, from, to, 2, null, 10, CancellationToken.None);
                    });
                });
            }
        }

        var median = runResults[0].Keys.ToDictionary(k => k, k => (
            P50: Median(runResults.Select(r => r[k].P50)), P95: Median(runResults.Select(r => r[k].P95)), Max: Median(runResults.Select(r => r[k].Max))));
        Console.WriteLine();
        Console.WriteLine("| query | p50 ms | p95 ms | max ms |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, value) in median.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {value.P50:F1} | {value.P95:F1} | {value.Max:F1} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| period | naive (raw tables) median ms | rollups median ms | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var kind in naive.Keys)
        {
            var n = Median(naive[kind]);
            var r = Median(rollup[kind]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {kind} | {n:F0} | {r:F1} | {n / r:F0}× |"));
        }

        Directory.CreateDirectory(results);
        var file = Path.Combine(results, $"analytics-{(postgres.Length > 0 ? "postgres" : "sqlite")}-{TimeProvider.System.GetUtcNow():yyyyMMdd-HHmm}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            platformCode, workOrders, calls, first, last, runs, queries, loadAverage = LoadAverage(),
            latency = median.ToDictionary(m => m.Key, m => new { m.Value.P50, m.Value.P95, m.Value.Max }),
            halfYearReport = new { runs = reportRuns, median = Median(reports), max = reports.Max() },
            naive = naive.ToDictionary(n => n.Key, n => Median(n.Value)),
            rollups = rollup.ToDictionary(n => n.Key, n => Median(n.Value)),
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"Results: {file}");
        return 0;
    }

    /// <summary>The headline KPIs and the category table from the raw records, grouped in the database.</summary>
    private static async Task<int> NaiveAsync(AppDbContext db, int platformId, DateTimeOffset start, DateTimeOffset end)
    {
        var calls = await db.CallRecords.AsNoTracking()
            .Where(c => c.PlatformId == platformId && c.ArrivedAt >= start && c.ArrivedAt < end && c.Channel == Lawline.Server.Routing.CallChannel.Inbound)
            .GroupBy(_ => 1)
            .Select(g => new
            {
                Inbound = g.Count(),
                Requests = g.Count(c => c.QueuedAt != null),
                Answered = g.Count(c => c.AnsweredAt != null),
                Rated = g.Count(c => c.Rating != null),
                Satisfied = g.Count(c => c.Rating == Lawline.Server.Routing.CallRating.Satisfied),
                Abandoned = g.Count(c => c.AbandonedIn != null),
            })
            .ToListAsync();
        var orders = await db.WorkOrders.AsNoTracking()
            .Where(w => w.PlatformId == platformId && w.CreatedAt >= start && w.CreatedAt < end)
            .GroupBy(w => w.CategoryCode)
            .Select(g => new { g.Key, Created = g.Count(), Completed = g.Count(w => w.CompletedAt != null) })
            .ToListAsync();
        return calls.Count + orders.Count;
    }

    private static (string Kind, DateOnly From, DateOnly To) Period(Random random, string kind, DateOnly first, DateOnly last)
    {
        var length = kind switch { "day" => 1, "week" => 7, "month" => 30, "quarter" => 91, "half-year" => 182, _ => 365 };
        // Periods whose year-ago comparison lies inside the data, as a manager's would.
        var earliestEnd = first.AddDays(365 + length);
        var span = Math.Max(1, last.DayNumber - earliestEnd.DayNumber);
        var to = earliestEnd.AddDays(random.Next(span));
        return (kind, to.AddDays(1 - length), to);
    }

    private static async Task Time<T>(Dictionary<string, List<double>> timings, string name, Func<Task<T>> query)
    {
        var watch = Stopwatch.StartNew();
        await query();
        Add(timings, name, watch.Elapsed.TotalMilliseconds);
    }

    private static void Add(Dictionary<string, List<double>> timings, string name, double ms)
    {
        if (!timings.TryGetValue(name, out var list))
        {
            timings[name] = list = [];
        }

        list.Add(ms);
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static double Median(IEnumerable<double> values) => Percentile([.. values], 0.5);

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "";

    /// <summary>The real host on the given data directory (or PostgreSQL database), background workers quiet.</summary>
    private sealed class Host(string data, string postgres) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            if (postgres.Length > 0)
            {
                builder.UseSetting("Database:Provider", nameof(DatabaseProvider.Postgres));
                builder.UseSetting("Database:ConnectionString", postgres);
                builder.UseSetting("Lawline:DataDirectory", Directory.CreateTempSubdirectory("lawline-analytics-bench-").FullName);
            }
            else
            {
                builder.UseSetting("Lawline:DataDirectory", Path.GetFullPath(data));
                builder.UseSetting("Database:Provider", nameof(DatabaseProvider.Sqlite));
            }

            builder.UseSetting("Sip:Enabled", "false");
            builder.UseSetting("LAWLINE_ADMIN_PASSWORD", "Bench-Pass-2468");
            builder.UseSetting("Analytics:RunRollupWorker", "false");
            builder.UseSetting("Knowledge:CatchUpInterval", "1.00:00:00");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Error");
            builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", Environment.GetEnvironmentVariable("BENCH_SQL_LOG") ?? "Error");
        }

        public async Task<T> ReadAsync<T>(Func<AppDbContext, Task<T>> read)
        {
            await using var scope = Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("analytics-bench");
            return await read(scope.ServiceProvider.GetRequiredService<AppDbContext>());
        }

        public async Task ScopeAsync(Func<IServiceProvider, Task> work)
        {
            await using var scope = Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("analytics-bench");
            await work(scope.ServiceProvider);
        }
    }
}
