using System.Globalization;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using Lawline.Server.Analytics.Topics;
using Lawline.Server.Commendations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using A = DocumentFormat.OpenXml.Drawing;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using DW = DocumentFormat.OpenXml.Drawing.Wordprocessing;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Lawline.Server.Analytics.Reports;

/// <summary>A completed work order's question, with personal data taken out.</summary>
public sealed record NotableCase(string Category, string Question);

/// <summary>Everything a report shows; the numbers come only from the dashboard's sources (KPIs, breakdowns, hot topics).</summary>
public sealed record ReportContent(
    string Title,
    string PeriodLabel,
    KpiReport Kpis,
    TrendReport Trend,
    CategoryReport Categories,
    RegionReport Regions,
    TopicReport Topics,
    IReadOnlyList<NotableCase> Cases,
    IReadOnlyDictionary<CommendationKind, int> Commendations,
    int Complaints);

/// <summary>Periods and the Chinese wording of reports.</summary>
public static partial class ReportText
{
    public const int CategoryTopN = 4;
    public const int CategoryLimit = 10;
    public const int RegionLimit = 15;
    public const int TopicLimit = 10;
    public const int CaseRows = 5;
    public const int RegionChartSlices = 8;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The last complete week (Monday–Sunday), month, quarter or half-year before <paramref name="today"/>.</summary>
    public static (DateOnly From, DateOnly To) LastPeriod(ReportKind kind, DateOnly today)
    {
        DateOnly start = kind switch
        {
            ReportKind.Weekly => today.AddDays(-(((int)today.DayOfWeek + 6) % 7)),
            ReportKind.Monthly => new DateOnly(today.Year, today.Month, 1),
            ReportKind.Quarterly => new DateOnly(today.Year, ((today.Month - 1) / 3 * 3) + 1, 1),
            ReportKind.HalfYear => new DateOnly(today.Year, today.Month <= 6 ? 1 : 7, 1),
            _ => throw new ValidationFailedException("kind", "A custom report needs its period."),
        };
        var previous = kind switch
        {
            ReportKind.Weekly => start.AddDays(-7),
            ReportKind.Monthly => start.AddMonths(-1),
            ReportKind.Quarterly => start.AddMonths(-3),
            _ => start.AddMonths(-6),
        };
        return (previous, start.AddDays(-1));
    }

    private static readonly string[] Quarters = ["一", "二", "三", "四"];

    public static string PeriodLabel(ReportKind kind, DateOnly from, DateOnly to) => kind switch
    {
        ReportKind.HalfYear when from.Day == 1 && from.Month is 1 or 7 => $"{from.Year}年{(from.Month == 1 ? "上" : "下")}半年",
        ReportKind.Quarterly when from.Day == 1 && from.Month % 3 == 1 => $"{from.Year}年第{Quarters[(from.Month - 1) / 3]}季度",
        ReportKind.Monthly when from.Day == 1 => $"{from.Year}年{from.Month}月",
        _ => $"{Date(from)}至{Date(to)}",
    };

    /// <summary>The trend's buckets: days for up to a month, weeks for up to a quarter, months beyond.</summary>
    public static TrendGrain TrendGrainFor(DateOnly from, DateOnly to) => (to.DayNumber - from.DayNumber + 1) switch
    {
        <= 31 => TrendGrain.Day,
        <= 92 => TrendGrain.Week,
        _ => TrendGrain.Month,
    };

    public static string TrendTitle(TrendGrain grain) => grain switch
    {
        TrendGrain.Month => "每月接通量与工单量",
        TrendGrain.Week => "每周接通量与工单量",
        _ => "每日接通量与工单量",
    };

    public static string TrendLabel(TrendPoint point, TrendGrain grain) => grain switch
    {
        TrendGrain.Month => $"{point.From.Year}年{point.From.Month}月",
        TrendGrain.Week => $"{point.From.Month}月{point.From.Day}日起",
        _ => $"{point.From.Month}月{point.From.Day}日",
    };

    public static string Date(DateOnly day) => $"{day.Year}年{day.Month}月{day.Day}日";

