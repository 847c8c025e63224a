using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lawline.Server.Data;
using Lawline.Server.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.KnowledgeBench;

internal sealed record LatencyRun(int Run, int Documents, double IndexBuildSeconds, int Queries, double P50Ms, double P95Ms, double P99Ms, double MaxMs,
    double MeanMs, double QpsOneThread, double QpsTwoThreads);

internal sealed record LatencyReport(string Date, int Cores, int Articles, int LawArticles, double StoreSeconds, double LoadAverage, List<LatencyRun> Runs,
    LatencyRun Median);

/// <summary>
/// Search latency: the laws imported with the app's importer, <c>--articles</c> generated entries stored in the database,
/// then per run the whole index rebuilt from the database rows (timed) and a mixed query set searched — warm-up, then
/// <c>--queries</c> timed searches on one thread, then the same number on each of two threads for throughput.
/// </summary>
internal static class Latency
{
    public static async Task<LatencyReport> RunAsync(BenchArguments args)
    {
        await using var host = await BenchHost.StartAsync();
        var report = await host.ImportLawsAsync(args.LawsFolder);
        Console.WriteLine($"Laws: {report}");

        var laws = Directory.GetFiles(args.LawsFolder, "*.md").Order(StringComparer.Ordinal).Select(LawMarkdownReader.Read)
            .SelectMany(d => d.Articles.Select(a => ($"《{KnowledgeArticle.ShortLawName(d.Title)}》{ChineseNumerals.FormatArticle(a.Number)}", a.Text)))
            .ToList();
        var store = Stopwatch.StartNew();
        var corpus = new SyntheticCorpus(laws, args.Seed).Generate(args.Articles, TimeProvider.System.GetUtcNow());
        await host.StoreAsync(corpus);
        store.Stop();
        Console.WriteLine($"{args.Articles:N0} generated entries stored in {store.Elapsed.TotalSeconds:0.0} s");

        List<KnowledgeArticle> all;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            all = await scope.ServiceProvider.GetRequiredService<AppDbContext>().KnowledgeArticles.IgnoreQueryFilters().AsNoTracking()
                .Where(a => a.Status == KnowledgeStatus.Published).ToListAsync();
        }
        var queries = QuerySet(args, laws);
        Console.WriteLine($"{all.Count:N0} published entries; {queries.Count} distinct queries "
            + $"({queries.Count(q => q.Kind == "question")} questions, {queries.Count(q => q.Kind == "citation")} citations, {queries.Count(q => q.Kind == "keyword")} keywords)");

        var index = host.Index;
        var runs = new List<LatencyRun>();
        for (var run = 1; run <= args.Runs; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var build = Stopwatch.StartNew();
            index.Clear();
            index.Update(all);
            build.Stop();

            var texts = queries.Select(q => q.Text).ToArray();
            for (var i = 0; i < 500; i++)
            {
                index.Search(new KnowledgeQuery(texts[i % texts.Length], 10));
            }
            var times = new double[args.Queries];
            var total = Stopwatch.StartNew();
            for (var i = 0; i < args.Queries; i++)
            {
                var start = Stopwatch.GetTimestamp();
                index.Search(new KnowledgeQuery(texts[i % texts.Length], 10));
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            total.Stop();

            var two = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 2).Select(t => Task.Run(() =>
            {
                for (var i = 0; i < args.Queries; i++)
                {
                    index.Search(new KnowledgeQuery(texts[(i * 7 + t * 13) % texts.Length], 10));
                }
            })));
            two.Stop();

