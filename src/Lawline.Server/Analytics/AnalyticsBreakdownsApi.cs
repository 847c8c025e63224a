using System.Globalization;
using Lawline.Server.Common;
using Lawline.Server.Components.Shared;
using Lawline.Server.Resources;
using Lawline.Server.Security;
using Microsoft.Extensions.Localization;

namespace Lawline.Server.Analytics;

/// <summary>A breakdown as one Excel sheet: Chinese headers, rates as percentages with two decimals as the page shows them.</summary>
public sealed record BreakdownTable(string Name, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<object?>> Rows)
{
    public void WriteXlsx(Stream output) => XlsxWriter.Write(output, Name, Headers, Rows);
}

/// <summary>The tables of the statistics dashboard, the same for the page, the API's Excel export and the reports.</summary>
public static class AnalyticsTables
{
    public static string Percent(double? rate) => rate is { } r ? (r * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "";

    private static object? Round(double? value) => value is { } v ? Math.Round(v, 1) : null;

    public static BreakdownTable Trend(TrendReport r) => new("趋势", ["时段", "呼入总量", "转人工量", "接通量", "接通率", "评价数", "满意率", "工单量", "办结量", "办结率", "去年同期呼入", "呼入同比"],
        [.. r.Points.Select(p => (IReadOnlyList<object?>)[p.Label, p.Current.Inbound, p.Current.Requests, p.Current.Answered, Percent(p.Current.ConnectionRate),
            p.Current.Rated, Percent(p.Current.SatisfactionRate), p.Current.WorkOrdersCreated, p.Current.WorkOrdersCompleted, Percent(p.Current.CompletionRate),
            p.PreviousYear.Inbound, Percent(p.InboundYearOnYear)])]);

    public static BreakdownTable Categories(CategoryReport r) => new("咨询类别", ["编码", "类别", "工单量", "占比", "去年同期", "同比增长", "快速增长"],
        [.. r.Rows.Select(c => (IReadOnlyList<object?>)[c.Code, c.Code.Length == 0 ? "未分类" : c.Name, c.Count, Percent(c.Share), c.PreviousYear,
            Percent(c.YearOnYear), c.FastGrowing ? "是" : ""])]);

    public static BreakdownTable Regions(RegionReport r) => new("来电地区", [r.Province is null ? "省份" : "城市", "呼入量", "接通量", "占比", "外地来电", "去年同期", "同比增长"],
        [.. r.Rows.Select(x => (IReadOnlyList<object?>)[x.Name.Length == 0 ? "未知" : x.Name, x.Inbound, x.Answered, Percent(x.Share), x.OutOfRegion,
            x.PreviousYear, Percent(x.YearOnYear)])]);

    private static readonly string[] Weekdays = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

    public static BreakdownTable Heatmap(HeatmapReport r) => new("时段分布", ["星期", .. Enumerable.Range(0, 24).Select(h => $"{h:00}时")],
        [.. Enumerable.Range(0, 7).Select(d => (IReadOnlyList<object?>)[Weekdays[d], .. r.Inbound[d].Cast<object?>()])]);

    public static BreakdownTable Skills(SkillReport r) => new("技能供需", ["技能编码", "技能", "转人工量", "接通量", "未接通", "放弃量", "接通率", "平均应答(秒)", "去年同期转人工", "同比增长"],
        [.. r.Rows.Select(s => (IReadOnlyList<object?>)[s.Code, s.Name, s.Requests, s.Answered, s.Unanswered, s.Abandoned, Percent(s.ConnectionRate),
            Round(s.AverageSpeedOfAnswerSeconds), s.PreviousYearRequests, Percent(s.RequestsYearOnYear)])]);

    public static BreakdownTable Agents(AgentReport r) => new("坐席人员", ["人员", "接听量", "平均通话(秒)", "平均话后(秒)", "通话时长(小时)", "评价数", "满意", "基本满意", "不满意", "满意率",
            "工单量", "办结量", "办结率", "签入时长(小时)"],
        [.. r.Rows.Select(a => (IReadOnlyList<object?>)[a.Name, a.Answered, Round(a.AverageTalkSeconds), Round(a.AverageWrapUpSeconds), a.TotalTalkHours,
            a.Rated, a.Satisfied, a.BasicallySatisfied, a.Dissatisfied, Percent(a.SatisfactionRate), a.WorkOrdersCreated, a.WorkOrdersCompleted,
            Percent(a.CompletionRate), a.SignedInHours])]);

    public static BreakdownTable Seats(SeatReport r) => new("坐席", ["坐席编码", "坐席", "签入时长(小时)", "人员数", "工单量", "办结量", "办结率"],
        [.. r.Rows.Select(s => (IReadOnlyList<object?>)[s.Code, s.Name, s.SignedInHours, s.Agents, s.WorkOrdersCreated, s.WorkOrdersCompleted,
            Percent(s.CompletionRate)])]);

    /// <summary>The KPI cards as a table: now, the same period a year before, the period just before, and the changes.</summary>
    public static BreakdownTable Kpis(KpiReport r, IStringLocalizer<UiText> text) => new("指标", ["指标", "本期", "去年同期", "同比", "上期", "环比"],
        [.. r.Changes.Select(c => (IReadOnlyList<object?>)[text[$"Analytics.Kpi.{c.Kpi}"].Value, Number(c.Current, c.IsRate), Number(c.PreviousYear, c.IsRate),
            Difference(c.YearOnYear, c.IsRate), Number(c.PreviousPeriod, c.IsRate), Difference(c.PeriodOnPeriod, c.IsRate)])]);

    private static object? Number(double? value, bool isRate) => isRate ? Percent(value) : value is { } v ? Math.Round(v, 2) : null;

    /// <summary>Rates change in percentage points, counts and averages in per cent.</summary>
    private static string Difference(double? change, bool isRate) => change is not { } c ? ""
        : (c * 100).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + (isRate ? " pt" : "%");

    public static BreakdownTable Channels(ChannelReport r, IStringLocalizer<UiText> text) => new("渠道", ["渠道", "工单量", "占比", "办结量", "办结率", "去年同期", "同比增长"],
        [.. r.Rows.Select(c => (IReadOnlyList<object?>)[text.Enum(c.Channel), c.Created, Percent(c.Share), c.Completed, Percent(c.CompletionRate), c.PreviousYear,
            Percent(c.YearOnYear)])]);

    public static BreakdownTable CallerTypes(CallerTypeReport r, IStringLocalizer<UiText> text) => new("来电人类型", ["来电人类型", "工单量", "占比", "去年同期", "同比增长"],
        [.. r.Rows.Select(c => (IReadOnlyList<object?>)[text.Enum(c.CallerType), c.Created, Percent(c.Share), c.PreviousYear, Percent(c.YearOnYear)])]);
}

/// <summary>The breakdowns over HTTP: each as JSON, and (with <c>format=xlsx</c>) as an Excel workbook of its table.</summary>
public static class AnalyticsBreakdownsApi
{
    public sealed record Period(DateOnly? From, DateOnly? To, int? Platform, string? Format);

    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IEndpointRouteBuilder MapAnalyticsBreakdowns(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/analytics").WithTags("Analytics").RequireAuthorization(LawlineRoles.SuperviseCallsPolicy);
        api.MapGet("/kpis.xlsx", async (DateOnly? from, DateOnly? to, int? platform, KpiService kpis, IStringLocalizer<UiText> text, CancellationToken ct) =>
            {
                var end = to ?? kpis.Today;
                var start = from ?? end;
                var report = await kpis.ReportAsync(platform, start, end, ct);
                return Respond(new Period(start, end, platform, "xlsx"), report, () => AnalyticsTables.Kpis(report, text), "kpis", start, end);
            })
            .WithSummary("The KPIs of /api/analytics/kpis with their year-on-year and period-on-period changes, as an Excel workbook");
        api.MapGet("/trend", async ([AsParameters] Period p, TrendGrain? grain, AnalyticsBreakdowns b, CancellationToken ct) =>
            {
                var (from, to) = Resolve(p, b);
                var report = await b.TrendAsync(p.Platform, from, to, grain ?? TrendGrain.Day, ct);
                return Respond(p, report, () => AnalyticsTables.Trend(report), "trend", from, to);
            })
            .WithSummary("Inbound, answered, connection rate, satisfaction rate, work orders and completion rate per day, week or month, with the same bucket a year before");
        api.MapGet("/categories", async ([AsParameters] Period p, int? level, string? parent, int? top, AnalyticsBreakdowns b, CancellationToken ct) =>
            {
                var (from, to) = Resolve(p, b);
                var report = await b.CategoriesAsync(p.Platform, from, to, level ?? 2, parent, top ?? 4, ct);
                return Respond(p, report, () => AnalyticsTables.Categories(report), "categories", from, to);
            })
            .WithSummary("Work orders by category at a taxonomy level (optionally within a parent): count, share, year-on-year growth, fastest growing (> 30 %), share of the top N");
        api.MapGet("/regions", async ([AsParameters] Period p, string? province, AnalyticsBreakdowns b, CancellationToken ct) =>
            {
                var (from, to) = Resolve(p, b);
                var report = await b.RegionsAsync(p.Platform, from, to, province, ct);
                return Respond(p, report, () => AnalyticsTables.Regions(report), "regions", from, to);
            })
            .WithSummary("Inbound calls by the caller's province (or city within a province), out-of-region share, year on year");
        api.MapGet("/heatmap", async ([AsParameters] Period p, AnalyticsBreakdowns b, CancellationToken ct) =>
            {
                var (from, to) = Resolve(p, b);
                var report = await b.HeatmapAsync(p.Platform, from, to, ct);
                return Respond(p, report, () => AnalyticsTables.Heatmap(report), "heatmap", from, to);
            })
            .WithSummary("Inbound calls per weekday (0 = Monday) and Beijing hour");
        api.MapGet("/skills", async ([AsParameters] Period p, AnalyticsBreakdowns b, CancellationToken ct) =>
            {
                var (from, to) = Resolve(p, b);
                var report = await b.SkillsAsync(p.Platform, from, to, ct);
                return Respond(p, report, () => AnalyticsTables.Skills(report), "skills", from, to);
            })
            .WithSummary("Supply vs demand per skill: requests, answered, connection rate, year on year");
        api.MapGet("/agents", async ([AsParameters] Period p, AnalyticsBreakdowns b, CancellationToken ct) =>
            {
                var (from, to) = Resolve(p, b);
                var report = await b.AgentsAsync(p.Platform, from, to, ct);
                return Respond(p, report, () => AnalyticsTables.Agents(report), "agents", from, to);
            })
            .WithSummary("Per agent: answered, average talk and wrap-up, ratings and satisfaction rate, work orders, completion rate, signed-in hours");
        api.MapGet("/seats", async ([AsParameters] Period p, AnalyticsBreakdowns b, CancellationToken ct) =>
            {
                var (from, to) = Resolve(p, b);
                var report = await b.SeatsAsync(p.Platform, from, to, ct);
                return Respond(p, report, () => AnalyticsTables.Seats(report), "seats", from, to);
            })
            .WithSummary("Per seat: signed-in hours, agents who sat there, work orders and completion rate");
        api.MapGet("/channels", async ([AsParameters] Period p, AnalyticsBreakdowns b, IStringLocalizer<UiText> text, CancellationToken ct) =>
            {
                var (from, to) = Resolve(p, b);
                var report = await b.ChannelsAsync(p.Platform, from, to, ct);
                return Respond(p, report, () => AnalyticsTables.Channels(report, text), "channels", from, to);
            })
            .WithSummary("Work orders per channel: created, share, completion rate, year on year");
        api.MapGet("/caller-types", async ([AsParameters] Period p, AnalyticsBreakdowns b, IStringLocalizer<UiText> text, CancellationToken ct) =>
            {
                var (from, to) = Resolve(p, b);
                var report = await b.CallerTypesAsync(p.Platform, from, to, ct);
                return Respond(p, report, () => AnalyticsTables.CallerTypes(report, text), "caller-types", from, to);
            })
            .WithSummary("Work orders per caller type: created, share, year on year");
        return app;
    }

    private static (DateOnly From, DateOnly To) Resolve(Period p, AnalyticsBreakdowns b)
    {
        var to = p.To ?? b.Today;
        return (p.From ?? to, to);
    }

    private static IResult Respond<T>(Period p, T report, Func<BreakdownTable> table, string name, DateOnly from, DateOnly to)
    {
        if (!string.Equals(p.Format, "xlsx", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Ok(report);
        }

        var stream = new MemoryStream();
        table().WriteXlsx(stream);
        stream.Position = 0;
        return TypedResults.File(stream, XlsxType, $"{name}-{from:yyyyMMdd}-{to:yyyyMMdd}.xlsx");
    }
}