    public static string Title(string platformName, ReportKind kind, DateOnly from, DateOnly to)
    {
        var organisation = platformName.Contains("12348", StringComparison.Ordinal) ? platformName : platformName + "12348公共法律服务热线";
        var noun = kind switch { ReportKind.Weekly => "工作周报", ReportKind.Monthly => "工作月报", _ => "工作报告" };
        return $"{organisation} {PeriodLabel(kind, from, to)}{noun}";
    }

    public static string Count(double? value) => value is { } v ? v.ToString("#,0.##", Invariant) : "—";

    public static string Percent(double? rate) => rate is null ? "—" : AnalyticsTables.Percent(rate);

    /// <summary>"同比增长 24.34%" for counts and averages; "同比上升 1.20 个百分点" for rates.</summary>
    public static string YearOnYear(double? change, bool isRate)
    {
        if (change is not { } c)
        {
            return "去年同期无可比数据";
        }

        var size = Math.Abs(c * 100).ToString("0.00", Invariant);
        return isRate
            ? (c >= 0 ? $"同比上升 {size} 个百分点" : $"同比下降 {size} 个百分点")
            : (c >= 0 ? $"同比增长 {size}%" : $"同比下降 {size}%");
    }

    /// <summary>The change column of tables: "+24.34%" or "+1.20 个百分点".</summary>
    public static string Change(double? change, bool isRate) => change is not { } c ? "—"
        : (c * 100).ToString("+0.00;-0.00;0.00", Invariant) + (isRate ? " 个百分点" : "%");

    public static readonly IReadOnlyDictionary<string, string> KpiNames = new Dictionary<string, string>
    {
        [nameof(KpiSet.InboundCalls)] = "呼入总量",
        [nameof(KpiSet.Answered)] = "接通量",
        [nameof(KpiSet.ConnectionRate)] = "接通率",
        [nameof(KpiSet.ServiceLevel)] = "人工应答及时率",
        [nameof(KpiSet.AbandonmentRate)] = "放弃率",
        [nameof(KpiSet.AverageSpeedOfAnswerSeconds)] = "平均应答时长(秒)",
        [nameof(KpiSet.AverageHandleTimeSeconds)] = "平均处理时长(秒)",
        [nameof(KpiSet.TotalTalkHours)] = "通话总时长(小时)",
        [nameof(KpiSet.RatedServices)] = "评价数",
        [nameof(KpiSet.RatingRate)] = "评价率",
        [nameof(KpiSet.SatisfactionRate)] = "满意率",
        [nameof(KpiSet.StrictSatisfactionRate)] = "严格满意率",
        [nameof(KpiSet.WorkOrdersCreated)] = "工单量",
        [nameof(KpiSet.CompletionRate)] = "工单完结率",
        [nameof(KpiSet.OnTimeCompletionRate)] = "按时办结率",
        [nameof(KpiSet.FirstContactResolutionRate)] = "首呼解决率",
        [nameof(KpiSet.Referrals)] = "转介数",
        [nameof(KpiSet.RepeatCallRate)] = "重复来电率",
        [nameof(KpiSet.OutOfRegionShare)] = "外地来电占比",
        [nameof(KpiSet.CallbackCoverage)] = "回访率",
    };

    public static string KpiName(string kpi) => KpiNames.TryGetValue(kpi, out var name) ? name : kpi;

    /// <summary>The headline figures (Beijing's half-year 成绩单), one sentence each, every one with its year-on-year change.</summary>
    public static IReadOnlyList<string> Headlines(KpiReport r)
    {
        var c = r.Changes.ToDictionary(x => x.Kpi, StringComparer.Ordinal);
        string Figure(string kpi) => c[kpi].IsRate ? Percent(c[kpi].Current) : Count(c[kpi].Current);
        string Line(string label, string kpi, string unit = "") => $"{label} {Figure(kpi)}{unit}，{YearOnYear(c[kpi].YearOnYear, c[kpi].IsRate)}";
        return
        [
            Line("服务总量（呼入总量）", nameof(KpiSet.InboundCalls), " 通"),
            Line("接通量", nameof(KpiSet.Answered), " 通"),
            Line("接通率", nameof(KpiSet.ConnectionRate)),
            Line("满意率", nameof(KpiSet.SatisfactionRate)),
            Line("评价率", nameof(KpiSet.RatingRate)),
            Line("工单量", nameof(KpiSet.WorkOrdersCreated), " 件"),
            Line("工单完结率", nameof(KpiSet.CompletionRate)),
            Line("外地来电占比", nameof(KpiSet.OutOfRegionShare)),
        ];
    }

