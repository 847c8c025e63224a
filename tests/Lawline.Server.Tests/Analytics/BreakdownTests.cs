using System.Globalization;
using System.Net;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Lawline.Server.Analytics;
using Lawline.Server.Callers;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Analytics;

/// <summary>
/// The statistics breakdowns of issue 9 over the rollups: trend, categories at a taxonomy level with year-on-year growth and
/// the top-N share, caller regions, the hour × weekday heatmap, supply vs demand per skill, agents, channels and caller
/// types — exact on seeded records, scoped to the caller's platforms, and exported to Excel with the same numbers.
/// </summary>
public sealed class BreakdownTests(ManualRollupInstallations installations) : IClassFixture<ManualRollupInstallations>
{
    internal sealed record Call(DateTimeOffset ArrivedAt, string? Province, string? City)
    {
        public bool Queued { get; init; } = true;
        public double? WaitSeconds { get; init; }
        public double TalkSeconds { get; init; } = 120;
        public CallRating? Rating { get; init; }
        public AbandonedIn? Abandoned { get; init; }
        public int? AgentId { get; init; }
    }

    internal static Task SeedCallsAsync(IServiceProvider services, int platformId, params Call[] calls)
        => RoutingTestData.WithDatabaseAsync(services, async db =>
        {
            db.CallRecords.AddRange(calls.Select(c =>
            {
                var queued = c.Queued ? c.ArrivedAt.AddSeconds(20) : (DateTimeOffset?)null;
                var answered = c.WaitSeconds is { } w ? queued!.Value.AddSeconds(w) : (DateTimeOffset?)null;
                var talkEnd = answered?.AddSeconds(c.TalkSeconds);
                return new CallRecord
                {
                    PlatformId = platformId,
                    Channel = CallChannel.Inbound,
                    CallerLeg = "leg-" + Guid.NewGuid().ToString("N")[..12],
                    SipCallId = Guid.NewGuid().ToString("N"),
                    CallerNumber = Unique.Mobile(),
                    CallerProvince = c.Province,
                    CallerCity = c.City,
                    DialedNumber = "12348",
                    ArrivedAt = c.ArrivedAt,
                    SkillCode = c.Queued ? "LABOR" : null,
                    QueuedAt = queued,
                    AgentId = answered is null ? null : c.AgentId,
                    AnsweredAt = answered,
                    TalkEndedAt = talkEnd,
                    Rating = c.Rating,
                    RatedAt = c.Rating is null ? null : talkEnd?.AddSeconds(10),
                    AbandonedIn = c.Abandoned,
                    AbandonedAt = c.Abandoned is null ? null : c.ArrivedAt.AddMinutes(1),
                    EndedAt = (talkEnd ?? c.ArrivedAt).AddSeconds(30),
                };
            }));
            await db.SaveChangesAsync();
            return 0;
        });

    /// <summary>Work orders written as they were on a past (or present) day, the way imported history is.</summary>
    internal static Task SeedWorkOrdersAsync(IServiceProvider services, int platformId, DateTimeOffset at,
        params (string? Category, WorkOrderChannel Channel, CallerType CallerType)[] orders)
        => RoutingTestData.WithDatabaseAsync(services, async db =>
        {
            var owner = await db.Users.IgnoreQueryFilters().OrderBy(u => u.Id).Select(u => new { u.Id, u.UserName }).FirstAsync();
            foreach (var (category, channel, callerType) in orders)
            {
                var order = WorkOrder.Register(platformId, Unique.Code("T"), owner.Id, owner.UserName ?? "admin", at, at.AddDays(7));
                order.CategoryCode = category;
                order.CategoryId = category is null ? null : await db.Categories.Where(c => c.Code == category).Select(c => (int?)c.Id).SingleAsync();
                order.Channel = channel;
                order.CallerType = callerType;
                order.Question = "历史工单";
                db.WorkOrders.Add(order);
            }

            await db.SaveChangesAsync();
            return 0;
        });

