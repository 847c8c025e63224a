using System.Diagnostics;
using System.Globalization;
using System.Net;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using Lawline.Server.Analytics;
using Lawline.Server.Analytics.Reports;
using Lawline.Server.Callers;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Lawline.Server.Tests.WorkOrders;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;
using static Lawline.Server.Tests.Analytics.BreakdownTests;

namespace Lawline.Server.Tests.Analytics;

/// <summary>
/// Generated reports (issue 9): a half-year report's Word and Excel files carry exactly the numbers of the dashboard's
/// KPI and category APIs (tables and native Word charts alike), the schedule makes last week's report once on Monday, and reports are scoped and validated.
/// </summary>
public sealed class ReportTests(ManualRollupInstallations installations, ITestOutputHelper output) : IClassFixture<ManualRollupInstallations>
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static string Percent(double? rate) => rate is { } r ? (r * 100).ToString("0.00", Invariant) + "%" : "—";

    private static string Count(double? value) => value is { } v ? v.ToString("#,0.##", Invariant) : "—";

    private static string ChangeCell(double? change, bool isRate) => change is not { } c ? "—"
        : (c * 100).ToString("+0.00;-0.00;0.00", Invariant) + (isRate ? " 个百分点" : "%");

    private static async Task<byte[]> DownloadAsync(ApiClient client, string url)
    {
        var response = await client.GetAsync(url);
        await ApiClient.ExpectStatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static List<List<string>> Rows(W.Table table) => [.. table.Elements<W.TableRow>().Select(r => r.Elements<W.TableCell>().Select(c => c.InnerText).ToList())];

    private static List<List<string>> Sheet(SpreadsheetDocument book, string name)
    {
        var sheet = book.WorkbookPart!.Workbook.Descendants<S.Sheet>().Single(s => s.Name == name);
        var part = (WorksheetPart)book.WorkbookPart.GetPartById(sheet.Id!);
        return [.. part.Worksheet.Descendants<S.Row>().Select(r => r.Elements<S.Cell>().Select(c => c.InnerText).ToList())];
    }

    /// <summary>A chart as Word and LibreOffice draw it: its title and, per series, the cached name, labels and values.</summary>
    private sealed record CachedChart(string Title, ChartPart Part, List<(string Name, List<string> Labels, List<double> Values)> Series);

    private static CachedChart Cached(ChartPart part)
    {
        var space = part.ChartSpace;
        var title = space.Descendants<C.Title>().Single().InnerText;
        return new CachedChart(title, part, [.. space.Descendants().Where(e => e is C.BarChartSeries or C.PieChartSeries or C.LineChartSeries).Select(ser => (
            ser.GetFirstChild<C.SeriesText>()!.Descendants<C.StringCache>().Single().Elements<C.StringPoint>().Single().InnerText,
            ser.GetFirstChild<C.CategoryAxisData>()!.Descendants<C.StringCache>().Single().Elements<C.StringPoint>().Select(p => p.InnerText).ToList(),
            ser.GetFirstChild<C.Values>()!.Descendants<C.NumberingCache>().Single().Elements<C.NumericPoint>().Select(p => double.Parse(p.InnerText, Invariant)).ToList()))]);
    }

    [Theory, DatabaseData]
    public async Task A_half_year_report_in_Word_and_Excel_carries_the_dashboards_numbers(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (_, a, _) = await admin.CreateCityWithDistrictsAsync();
        var today = KpiDefinitions.DayOf(factory.Clock.GetUtcNow());
        var (from, to) = ReportText.LastPeriod(ReportKind.HalfYear, today);
        var (day, _) = KpiDefinitions.DayBounds(from.AddDays(20));
        var (lastYear, _) = KpiDefinitions.DayBounds(from.AddDays(20).AddYears(-1));
        await SeedCallsAsync(factory.Services, a.Id,
            new Call(day.AddHours(9), "北京市", "北京市") { WaitSeconds = 5, Rating = CallRating.Satisfied },
            new Call(day.AddHours(10), "河北省", "石家庄市") { WaitSeconds = 8, Rating = CallRating.Dissatisfied },
            new Call(day.AddHours(11), "北京市", "北京市") { WaitSeconds = 20 },
            new Call(day.AddHours(12), "北京市", "北京市") { Abandoned = AbandonedIn.Queue });
        await SeedCallsAsync(factory.Services, a.Id, new Call(lastYear.AddHours(9), "北京市", "北京市") { WaitSeconds = 5, Rating = CallRating.Satisfied });
        await SeedWorkOrdersAsync(factory.Services, a.Id, day.AddHours(13),
            (WorkOrderTestData.WageArrears, WorkOrderChannel.Phone, CallerType.MigrantWorker),
            (WorkOrderTestData.WageArrears, WorkOrderChannel.Phone, CallerType.MigrantWorker),
            (WorkOrderTestData.Divorce, WorkOrderChannel.Phone, CallerType.Woman),
            (null, WorkOrderChannel.WebChat, CallerType.Unspecified));
        await SeedWorkOrdersAsync(factory.Services, a.Id, lastYear.AddHours(13), (WorkOrderTestData.Divorce, WorkOrderChannel.Phone, CallerType.Woman));
        await factory.Services.GetRequiredService<RollupWorker>().DrainAsync(CancellationToken.None);

        var watch = Stopwatch.StartNew();
        var report = await admin.PostOkAsync<GeneratedReportDto>("/api/analytics/reports", new { platformId = a.Id, kind = ReportKind.HalfYear });
        watch.Stop();
        output.WriteLine($"{provider}: half-year report generated in {watch.ElapsedMilliseconds} ms (server measured {report.DurationMilliseconds} ms; docx {report.DocxBytes} B, xlsx {report.XlsxBytes} B)");
        Assert.Equal((from, to, ReportStatus.Completed, "admin"), (report.From, report.To, report.Status, report.GeneratedBy));
        Assert.Contains(report, await admin.GetOkAsync<List<GeneratedReportDto>>($"/api/analytics/reports?platform={a.Id}"));

        var period = $"from={Day(from)}&to={Day(to)}&platform={a.Id}";
        var kpis = await admin.GetOkAsync<KpiReport>($"/api/analytics/kpis?{period}");
        var categories = await admin.GetOkAsync<CategoryReport>($"/api/analytics/categories?{period}&level=2&top=4");
        Assert.Equal((4L, 3L, 4L), (kpis.Current.InboundCalls, kpis.Current.Answered, categories.Total));

        using var docx = WordprocessingDocument.Open(new MemoryStream(await DownloadAsync(admin, $"/api/analytics/reports/{report.Id}/docx")), false);
        var body = docx.MainDocumentPart!.Document.Body!;
        var paragraphs = body.Elements<W.Paragraph>().Select(p => p.InnerText).ToList();
        var half = from.Month == 1 ? "上" : "下";
        Assert.Equal($"{a.Name}12348公共法律服务热线 {from.Year}年{half}半年工作报告", paragraphs[0]);
        var headline = paragraphs.Single(p => p.Contains("服务总量", StringComparison.Ordinal));
        var inbound = kpis.Changes.Single(c => c.Kpi == nameof(KpiSet.InboundCalls));
        Assert.Contains($"服务总量（呼入总量） {kpis.Current.InboundCalls} 通，同比增长 {inbound.YearOnYear!.Value * 100:0.00}%", headline);
        Assert.Contains($"接通量 {kpis.Current.Answered} 通", headline);
        Assert.Contains($"接通率 {Percent(kpis.Current.ConnectionRate)}，同比", headline);
        Assert.Contains($"满意率 {Percent(kpis.Current.SatisfactionRate)}，同比", headline);
        Assert.Contains($"评价率 {Percent(kpis.Current.RatingRate)}，同比", headline);
        Assert.Contains($"工单完结率 {Percent(kpis.Current.CompletionRate)}，同比", headline);
        Assert.Contains($"外地来电占比 {Percent(kpis.Current.OutOfRegionShare)}，同比", headline);

        var tables = body.Elements<W.Table>().Select(Rows).ToList();
        var kpiTable = tables[0];
        Assert.Equal(["指标", "本期", "去年同期", "同比"], kpiTable[0]);
        foreach (var change in kpis.Changes)
        {
            string Value(double? v) => change.IsRate ? Percent(v) : Count(v);
            Assert.Contains([ReportText.KpiName(change.Kpi), Value(change.Current), Value(change.PreviousYear), ChangeCell(change.YearOnYear, change.IsRate)], kpiTable);
        }

        var categoryTable = tables[1];
        var expectedCategories = categories.Rows.Take(ReportText.CategoryLimit)
            .Select(c => new List<string> { c.Code.Length == 0 ? "未分类" : c.Name, Count(c.Count), Percent(c.Share), Count(c.PreviousYear), ChangeCell(c.YearOnYear, false) })
            .ToList();
        Assert.Equal(expectedCategories, categoryTable.Skip(1).Select(r => r.Take(5).ToList()).ToList());
        Assert.Contains(paragraphs, p => p.Contains($"前四类占 {Percent(categories.TopShare)}", StringComparison.Ordinal));
        Assert.Contains(paragraphs, p => p.Contains("表扬 0 次", StringComparison.Ordinal) && p.Contains("受理投诉 0 件", StringComparison.Ordinal));

        // Native charts: three chart parts, each drawn in the body, its numbers cached for display and embedded as a workbook.
        var main = docx.MainDocumentPart!;
        Assert.Equal(3, main.ChartParts.Count());
        var drawn = body.Descendants<W.Drawing>().Select(d => d.Descendants<C.ChartReference>().Single().Id!.Value!).ToList();
        var charts = drawn.Select(id => Cached(Assert.IsType<ChartPart>(main.GetPartById(id)))).ToList();
        Assert.True(main.ChartParts.ToHashSet().SetEquals(charts.Select(c => c.Part)), "every chart part is drawn in the body, once");
        Assert.Equal(3, drawn.Count);
        Assert.Equal(["每月接通量与工单量", "主要咨询类别工单量", "来电地区分布（呼入量）"], charts.Select(c => c.Title));
        var (trendChart, categoryChart, regionChart) = (charts[0], charts[1], charts[2]);

        Assert.Equal(["接通量", "工单量"], trendChart.Series.Select(x => x.Name));
        Assert.Equal(6, trendChart.Series[0].Labels.Count);
        Assert.Equal($"{from.Year}年{from.Month}月", trendChart.Series[0].Labels[0]);
        Assert.Equal((double)kpis.Current.Answered, trendChart.Series[0].Values.Sum());
        Assert.Equal((double)kpis.Current.WorkOrdersCreated, trendChart.Series[1].Values.Sum());
        Assert.Equal(4L, kpis.Current.WorkOrdersCreated);

        var topCategories = categories.Rows.Take(ReportText.CategoryLimit).ToList();
        var (categoryName, categoryLabels, categoryValues) = Assert.Single(categoryChart.Series);
        Assert.Equal("工单量", categoryName);
        Assert.Equal(categoryTable.Skip(1).Select(r => r[0]), categoryLabels);
        Assert.Equal(topCategories.Select(c => c.Code.Length == 0 ? "未分类" : c.Name), categoryLabels);
        Assert.Equal(topCategories.Select(c => (double)c.Count), categoryValues);
        Assert.Equal([2.0, 1.0, 1.0], categoryValues.Order().Reverse().ToList());

        var regions = await admin.GetOkAsync<RegionReport>($"/api/analytics/regions?{period}");
        var (_, regionLabels, regionValues) = Assert.Single(regionChart.Series);
        Assert.Equal(regions.Rows.Select(x => x.Name), regionLabels);
        Assert.Equal(regions.Rows.Select(x => (double)x.Inbound), regionValues);
        Assert.Equal((double)kpis.Current.InboundCalls, regionValues.Sum());

        foreach (var chart in charts)
        {
            var embedded = Assert.IsType<EmbeddedPackagePart>(chart.Part.GetPartById(chart.Part.ChartSpace.GetFirstChild<C.ExternalData>()!.Id!.Value!));
            Assert.Equal(embedded, Assert.Single(chart.Part.Parts, p => p.OpenXmlPart is EmbeddedPackagePart).OpenXmlPart);
            Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", embedded.ContentType);
            var bytes = new MemoryStream();
            using (var stream = embedded.GetStream())
            {
                await stream.CopyToAsync(bytes);
            }
            using var book = SpreadsheetDocument.Open(bytes, false);
            var sheet = Sheet(book, "Sheet1");
            Assert.Equal(chart.Series.Select(x => x.Name), sheet[0].Skip(1));
            Assert.Equal(chart.Series[0].Labels, sheet.Skip(1).Select(r => r[0]));
            for (var i = 0; i < chart.Series.Count; i++)
            {
                Assert.Equal(chart.Series[i].Values, sheet.Skip(1).Select(r => double.Parse(r[i + 1], Invariant)));
            }
        }

        var errors = new OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2019).Validate(docx)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));

        using var xlsx = SpreadsheetDocument.Open(new MemoryStream(await DownloadAsync(admin, $"/api/analytics/reports/{report.Id}/xlsx")), false);
        Assert.Equal(kpiTable, Sheet(xlsx, "主要指标"));
        Assert.Equal(categoryTable.Select(r => r.Take(5).ToList()).ToList(), Sheet(xlsx, "咨询类别"));

        var audited = await factory.WithDatabaseAsync(db => db.AuditEntries.IgnoreQueryFilters()
            .CountAsync(e => e.EntityType == nameof(GeneratedReport) && e.EntityId == report.Id.ToString(Invariant) && e.Action == AuditAction.ReadPersonalData));
        Assert.Equal(2, audited);
    }

    [Fact]
    public void The_region_chart_keeps_the_eight_largest_regions_and_sums_the_rest_as_other_and_the_trend_grain_follows_the_period()
    {
        var day = new DateOnly(2026, 1, 1);
        var rows = Enumerable.Range(0, 11).Select(i => new RegionRow(i == 0 ? "" : $"省{i}", 100 - i, 0, null, 0, 0, null)).ToList();
        var report = new RegionReport(day, day, null, rows.Sum(r => r.Inbound), 0, 0, null, null, null, 0, null, rows);
        var slices = ReportText.RegionSlices(report);
        Assert.Equal(["未知", "省1", "省2", "省3", "省4", "省5", "省6", "省7", "其他"], slices.Select(x => x.Name));
        Assert.Equal(92 + 91 + 90, slices[^1].Inbound);
        Assert.Equal(report.Inbound, slices.Sum(x => x.Inbound));
        Assert.Equal(8, ReportText.RegionSlices(report with { Rows = rows.Take(8).ToList() }).Count);

        Assert.Equal(TrendGrain.Day, ReportText.TrendGrainFor(day, day.AddDays(30)));
        Assert.Equal(TrendGrain.Week, ReportText.TrendGrainFor(day, day.AddDays(89)));
        Assert.Equal(TrendGrain.Month, ReportText.TrendGrainFor(day, day.AddMonths(6).AddDays(-1)));
    }

    [Theory, DatabaseData]
    public async Task Reports_are_scoped_to_the_callers_platforms_and_a_bad_period_is_a_field_error(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (_, a, b) = await admin.CreateCityWithDistrictsAsync();
        using var supervisorB = await factory.CreateUserAndSignInAsync(admin, b.Id, LawlineRoles.Supervisor);
        var today = KpiDefinitions.DayOf(factory.Clock.GetUtcNow());
        var report = await admin.PostOkAsync<GeneratedReportDto>("/api/analytics/reports",
            new { platformId = a.Id, kind = ReportKind.Custom, from = Day(today.AddDays(-7)), to = Day(today.AddDays(-1)) });

        await ApiClient.ExpectStatusAsync(await supervisorB.GetAsync($"/api/analytics/reports/{report.Id}/docx"), HttpStatusCode.NotFound);
        await ApiClient.ExpectStatusAsync(await supervisorB.PostAsync("/api/analytics/reports", new { platformId = a.Id, kind = ReportKind.Weekly }), HttpStatusCode.NotFound);
        Assert.DoesNotContain(await supervisorB.GetOkAsync<List<GeneratedReportDto>>("/api/analytics/reports"), r => r.Id == report.Id);
        var own = await supervisorB.PostOkAsync<GeneratedReportDto>("/api/analytics/reports", new { platformId = b.Id, kind = ReportKind.Weekly });
        Assert.Equal(ReportText.LastPeriod(ReportKind.Weekly, today), (own.From, own.To));

        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/analytics/reports",
            new { platformId = a.Id, kind = ReportKind.Custom, from = Day(today.AddDays(-1)), to = Day(today.AddDays(-7)) }), "to");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/analytics/reports", new { platformId = a.Id, kind = ReportKind.Custom }), "from");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/analytics/reports",
            new { platformId = a.Id, kind = ReportKind.Custom, from = Day(today.AddDays(-1)), to = Day(today) }), "to");
    }

    [Theory, DatabaseData]
    public async Task The_schedule_generates_last_weeks_report_once_on_Monday_after_one_oclock(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (_, a, _) = await admin.CreateCityWithDistrictsAsync();
        var monday = KpiDefinitions.DayOf(factory.Clock.GetUtcNow()).AddDays(1);
        while (monday.DayOfWeek != DayOfWeek.Monday || monday.Day == 1)
        {
            monday = monday.AddDays(1);
        }

        var (midnight, _) = KpiDefinitions.DayBounds(monday);
        var scheduler = factory.Services.GetRequiredService<ReportScheduler>();
        factory.Clock.SetUtcNow(midnight.AddMinutes(30));
        Assert.Equal(0, await scheduler.RunDueAsync(CancellationToken.None));

        factory.Clock.SetUtcNow(midnight.AddHours(2));
        await scheduler.RunDueAsync(CancellationToken.None);
        await scheduler.RunDueAsync(CancellationToken.None);
        factory.Clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(0, await scheduler.RunDueAsync(CancellationToken.None));

        using var later = await factory.AdminAsync(); // the clock moved past the first sign-in's token
        var reports = await later.GetOkAsync<List<GeneratedReportDto>>($"/api/analytics/reports?platform={a.Id}");
        var weekly = Assert.Single(reports, r => r.Kind == ReportKind.Weekly);
        Assert.Equal((monday.AddDays(-7), monday.AddDays(-1), "system"), (weekly.From, weekly.To, weekly.GeneratedBy));
        Assert.DoesNotContain(reports, r => r.Kind != ReportKind.Weekly);
    }
}