    public static string CategoryName(CategoryRow row) => row.Code.Length == 0 ? "未分类" : row.Name;

    public static string RegionName(RegionRow row) => row.Name.Length == 0 ? "未知" : row.Name;

    /// <summary>The region chart's slices: the largest regions, the rest summed as 其他.</summary>
    public static IReadOnlyList<(string Name, long Inbound)> RegionSlices(RegionReport r)
    {
        var slices = r.Rows.Take(RegionChartSlices).Select(x => (RegionName(x), x.Inbound)).ToList();
        if (r.Rows.Count > RegionChartSlices)
        {
            slices.Add(("其他", r.Rows.Skip(RegionChartSlices).Sum(x => x.Inbound)));
        }
        return slices;
    }

    public static string TopShareSentence(CategoryReport r) => r.TopShare is null ? "本期无已分类的咨询工单。"
        : $"前{Quarters.ElementAtOrDefault(r.TopN - 1) ?? r.TopN.ToString(Invariant)}类占 {Percent(r.TopShare)}。";

    public static string FastestSentence(CategoryReport r) => r.FastestGrowing.Count == 0 ? "本期无同比增长超过 30% 的类别。"
        : "增长最快的类别：" + string.Join("、", r.FastestGrowing.Take(3).Select(f => $"{CategoryName(f)}（{YearOnYear(f.YearOnYear, false)}）")) + "。";

    /// <summary>Takes digit runs (numbers, ids, dates) and the caller's name out of a question; cuts it to 120 characters.</summary>
    public static string Anonymise(string question, string? callerName)
    {
        var text = question;
        if (!string.IsNullOrWhiteSpace(callerName))
        {
            text = text.Replace(callerName.Trim(), "某某", StringComparison.Ordinal);
        }

        text = Digits().Replace(text, "＊＊");
        text = WhiteSpace().Replace(text, " ").Trim();
        return text.Length > 120 ? text[..120] + "……" : text;
    }

    [GeneratedRegex(@"[0-9０-９]{2,}[0-9０-９\-\s]*")]
    private static partial Regex Digits();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    public static readonly IReadOnlyList<string> KpiHeaders = ["指标", "本期", "去年同期", "同比"];
    public static readonly IReadOnlyList<string> CategoryHeaders = ["类别", "工单量", "占比", "去年同期", "同比"];
    public static readonly IReadOnlyList<string> RegionHeaders = ["省份", "呼入量", "占比", "去年同期", "同比"];
    public static readonly IReadOnlyList<string> TopicHeaders = ["热点词", "本期", "上期", "增长"];

    public static IEnumerable<IReadOnlyList<string>> KpiRows(KpiReport r) => r.Changes.Select(c => (IReadOnlyList<string>)
        [KpiName(c.Kpi), c.IsRate ? Percent(c.Current) : Count(c.Current), c.IsRate ? Percent(c.PreviousYear) : Count(c.PreviousYear), Change(c.YearOnYear, c.IsRate)]);

    public static IEnumerable<IReadOnlyList<string>> CategoryRows(CategoryReport r) => r.Rows.Take(CategoryLimit).Select(c => (IReadOnlyList<string>)
        [CategoryName(c), Count(c.Count), Percent(c.Share), Count(c.PreviousYear), Change(c.YearOnYear, false)]);

    public static IEnumerable<IReadOnlyList<string>> RegionRows(RegionReport r) => r.Rows.Take(RegionLimit).Select(x => (IReadOnlyList<string>)
        [RegionName(x), Count(x.Inbound), Percent(x.Share), Count(x.PreviousYear), Change(x.YearOnYear, false)]);