    internal static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Theory, DatabaseData]
    public async Task Every_breakdown_is_exact_on_seeded_records_with_year_on_year_and_scoped_to_the_callers_platforms(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (city, a, b) = await admin.CreateCityWithDistrictsAsync();
        var firm = await admin.CreateLawFirmAsync(a.Id);
        var lawyer = await admin.CreateAgentAsync(a.Id, firm.Id);
        var today = KpiDefinitions.DayOf(factory.Clock.GetUtcNow());
        var (start, _) = KpiDefinitions.DayBounds(today);
        var (lastYearStart, _) = KpiDefinitions.DayBounds(today.AddYears(-1));

        await SeedCallsAsync(factory.Services, a.Id,
            new Call(start.AddHours(1), "湖北省", "武汉市") { WaitSeconds = 5, TalkSeconds = 60, Rating = CallRating.Satisfied, AgentId = lawyer.Id },
            new Call(start.AddHours(1.5), "湖北省", "武汉市") { WaitSeconds = 10, TalkSeconds = 120, Rating = CallRating.Dissatisfied, AgentId = lawyer.Id },
            new Call(start.AddHours(9), "湖北省", "宜昌市") { Abandoned = AbandonedIn.Queue },
            new Call(start.AddHours(9.2), "广东省", "广州市") { WaitSeconds = 30 },
            new Call(start.AddHours(10), null, null) { Queued = false });
        await SeedCallsAsync(factory.Services, a.Id, new Call(lastYearStart.AddHours(9), "湖北省", "武汉市") { WaitSeconds = 3 });

        // Work orders of A today: three wage arrears (one completed on the line), a divorce, one unclassified; a year ago:
        // one wage arrears and two divorces. District B: one divorce today (in the city's figures, not in A's).
        await admin.PostOkAsync<WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(a.Id, WorkOrderTestData.WageArrears, completeWith: WorkOrderOutcome.AnsweredOnLine));
        await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(a.Id, WorkOrderTestData.WageArrears));
        await SeedWorkOrdersAsync(factory.Services, a.Id, start.AddHours(11),
            (WorkOrderTestData.WageArrears, WorkOrderChannel.WebChat, CallerType.Elderly),
            (WorkOrderTestData.Divorce, WorkOrderChannel.Phone, CallerType.Elderly),
            (null, WorkOrderChannel.Phone, CallerType.Unspecified));
        await SeedWorkOrdersAsync(factory.Services, a.Id, lastYearStart.AddHours(11),
            (WorkOrderTestData.WageArrears, WorkOrderChannel.Phone, CallerType.MigrantWorker),
            (WorkOrderTestData.Divorce, WorkOrderChannel.Phone, CallerType.Elderly),
            (WorkOrderTestData.Divorce, WorkOrderChannel.Phone, CallerType.Elderly));
        await SeedWorkOrdersAsync(factory.Services, b.Id, start.AddHours(12), (WorkOrderTestData.Divorce, WorkOrderChannel.Phone, CallerType.Woman));
        await factory.Services.GetRequiredService<RollupWorker>().DrainAsync(CancellationToken.None);
        var period = $"from={Day(today)}&to={Day(today)}";

        // Categories at level 2 (民事 › 劳动争议 / 婚姻家庭): counts, shares, growth, fastest growing, top-1 share.
        var categories = await admin.GetOkAsync<CategoryReport>($"/api/analytics/categories?{period}&platform={a.Id}&level=2&top=1");
        Assert.Equal(5, categories.Total);
        Assert.Equal(3, categories.PreviousYearTotal);
        var labour = categories.Rows[0];
        Assert.Equal(("MS.06", 3L, 0.6, 1L, 2.0, true), (labour.Code, labour.Count, labour.Share!.Value, labour.PreviousYear, labour.YearOnYear!.Value, labour.FastGrowing));
        var names = await factory.WithDatabaseAsync(db => db.Categories.Where(c => c.Code == "MS.06" || c.Code == "MS.02").ToDictionaryAsync(c => c.Code, c => c.Name));
        Assert.Equal(names["MS.06"], labour.Name);
        var family = categories.Rows.Single(r => r.Code == "MS.02");
        Assert.Equal((1L, 2L, -0.5, false, names["MS.02"]), (family.Count, family.PreviousYear, family.YearOnYear!.Value, family.FastGrowing, family.Name));
        Assert.Equal(1, categories.Rows.Single(r => r.Code == "").Count);
        Assert.Equal(0.6, categories.TopShare);
        Assert.Equal(["MS.06"], categories.FastestGrowing.Select(r => r.Code));
        // Within 民事 only the four classified orders count: the largest category makes 75 % of them.
        var civil = await admin.GetOkAsync<CategoryReport>($"/api/analytics/categories?{period}&platform={a.Id}&level=2&parent=MS&top=1");
        Assert.Equal(4, civil.Total);
        Assert.Equal(0.75, civil.TopShare);
        // The city includes district B's divorce.
        var wholeCity = await admin.GetOkAsync<CategoryReport>($"/api/analytics/categories?{period}&platform={city.Id}&level=2");
        Assert.Equal(2, wholeCity.Rows.Single(r => r.Code == "MS.02").Count);
        await ExpectFieldErrorAsync(admin, $"/api/analytics/categories?{period}&platform={a.Id}&level=9", "level");

        // Trend: today's figures and the same day a year before.
        var trend = await admin.GetOkAsync<TrendReport>($"/api/analytics/trend?{period}&platform={a.Id}&grain=Day");
        var point = Assert.Single(trend.Points);
        Assert.Equal(new TrendFigures(5, 4, 3, 0.75, 2, 0.5, 5, 1, 0.2), point.Current);
        Assert.Equal(1, point.PreviousYear.Inbound);
        Assert.Equal(4.0, point.InboundYearOnYear);
        var month = await admin.GetOkAsync<TrendReport>($"/api/analytics/trend?from={Day(today.AddDays(-40))}&to={Day(today)}&platform={a.Id}&grain=Month");
        Assert.Equal(5, month.Points[^1].Current.Inbound);
        Assert.Equal(5, month.Points.Sum(p => p.Current.Inbound));
        Assert.Equal(41, month.Points.Sum(p => p.To.DayNumber - p.From.DayNumber + 1));

        // Weeks run Monday to Sunday, clipped to the period.
        var weeks = await admin.GetOkAsync<TrendReport>($"/api/analytics/trend?from={Day(today.AddDays(-20))}&to={Day(today)}&platform={a.Id}&grain=Week");
        Assert.Equal(today.AddDays(-20), weeks.Points[0].From);
        Assert.All(weeks.Points.SkipLast(1), p => Assert.Equal(DayOfWeek.Sunday, p.To.DayOfWeek));
        Assert.All(weeks.Points.Skip(1), p => Assert.Equal(DayOfWeek.Monday, p.From.DayOfWeek));
        Assert.Equal(today, weeks.Points[^1].To);
        Assert.Equal(5, weeks.Points[^1].Current.Inbound);

        // Regions: by province, then the cities of one province; 广东省 is out of 湖北省武汉市's region.
        var regions = await admin.GetOkAsync<RegionReport>($"/api/analytics/regions?{period}&platform={a.Id}");
        Assert.Equal((5L, 4L, 1L, 0.25), (regions.Inbound, regions.RegionKnown, regions.OutOfRegion, regions.OutOfRegionShare!.Value));
        Assert.Equal(["湖北省", "", "广东省"], regions.Rows.Select(r => r.Name));
        var hubei = regions.Rows[0];
        Assert.Equal((3L, 2L, 0.6, 1L, 2.0), (hubei.Inbound, hubei.Answered, hubei.Share!.Value, hubei.PreviousYear, hubei.YearOnYear!.Value));
        Assert.Equal(1, regions.Rows.Single(r => r.Name == "广东省").OutOfRegion);
        Assert.Equal(4.0, regions.YearOnYear);
        var cities = await admin.GetOkAsync<RegionReport>($"/api/analytics/regions?{period}&platform={a.Id}&province=湖北省");
        Assert.Equal([("武汉市", 2L), ("宜昌市", 1L)], cities.Rows.Select(r => (r.Name, r.Inbound)));

        // Heatmap: today's weekday, Beijing hours 1, 9 and 10.
        var heatmap = await admin.GetOkAsync<HeatmapReport>($"/api/analytics/heatmap?{period}&platform={a.Id}");
        var weekday = ((int)today.DayOfWeek + 6) % 7;
        Assert.Equal((2L, 2L, 1L, 2L), (heatmap.Inbound[weekday][1], heatmap.Inbound[weekday][9], heatmap.Inbound[weekday][10], heatmap.Max));
        Assert.Equal(5, heatmap.Inbound.SelectMany(h => h).Sum());

        // Supply vs demand: four asked for the labour skill, three were answered; one asked a year ago.
        var skill = Assert.Single((await admin.GetOkAsync<SkillReport>($"/api/analytics/skills?{period}&platform={a.Id}")).Rows);
        Assert.Equal(("LABOR", 4L, 3L, 1L, 0.75, 1L, 3.0), (skill.Code, skill.Requests, skill.Answered, skill.Abandoned, skill.ConnectionRate!.Value,
            skill.PreviousYearRequests, skill.RequestsYearOnYear!.Value));

        // Agents: the lawyer answered two (60 s and 120 s of talk), one satisfied and one dissatisfied.
        var agent = Assert.Single((await admin.GetOkAsync<AgentReport>($"/api/analytics/agents?{period}&platform={a.Id}")).Rows);
        Assert.Equal((lawyer.Name, 2L, 90.0, 2L, 0.5), (agent.Name, agent.Answered, agent.AverageTalkSeconds!.Value, agent.Rated, agent.SatisfactionRate!.Value));

        var channels = await admin.GetOkAsync<ChannelReport>($"/api/analytics/channels?{period}&platform={a.Id}");
        Assert.Equal([(WorkOrderChannel.Phone, 4L, 1L, 3L), (WorkOrderChannel.WebChat, 1L, 0L, 0L)],
            channels.Rows.Select(r => (r.Channel, r.Created, r.Completed, r.PreviousYear)));
        var types = await admin.GetOkAsync<CallerTypeReport>($"/api/analytics/caller-types?{period}&platform={a.Id}");
        Assert.Equal(5, types.Total);
        Assert.Equal((2L, 1L, 1.0), types.Rows.Where(r => r.CallerType == CallerType.MigrantWorker).Select(r => (r.Created, r.PreviousYear, r.YearOnYear!.Value)).Single());
        Assert.Equal((2L, 2L, 0.0), types.Rows.Where(r => r.CallerType == CallerType.Elderly).Select(r => (r.Created, r.PreviousYear, r.YearOnYear!.Value)).Single());

        // The Excel export of the category table holds the same rows.
        var response = await admin.GetAsync($"/api/analytics/categories?{period}&platform={a.Id}&level=2&top=1&format=xlsx");
        await ApiClient.ExpectStatusAsync(response, HttpStatusCode.OK);
        await using (var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync()))
        {
            var rows = ReadSheet(stream);
            Assert.Equal(["编码", "类别", "工单量", "占比", "去年同期", "同比增长", "快速增长"], rows[0]);
            Assert.Equal(["MS.06", names["MS.06"], "3", "60.00%", "1", "200.00%", "是"], rows[1]);
            Assert.Equal(4, rows.Count);
        }

        // The KPI workbook: the cards' figures with their changes (5 inbound calls, +400 % on the 1 of a year ago).
        var kpiFile = await admin.GetAsync($"/api/analytics/kpis.xlsx?{period}&platform={a.Id}");
        await ApiClient.ExpectStatusAsync(kpiFile, HttpStatusCode.OK);
        await using (var stream = new MemoryStream(await kpiFile.Content.ReadAsByteArrayAsync()))
        {
            var rows = ReadSheet(stream);
            Assert.Equal(["指标", "本期", "去年同期", "同比", "上期", "环比"], rows[0]);
            Assert.Equal(["呼入总量", "5", "1", "+400.00%", "0", ""], rows[1]);
            Assert.Contains(["接通率", "75.00%", "100.00%", "-25.00 pt", "", ""], rows);
        }

        // A supervisor of district B sees B (empty of A's records) and nothing of A; an agent may not read statistics.
        using var supervisorB = await factory.CreateUserAndSignInAsync(admin, b.Id, LawlineRoles.Supervisor);
        var own = await supervisorB.GetOkAsync<CategoryReport>($"/api/analytics/categories?{period}&platform={b.Id}&level=2");
        Assert.Equal(1, own.Total);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisorB.GetAsync($"/api/analytics/regions?{period}&platform={a.Id}")).StatusCode);
        // Without a platform a supervisor's figures cover only their own platforms.
        var visible = await supervisorB.GetOkAsync<TrendReport>($"/api/analytics/trend?{period}");
        Assert.Equal(1, visible.Points.Single().Current.WorkOrdersCreated);
        using var agentUser = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Agent);
        Assert.Equal(HttpStatusCode.Forbidden, (await agentUser.GetAsync($"/api/analytics/categories?{period}&platform={a.Id}")).StatusCode);
        await ExpectFieldErrorAsync(admin, $"/api/analytics/trend?from={Day(today)}&to={Day(today.AddDays(-1))}&platform={a.Id}", "to");
    }

    private static async Task ExpectFieldErrorAsync(ApiClient client, string url, string field)
        => await ApiClient.ReadFieldErrorAsync(await client.GetAsync(url), field);

    internal static List<List<string>> ReadSheet(Stream stream)
    {
        using var document = SpreadsheetDocument.Open(stream, false);
        return document.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<Row>()
            .Select(r => r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.InnerText ?? "").ToList()).ToList();
    }
}