            Array.Sort(times);
            var result = new LatencyRun(run, index.Count, build.Elapsed.TotalSeconds, args.Queries, Percentile(times, 0.50), Percentile(times, 0.95),
                Percentile(times, 0.99), times[^1], times.Average(), args.Queries / total.Elapsed.TotalSeconds, 2 * args.Queries / two.Elapsed.TotalSeconds);
            runs.Add(result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: {result.Documents:N0} docs, index built in {result.IndexBuildSeconds:0.0} s; p50 {result.P50Ms:0.00} ms, p95 {result.P95Ms:0.00} ms, "
                + $"p99 {result.P99Ms:0.00} ms, max {result.MaxMs:0.0} ms; {result.QpsOneThread:0} q/s on 1 thread, {result.QpsTwoThreads:0} q/s on 2 threads"));
        }
        double Median(Func<LatencyRun, double> f) => runs.Select(f).Order().ElementAt(runs.Count / 2);
        var median = new LatencyRun(0, runs[0].Documents, Median(r => r.IndexBuildSeconds), args.Queries, Median(r => r.P50Ms), Median(r => r.P95Ms),
            Median(r => r.P99Ms), Median(r => r.MaxMs), Median(r => r.MeanMs), Median(r => r.QpsOneThread), Median(r => r.QpsTwoThreads));
        return new LatencyReport(TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Environment.ProcessorCount,
            args.Articles, report.Added + report.Updated + report.Unchanged, store.Elapsed.TotalSeconds, LoadAverage(), runs, median);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    internal sealed record BenchQuery(string Kind, string Text);

    private static readonly string[] Keywords =
    [
        "欠薪", "拖欠工资", "加班费", "经济补偿", "辞退", "试用期", "劳动仲裁", "工伤认定", "社保", "离婚", "抚养费", "抚养权", "赡养", "彩礼",
        "遗嘱", "继承", "借条", "民间借贷", "押金", "租房", "假货", "退货", "车祸", "交通事故", "狗咬人", "漏水", "物业费", "家暴",
        "人身安全保护令", "名誉权", "造谣", "医疗事故", "法律援助", "人民调解", "强制执行", "诉讼时效", "起诉", "双倍工资", "婚前财产", "夫妻共同债务",
    ];

    /// <summary>The evaluation questions, citation look-ups in the forms callers type, and short keywords.</summary>
    private static List<BenchQuery> QuerySet(BenchArguments args, List<(string Citation, string Text)> laws)
    {
        var random = new Random(args.Seed);
        var list = EvalSet.Questions(args.BenchDirectory).Select(q => new BenchQuery("question", q.Question)).ToList();
        for (var i = 0; i < 60; i++)
        {
            var (citation, _) = laws[random.Next(laws.Count)];
            var law = citation[1..citation.IndexOf('》', StringComparison.Ordinal)];
            var numeral = citation[(citation.IndexOf('》', StringComparison.Ordinal) + 1)..];
            var number = ChineseNumerals.Parse(numeral.AsSpan(1, numeral.Length - 2));
            list.Add(new BenchQuery("citation", (i % 3) switch
            {
                0 => $"{law} {number}",
                1 => $"{law}{numeral}",
                _ => $"{law}第{number}条",
            }));
        }
        list.AddRange(Keywords.Select(k => new BenchQuery("keyword", k)));
        return [.. list.OrderBy(_ => random.Next())];
    }

    public static void Write(BenchArguments args, LatencyReport report)
    {
        Directory.CreateDirectory(args.ResultsDirectory);
        File.WriteAllText(Path.Combine(args.ResultsDirectory, "latency.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Knowledge search latency ({report.Date})").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{report.Articles:N0} generated entries + {report.LawArticles:N0} law articles; {report.Cores} cores; load average at the end {report.LoadAverage:0.0}.").AppendLine();
        md.AppendLine("| run | documents | index build | p50 | p95 | p99 | max | q/s (1 thread) | q/s (2 threads) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in report.Runs.Append(report.Median))
        {
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(r.Run == 0 ? "**median**" : r.Run.ToString(CultureInfo.InvariantCulture))} | {r.Documents:N0} | {r.IndexBuildSeconds:0.0} s | {r.P50Ms:0.00} ms | {r.P95Ms:0.00} ms | "
                + $"{r.P99Ms:0.00} ms | {r.MaxMs:0.0} ms | {r.QpsOneThread:0} | {r.QpsTwoThreads:0} |"));
        }
        File.WriteAllText(Path.Combine(args.ResultsDirectory, "latency.md"), md.ToString());
        Console.WriteLine(md.ToString());
    }
}