    public static IEnumerable<IReadOnlyList<string>> TopicRows(TopicReport r) => r.Rising.Take(TopicLimit).Select(t => (IReadOnlyList<string>)
        [t.Term, Count(t.Count), Count(t.BaselineCount), t.Growth.ToString("+0;-0;0", Invariant)]);
}

/// <summary>
/// Gathers a report's content from the dashboard's sources and writes it as Word (.docx) and Excel (.xlsx).
/// The Word report draws native charts (trend, categories, regions): each chart part caches its numbers, so Word and
/// LibreOffice show it as written, and embeds a workbook with the same numbers for Word's "编辑数据".
/// </summary>
public sealed class ReportGenerator(AppDbContext db, KpiService kpis, AnalyticsBreakdowns breakdowns, HotTopicService topics)
{
    public async Task<ReportContent> GatherAsync(int platformId, ReportKind kind, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var kpiReport = await kpis.ReportAsync(platformId, from, to, ct);
        var trend = await breakdowns.TrendAsync(platformId, from, to, ReportText.TrendGrainFor(from, to), ct);
        var categories = await breakdowns.CategoriesAsync(platformId, from, to, 2, null, ReportText.CategoryTopN, ct);
        var regions = await breakdowns.RegionsAsync(platformId, from, to, null, ct);
        var topicReport = await topics.ReportAsync(platformId, from, to, null, null, ct);
        var (ids, name) = await kpis.ScopeAsync(platformId, ct);
        var (start, _) = KpiDefinitions.DayBounds(from);
        var (_, end) = KpiDefinitions.DayBounds(to);
        var caseWindow = start.AddDays(-31);
        var completed = await db.WorkOrders.AsNoTracking()
            // The newest work orders completed in the period (created at most a month before it, so the read walks the
            // platform's creation-time index backwards instead of every completed work order ever).
            .Where(o => ids.Contains(o.PlatformId) && o.CreatedAt >= caseWindow && o.CreatedAt < end
                && o.Status == WorkOrderStatus.Completed && o.CompletedAt >= start && o.CompletedAt < end && o.Question.Length >= 10)
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Take(ReportText.CaseRows)
            .Select(o => new { o.Question, o.CallerName, o.CategoryId })
            .ToListAsync(ct);
        var categoryIds = completed.Where(o => o.CategoryId != null).Select(o => o.CategoryId!.Value).Distinct().ToList();
        var categoryNames = await db.Categories.AsNoTracking().Where(c => categoryIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var cases = completed.Select(o => new NotableCase(o.CategoryId is { } c && categoryNames.TryGetValue(c, out var n) ? n : "未分类",
            ReportText.Anonymise(o.Question, o.CallerName))).ToList();
        var commendations = await db.Commendations.AsNoTracking()
            .Where(c => ids.Contains(c.PlatformId) && c.ReceivedAt >= start && c.ReceivedAt < end)
            .GroupBy(c => c.Kind).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var complaints = await db.ComplaintCases.AsNoTracking()
            .CountAsync(c => ids.Contains(c.PlatformId) && c.RegisteredAt >= start && c.RegisteredAt < end, ct);
        return new ReportContent(ReportText.Title(name, kind, from, to), ReportText.PeriodLabel(kind, from, to), kpiReport, trend, categories, regions, topicReport, cases,
            commendations.ToDictionary(c => c.Key, c => c.Count), complaints);
    }

    public static void WriteXlsx(ReportContent r, Stream output)
    {
        static IEnumerable<IReadOnlyList<object?>> Cells(IEnumerable<IReadOnlyList<string>> rows) => rows.Select(x => (IReadOnlyList<object?>)x.Cast<object?>().ToList());
        XlsxWriter.WriteSheets(output,
        [
            ("主要指标", ReportText.KpiHeaders, Cells(ReportText.KpiRows(r.Kpis))),
            ("咨询类别", ReportText.CategoryHeaders, Cells(ReportText.CategoryRows(r.Categories))),
            ("来电地区", ReportText.RegionHeaders, Cells(ReportText.RegionRows(r.Regions))),
            ("热点问题", ReportText.TopicHeaders, Cells(ReportText.TopicRows(r.Topics))),
            ("典型案例", ["类别", "问题"], r.Cases.Select(c => (IReadOnlyList<object?>)[c.Category, c.Question])),
            ("表扬与投诉", ["项目", "数量"], CommendationRows(r).Select(x => (IReadOnlyList<object?>)[x.Label, x.Count])),
        ]);
    }

    private static IEnumerable<(string Label, int Count)> CommendationRows(ReportContent r)
    {
        yield return ("表扬", r.Commendations.GetValueOrDefault(CommendationKind.Praise));
        yield return ("感谢信", r.Commendations.GetValueOrDefault(CommendationKind.ThankYouLetter));
        yield return ("锦旗", r.Commendations.GetValueOrDefault(CommendationKind.Banner));
        yield return ("投诉", r.Complaints);
    }

    public static void WriteDocx(ReportContent r, Stream output)
    {
        using var document = WordprocessingDocument.Create(output, WordprocessingDocumentType.Document);
        var main = document.AddMainDocumentPart();
        var body = new W.Body();
        main.Document = new W.Document(body);
        body.Append(Paragraph(r.Title, bold: true, size: 36, center: true));
        body.Append(Paragraph($"统计期间：{ReportText.Date(r.Kpis.From)}至{ReportText.Date(r.Kpis.To)}", center: true));

        body.Append(Heading("一、主要数据"));
        body.Append(Paragraph($"{r.PeriodLabel}，热线" + string.Join("；", ReportText.Headlines(r.Kpis)) + "。"));
        body.Append(Chart(main, ReportText.TrendTitle(r.Trend.Grain), ChartKind.Column, "时间",
            [.. r.Trend.Points.Select(p => ReportText.TrendLabel(p, r.Trend.Grain))],
            [
                new ChartSeries(ReportText.KpiName(nameof(KpiSet.Answered)), [.. r.Trend.Points.Select(p => (double)p.Current.Answered)]),
                new ChartSeries(ReportText.KpiName(nameof(KpiSet.WorkOrdersCreated)), [.. r.Trend.Points.Select(p => (double)p.Current.WorkOrdersCreated)]),
            ]));
        body.Append(Table(ReportText.KpiHeaders, ReportText.KpiRows(r.Kpis)));

        body.Append(Heading("二、咨询类别"));
        body.Append(Paragraph($"本期咨询工单共 {ReportText.Count(r.Categories.Total)} 件，{ReportText.YearOnYear(r.Categories.YearOnYear, false)}。"
            + ReportText.TopShareSentence(r.Categories) + ReportText.FastestSentence(r.Categories)));
        var shown = r.Categories.Rows.Take(ReportText.CategoryLimit).ToList();
        body.Append(Chart(main, "主要咨询类别工单量", ChartKind.Bar, "类别", [.. shown.Select(ReportText.CategoryName)],
            [new ChartSeries("工单量", [.. shown.Select(c => (double)c.Count)])]));
        body.Append(Table(ReportText.CategoryHeaders, ReportText.CategoryRows(r.Categories)));

        body.Append(Heading("三、来电地区"));
        body.Append(Paragraph($"外地来电占比 {ReportText.Percent(r.Regions.OutOfRegionShare)}，{ReportText.YearOnYear(r.Regions.OutOfRegionShareChange, true)}。"));
        var slices = ReportText.RegionSlices(r.Regions);
        body.Append(Chart(main, "来电地区分布（呼入量）", ChartKind.Pie, "省份", [.. slices.Select(x => x.Name)],
            [new ChartSeries("呼入量", [.. slices.Select(x => (double)x.Inbound)])]));
        body.Append(Table(ReportText.RegionHeaders, ReportText.RegionRows(r.Regions)));

        body.Append(Heading("四、热点问题"));
        if (r.Topics.Rising.Count == 0)
        {
            body.Append(Paragraph("本期无明显上升的热点问题。"));
        }
        else
        {
            body.Append(Paragraph("与上期相比，以下问题的咨询量上升较快：" + string.Join("、", r.Topics.Rising.Take(5).Select(t => t.Term)) + "。"));
            body.Append(Table(ReportText.TopicHeaders, ReportText.TopicRows(r.Topics)));
        }

        body.Append(Heading("五、典型案例"));
        if (r.Cases.Count == 0)
        {
            body.Append(Paragraph("本期无已办结的典型案例。"));
        }
        foreach (var (item, index) in r.Cases.Select((c, i) => (c, i + 1)))
        {
            body.Append(Paragraph($"{index}．【{item.Category}】{item.Question}"));
        }

        body.Append(Heading("六、表扬与投诉"));
        var rows = CommendationRows(r).ToList();
        body.Append(Paragraph($"本期收到表扬 {rows[0].Count} 次、感谢信 {rows[1].Count} 封、锦旗 {rows[2].Count} 面；受理投诉 {rows[3].Count} 件。"));
        main.Document.Save();
    }

    private enum ChartKind
    {
        Column,
        Bar,
        Pie,
    }

    private sealed record ChartSeries(string Name, IReadOnlyList<double> Values);

    private const string ChartSheet = "Sheet1";
    private const long ChartWidth = 5486400; // 6 inches in EMU

    /// <summary>
    /// A native chart in a paragraph of its own: a chart part whose series cache their labels and values (Word and LibreOffice
    /// draw them without recalculating) and an embedded workbook with the same numbers (column A the labels, one column per series).
    /// </summary>
    private static W.Paragraph Chart(MainDocumentPart main, string title, ChartKind kind, string labelHeader, IReadOnlyList<string> labels, IReadOnlyList<ChartSeries> series)
    {
        var part = main.AddNewPart<ChartPart>();
        var workbook = part.AddEmbeddedPackagePart(EmbeddedPackagePartType.Xlsx);
        using (var xlsx = new MemoryStream())
        {
            XlsxWriter.Write(xlsx, ChartSheet, [labelHeader, .. series.Select(s => s.Name)],
                labels.Select((label, i) => (IReadOnlyList<object?>)[label, .. series.Select(s => (object?)s.Values[i])]));
            xlsx.Position = 0;
            workbook.FeedData(xlsx);
        }

        var lastRow = Math.Max(labels.Count, 1) + 1;
        C.StringReference Strings(string formula, IReadOnlyList<string> values)
        {
            var cache = new C.StringCache(new C.PointCount { Val = (uint)values.Count });
            cache.Append(values.Select((v, i) => new C.StringPoint(new C.NumericValue(v)) { Index = (uint)i }));
            return new C.StringReference(new C.Formula(formula), cache);
        }
        C.NumberReference Numbers(string formula, IReadOnlyList<double> values)
        {
            var cache = new C.NumberingCache(new C.FormatCode("General"), new C.PointCount { Val = (uint)values.Count });
            cache.Append(values.Select((v, i) => new C.NumericPoint(new C.NumericValue(v.ToString(CultureInfo.InvariantCulture))) { Index = (uint)i }));
            return new C.NumberReference(new C.Formula(formula), cache);
        }
        IEnumerable<OpenXmlElement> Parts(int index)
        {
            var column = XlsxWriter.ColumnName(index + 1);
            yield return new C.Index { Val = (uint)index };
            yield return new C.Order { Val = (uint)index };
            yield return new C.SeriesText(Strings($"{ChartSheet}!${column}$1", [series[index].Name]));
            if (kind != ChartKind.Pie)
            {
                yield return new C.InvertIfNegative { Val = false };
            }
            yield return new C.CategoryAxisData(Strings($"{ChartSheet}!$A$2:$A${lastRow}", labels));
            yield return new C.Values(Numbers($"{ChartSheet}!${column}$2:${column}${lastRow}", series[index].Values));
        }
        static C.DataLabels Labels(bool value, bool percent) => new(
            new C.ShowLegendKey { Val = false }, new C.ShowValue { Val = value }, new C.ShowCategoryName { Val = false },
            new C.ShowSeriesName { Val = false }, new C.ShowPercent { Val = percent }, new C.ShowBubbleSize { Val = false });

        var plot = new C.PlotArea(new C.Layout());
        if (kind == ChartKind.Pie)
        {
            var pie = new C.PieChart(new C.VaryColors { Val = true });
            pie.Append(series.Select((_, i) => new C.PieChartSeries(Parts(i))));
            pie.Append(Labels(value: false, percent: true), new C.FirstSliceAngle { Val = 0 });
            plot.Append(pie);
        }
        else
        {
            var bar = new C.BarChart(
                new C.BarDirection { Val = kind == ChartKind.Bar ? C.BarDirectionValues.Bar : C.BarDirectionValues.Column },
                new C.BarGrouping { Val = C.BarGroupingValues.Clustered },
                new C.VaryColors { Val = false });
            bar.Append(series.Select((_, i) => new C.BarChartSeries(Parts(i))));
            if (series.Count == 1)
            {
                bar.Append(Labels(value: true, percent: false));
            }
            bar.Append(new C.GapWidth { Val = 80 }, new C.AxisId { Val = 1 }, new C.AxisId { Val = 2 });
            var horizontal = kind == ChartKind.Bar;
            plot.Append(
                bar,
                new C.CategoryAxis(
                    new C.AxisId { Val = 1 },
                    // Horizontal bars list the largest category first, from the top.
                    new C.Scaling(new C.Orientation { Val = horizontal ? C.OrientationValues.MaxMin : C.OrientationValues.MinMax }),
                    new C.Delete { Val = false },
                    new C.AxisPosition { Val = horizontal ? C.AxisPositionValues.Left : C.AxisPositionValues.Bottom },
                    new C.NumberingFormat { FormatCode = "General", SourceLinked = true },
                    new C.MajorTickMark { Val = C.TickMarkValues.None },
                    new C.MinorTickMark { Val = C.TickMarkValues.None },
                    new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo },
                    new C.CrossingAxis { Val = 2 },
                    new C.Crosses { Val = C.CrossesValues.AutoZero },
                    new C.AutoLabeled { Val = true },
                    new C.LabelAlignment { Val = C.LabelAlignmentValues.Center },
                    new C.LabelOffset { Val = 100 },
                    new C.NoMultiLevelLabels { Val = false }),
                new C.ValueAxis(
                    new C.AxisId { Val = 2 },
                    new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }),
                    new C.Delete { Val = false },
                    new C.AxisPosition { Val = horizontal ? C.AxisPositionValues.Bottom : C.AxisPositionValues.Left },
                    new C.MajorGridlines(),
                    new C.NumberingFormat { FormatCode = "General", SourceLinked = true },
                    new C.MajorTickMark { Val = C.TickMarkValues.Outside },
                    new C.MinorTickMark { Val = C.TickMarkValues.None },
                    new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo },
                    new C.CrossingAxis { Val = 1 },
                    new C.Crosses { Val = C.CrossesValues.AutoZero },
                    new C.CrossBetween { Val = C.CrossBetweenValues.Between }));
        }

        static A.LatinFont Latin() => new() { Typeface = "Times New Roman" };
        static A.EastAsianFont EastAsian() => new() { Typeface = "宋体" };
        var chart = new C.Chart(
            new C.Title(
                new C.ChartText(new C.RichText(new A.BodyProperties(), new A.ListStyle(), new A.Paragraph(
                    new A.ParagraphProperties(new A.DefaultRunProperties(Latin(), EastAsian()) { FontSize = 1200, Bold = true }),
                    new A.Run(new A.RunProperties(Latin(), EastAsian()) { Language = "zh-CN", FontSize = 1200, Bold = true }, new A.Text(title))))),
                new C.Overlay { Val = false }),
            new C.AutoTitleDeleted { Val = false },
            plot);
        if (kind == ChartKind.Pie || series.Count > 1)
        {
            chart.Append(new C.Legend(new C.LegendPosition { Val = kind == ChartKind.Pie ? C.LegendPositionValues.Right : C.LegendPositionValues.Bottom }, new C.Overlay { Val = false }));
        }
        chart.Append(new C.PlotVisibleOnly { Val = true }, new C.DisplayBlanksAs { Val = C.DisplayBlanksAsValues.Gap });

        var space = new C.ChartSpace(
            new C.Date1904 { Val = false },
            new C.EditingLanguage { Val = "zh-CN" },
            new C.RoundedCorners { Val = false },
            chart,
            new C.TextProperties(new A.BodyProperties(), new A.ListStyle(), new A.Paragraph(
                new A.ParagraphProperties(new A.DefaultRunProperties(Latin(), EastAsian()) { FontSize = 900 }),
                new A.EndParagraphRunProperties { Language = "zh-CN" })),
            new C.ExternalData(new C.AutoUpdate { Val = false }) { Id = part.GetIdOfPart(workbook) });
        space.AddNamespaceDeclaration("c", "http://schemas.openxmlformats.org/drawingml/2006/chart");
        space.AddNamespaceDeclaration("a", "http://schemas.openxmlformats.org/drawingml/2006/main");
        space.AddNamespaceDeclaration("r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
        part.ChartSpace = space;
        part.ChartSpace.Save();

        var id = (uint)main.ChartParts.Count();
        var height = kind == ChartKind.Bar ? Math.Clamp(914400L + (labels.Count * 320040L), 2743200L, 4572000L) : 2926080L;
        var inline = new DW.Inline(
            new DW.Extent { Cx = ChartWidth, Cy = height },
            new DW.EffectExtent { LeftEdge = 0L, TopEdge = 0L, RightEdge = 0L, BottomEdge = 0L },
            new DW.DocProperties { Id = id, Name = $"图表 {id}", Description = title },
            new DW.NonVisualGraphicFrameDrawingProperties(),
            new A.Graphic(new A.GraphicData(new C.ChartReference { Id = main.GetIdOfPart(part) })
            {
                Uri = "http://schemas.openxmlformats.org/drawingml/2006/chart",
            }))
        {
            DistanceFromTop = 0U, DistanceFromBottom = 0U, DistanceFromLeft = 0U, DistanceFromRight = 0U,
        };
        return new W.Paragraph(new W.ParagraphProperties(new W.Justification { Val = W.JustificationValues.Center }), new W.Run(new W.Drawing(inline)));
    }

    private static W.Paragraph Heading(string text) => Paragraph(text, bold: true, size: 28);

    private static W.Paragraph Paragraph(string text, bool bold = false, int size = 24, bool center = false)
    {
        var properties = new W.RunProperties(new W.RunFonts { EastAsia = "宋体", Ascii = "Times New Roman", HighAnsi = "Times New Roman" });
        if (bold)
        {
            properties.Append(new W.Bold());
        }
        properties.Append(new W.FontSize { Val = size.ToString(CultureInfo.InvariantCulture) });
        var paragraph = new W.Paragraph();
        if (center)
        {
            paragraph.Append(new W.ParagraphProperties(new W.Justification { Val = W.JustificationValues.Center }));
        }
        paragraph.Append(new W.Run(properties, new W.Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        return paragraph;
    }

    private static W.Table Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        static W.BorderType Line<T>() where T : W.BorderType, new() => new T { Val = W.BorderValues.Single, Size = 4 };
        var table = new W.Table(new W.TableProperties(
            new W.TableWidth { Width = "5000", Type = W.TableWidthUnitValues.Pct },
            new W.TableBorders(Line<W.TopBorder>(), Line<W.LeftBorder>(), Line<W.BottomBorder>(), Line<W.RightBorder>(),
                Line<W.InsideHorizontalBorder>(), Line<W.InsideVerticalBorder>())),
            // The grid is required by the schema (Word repairs a table without one); equal columns over a 6-inch text width.
            new W.TableGrid(headers.Select(_ => new W.GridColumn { Width = (8640 / headers.Count).ToString(CultureInfo.InvariantCulture) })));
        table.Append(Row(headers, bold: true));
        foreach (var row in rows)
        {
            table.Append(Row(row, bold: false));
        }
        return table;
    }

    private static W.TableRow Row(IReadOnlyList<string> cells, bool bold)
        => new(cells.Select(text => new W.TableCell(Paragraph(text, bold, size: 21))));
}
