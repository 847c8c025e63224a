using System.Net;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Routing.Live;
using Lawline.Server.Satisfaction;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Satisfaction;

/// <summary>
/// The satisfaction KPIs (design.md: 评价率 = rated ÷ answered, 满意率 = (满意 + 基本满意) ÷ rated, strict = 满意 ÷ rated,
/// 回访 coverage) from seeded call records and work orders, exact to the service, on both databases; and who may see them.
/// </summary>
public sealed class SatisfactionKpisTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    // A past period of two Beijing days: 2025-03-10 00:00 +08:00 is 2025-03-09 16:00 UTC.
    private static readonly DateTimeOffset Day0 = new(2025, 3, 10, 0, 0, 0, TimeSpan.FromHours(8));
    private const string Period = "from=2025-03-10&to=2025-03-11";

    private sealed record Seeded(int City, int District, int Lawyer1, int Lawyer2);

    private static CallRecord Call(int platformId, int? agentId, string skill, DateTimeOffset arrived, bool answered, CallRating? rating,
        CallChannel channel = CallChannel.Inbound) => new()
    {
        PlatformId = platformId,
        Channel = channel,
        CallerLeg = "leg-" + Guid.NewGuid().ToString("N")[..12],
        SipCallId = Guid.NewGuid().ToString("N"),
        CallerNumber = Unique.Mobile(),
        DialedNumber = "12348",
        ArrivedAt = arrived.ToUniversalTime(),
        SkillCode = skill,
        QueuedAt = arrived.ToUniversalTime().AddSeconds(10),
        AnsweredAt = answered ? arrived.ToUniversalTime().AddSeconds(20) : null,
        AbandonedIn = answered ? null : AbandonedIn.Queue,
        AgentId = answered ? agentId : null,
        Rating = rating,
        RatedAt = rating is null ? null : arrived.ToUniversalTime().AddMinutes(5),
        EndedAt = arrived.ToUniversalTime().AddMinutes(5),
    };

    private static async Task<Seeded> SeedAsync(LawlineFactory factory, ApiClient admin)
    {
        var city = await admin.CreatePlatformAsync();
        var district = await admin.CreatePlatformAsync(parentId: city.Id);
        var cityFirm = await admin.CreateLawFirmAsync(city.Id);
        var districtFirm = await admin.CreateLawFirmAsync(district.Id);
        var lawyer1 = await admin.CreateAgentAsync(city.Id, cityFirm.Id);
        var lawyer2 = await admin.CreateAgentAsync(district.Id, districtFirm.Id);

        await factory.WithDatabaseAsync(async db =>
        {
            var owner = await db.Users.Select(u => u.Id).FirstAsync();
            // City, lawyer 1, labour: rated 满意 at exactly Beijing midnight (in), 基本满意, one unrated, and one 不满意 a
            // second before the period (out); a caller who hung up in the queue and a platform callback call are no services.
            var c1 = Call(city.Id, lawyer1.Id, "LABOR", Day0, true, CallRating.Satisfied);
            var c2 = Call(city.Id, lawyer1.Id, "LABOR", Day0.AddHours(10), true, CallRating.BasicallySatisfied);
            var c3 = Call(city.Id, lawyer1.Id, "LABOR", Day0.AddHours(11), true, null);
            var c4 = Call(city.Id, lawyer1.Id, "LABOR", Day0.AddSeconds(-1), true, CallRating.Dissatisfied);
            var c5 = Call(city.Id, lawyer1.Id, "LABOR", Day0.AddHours(12), false, null);
            var c9 = Call(city.Id, lawyer1.Id, "LABOR", Day0.AddHours(13), true, CallRating.Satisfied, CallChannel.Callback);
            // District, lawyer 2, family: 不满意 and 满意 on the second day; a call at the end of the period (out).
            var c6 = Call(district.Id, lawyer2.Id, "FAMILY", Day0.AddDays(1).AddHours(9), true, CallRating.Dissatisfied);
            var c7 = Call(district.Id, lawyer2.Id, "FAMILY", Day0.AddDays(1).AddHours(10), true, CallRating.Satisfied);
            var c8 = Call(district.Id, lawyer2.Id, "FAMILY", Day0.AddDays(2), true, CallRating.Satisfied);
            db.CallRecords.AddRange(c1, c2, c3, c4, c5, c6, c7, c8, c9);

            // A web consultation's work order rated 满意: a service of its own. A phone work order and a web order bound to
            // a call carry the call's rating and must not count twice.
            var web = Order(district.Id, lawyer2.Id, WorkOrderChannel.WebChat, Day0.AddDays(1).AddHours(14), owner, CallRating.Satisfied);
            var phone = Order(city.Id, lawyer1.Id, WorkOrderChannel.Phone, Day0.AddHours(10), owner, CallRating.BasicallySatisfied);
            var bound = Order(district.Id, lawyer2.Id, WorkOrderChannel.WebChat, Day0.AddDays(1).AddHours(10), owner, CallRating.Satisfied);
            db.WorkOrders.AddRange(web, phone, bound);
            await db.SaveChangesAsync();
            c2.WorkOrderId = phone.Id;
            c7.WorkOrderId = bound.Id;

            // 回访: c2's is done, c6's pending; c4's was opened before the period.
            db.CallbackTasks.AddRange(
                LowRatingTask(city.Id, c2, Day0.AddHours(10).AddMinutes(5), CallbackStatus.Done),
                LowRatingTask(district.Id, c6, Day0.AddDays(1).AddHours(9).AddMinutes(5), CallbackStatus.Pending),
                LowRatingTask(city.Id, c4, Day0.AddMinutes(-1), CallbackStatus.Done));
            await db.SaveChangesAsync();
            return 0;
        });
        return new Seeded(city.Id, district.Id, lawyer1.Id, lawyer2.Id);
    }

    private static WorkOrder Order(int platformId, int agentId, WorkOrderChannel channel, DateTimeOffset at, int owner, CallRating rating)
    {
        var order = WorkOrder.Register(platformId, "WO-" + Guid.NewGuid().ToString("N")[..16], owner, "测试", at.ToUniversalTime(), at.ToUniversalTime().AddDays(3));
        order.Channel = channel;
        order.AgentId = agentId;
        order.Rate(rating, at.ToUniversalTime().AddMinutes(10));
        return order;
    }

    private static CallbackTask LowRatingTask(int platformId, CallRecord call, DateTimeOffset at, CallbackStatus status) => new()
    {
        PlatformId = platformId,
        Kind = CallbackKind.LowRating,
        Status = status,
        CallerNumber = call.CallerNumber,
        CallRecordId = call.Id,
        CreatedAt = at.ToUniversalTime(),
        DueAt = at.ToUniversalTime().AddDays(1),
    };

    private static void AssertCounts(SatisfactionCounts counts, int answered, int rated, int satisfied, int basically, int dissatisfied, int callbacks, int done)
        => Assert.Equal((answered, rated, satisfied, basically, dissatisfied, callbacks, done),
            (counts.Answered, counts.Rated, counts.Satisfied, counts.BasicallySatisfied, counts.Dissatisfied, counts.Callbacks, counts.CallbacksDone));

    [Theory, DatabaseData]
    public async Task The_kpis_count_each_service_once_in_Beijing_days_per_lawyer_skill_platform_and_day(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var s = await SeedAsync(factory, admin);
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, s.City, LawlineRoles.Supervisor);
        // Past days with nothing waiting for the rollup worker: the phone services come from the call rollup.
        await factory.Services.GetRequiredService<Lawline.Server.Analytics.RollupWorker>().DrainAsync(CancellationToken.None);

        var byAgent = await supervisor.GetOkAsync<SatisfactionKpiTable>($"/api/satisfaction/kpis?{Period}&platformId={s.City}&groupBy=Agent");
        // The city rolls up its district: calls 1, 2, 3, 6, 7 and the web consultation.
        AssertCounts(byAgent.Total.Counts, 6, 5, 3, 1, 1, 2, 1);
        Assert.Equal(5.0 / 6, byAgent.Total.Counts.RatingRate!.Value, 10);
        Assert.Equal(0.8, byAgent.Total.Counts.SatisfactionRate!.Value, 10);
        Assert.Equal(0.6, byAgent.Total.Counts.StrictSatisfactionRate!.Value, 10);
        Assert.Equal(2, byAgent.Total.Counts.LowRatings);
        Assert.Equal(0.5, byAgent.Total.Counts.CallbackCoverage);
        var lawyer1 = Assert.Single(byAgent.Rows, r => r.Id == s.Lawyer1);
        AssertCounts(lawyer1.Counts, 3, 2, 1, 1, 0, 1, 1);
        Assert.Equal(1.0, lawyer1.Counts.SatisfactionRate);
        Assert.Equal(0.5, lawyer1.Counts.StrictSatisfactionRate);
        var lawyer2 = Assert.Single(byAgent.Rows, r => r.Id == s.Lawyer2);
        AssertCounts(lawyer2.Counts, 3, 3, 2, 0, 1, 1, 0);
        Assert.Equal(2, byAgent.Rows.Count);

        var bySkill = await supervisor.GetOkAsync<SatisfactionKpiTable>($"/api/satisfaction/kpis?{Period}&platformId={s.City}&groupBy=Skill");
        AssertCounts(Assert.Single(bySkill.Rows, r => r.Code == "LABOR").Counts, 3, 2, 1, 1, 0, 1, 1);
        AssertCounts(Assert.Single(bySkill.Rows, r => r.Code == "FAMILY").Counts, 2, 2, 1, 0, 1, 1, 0);
        AssertCounts(Assert.Single(bySkill.Rows, r => r.Code == null).Counts, 1, 1, 1, 0, 0, 0, 0);

        var byPlatform = await supervisor.GetOkAsync<SatisfactionKpiTable>($"/api/satisfaction/kpis?{Period}&platformId={s.City}&groupBy=Platform");
        AssertCounts(Assert.Single(byPlatform.Rows, r => r.Id == s.City).Counts, 3, 2, 1, 1, 0, 1, 1);
        AssertCounts(Assert.Single(byPlatform.Rows, r => r.Id == s.District).Counts, 3, 3, 2, 0, 1, 1, 0);

        var byDay = await supervisor.GetOkAsync<SatisfactionKpiTable>($"/api/satisfaction/kpis?{Period}&platformId={s.City}&groupBy=Day");
        Assert.Equal([new DateOnly(2025, 3, 10), new DateOnly(2025, 3, 11)], byDay.Rows.Select(r => r.PeriodStart!.Value));
        AssertCounts(byDay.Rows[0].Counts, 3, 2, 1, 1, 0, 1, 1);
        AssertCounts(byDay.Rows[1].Counts, 3, 3, 2, 0, 1, 1, 0);

        // The district alone, and a one-day period.
        var district = await supervisor.GetOkAsync<SatisfactionKpiTable>($"/api/satisfaction/kpis?{Period}&platformId={s.District}&groupBy=Agent");
        AssertCounts(district.Total.Counts, 3, 3, 2, 0, 1, 1, 0);
        var firstDay = await supervisor.GetOkAsync<SatisfactionKpiTable>($"/api/satisfaction/kpis?from=2025-03-10&to=2025-03-10&platformId={s.City}&groupBy=Platform");
        AssertCounts(firstDay.Total.Counts, 3, 2, 1, 1, 0, 1, 1);

        // The Excel file holds the same table.
        var response = await supervisor.GetAsync($"/api/satisfaction/kpis.xlsx?{Period}&platformId={s.City}&groupBy=Agent");
        await ApiClient.ExpectStatusAsync(response, HttpStatusCode.OK);
        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        using var document = SpreadsheetDocument.Open(stream, false);
        var rows = document.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<Row>()
            .Select(r => r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.InnerText ?? "").ToList()).ToList();
        Assert.Equal(SatisfactionKpiExport.Headers, rows[0]);
        var total = rows[^1];
        Assert.Equal(["合计", "6", "5", "3", "1", "1", "83.33%", "80.00%", "60.00%", "2", "2", "1", "50.00%"], total);

        // Days with a change still waiting for the rollup worker are read from the raw records: the same figures.
        await factory.WithDatabaseAsync(async db =>
        {
            foreach (var platformId in new[] { s.City, s.District })
            {
                db.RollupMarks.Add(new Lawline.Server.Analytics.RollupMark { PlatformId = platformId, Day = new DateOnly(2025, 3, 10) });
                db.RollupMarks.Add(new Lawline.Server.Analytics.RollupMark { PlatformId = platformId, Day = new DateOnly(2025, 3, 11) });
            }

            await db.SaveChangesAsync();
            return 0;
        });
        foreach (var (grouping, before) in new[] { ("Agent", byAgent), ("Skill", bySkill), ("Platform", byPlatform), ("Day", byDay) })
        {
            var raw = await supervisor.GetOkAsync<SatisfactionKpiTable>($"/api/satisfaction/kpis?{Period}&platformId={s.City}&groupBy={grouping}");
            Assert.Equal(before.Rows, raw.Rows);
            Assert.Equal(before.Total, raw.Total);
        }

        await factory.Services.GetRequiredService<Lawline.Server.Analytics.RollupWorker>().DrainAsync(CancellationToken.None);
    }

    [Theory, DatabaseData]
    public async Task A_lawyer_sees_only_their_own_figures_and_another_platform_sees_none(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var s = await SeedAsync(factory, admin);

        // Today: one rated call of lawyer 1.
        var start = WallboardService.StartOfDay(factory.Clock.GetUtcNow());
        await factory.WithDatabaseAsync(async db =>
        {
            db.CallRecords.Add(Call(s.City, s.Lawyer1, "LABOR", start.AddSeconds(1), true, CallRating.Satisfied));
            db.CallRecords.Add(Call(s.City, s.Lawyer1, "LABOR", start.AddSeconds(2), true, null));
            await db.SaveChangesAsync();
            return 0;
        });

        var user = await admin.PostOkAsync<UserDto>("/api/users",
            new CreateUserRequest(Unique.UserName("lawyer"), "律师一", TestData.UserPassword, s.City, [LawlineRoles.Agent], s.Lawyer1));
        using var lawyer = await factory.SignInAsync(user.UserName, TestData.UserPassword);
        var mine = await lawyer.GetOkAsync<MySatisfactionDto>("/api/satisfaction/kpis/me");
        Assert.Equal(s.Lawyer1, mine.AgentId);
        AssertCounts(mine.Today, 2, 1, 1, 0, 0, 0, 0);
        Assert.Equal(0.5, mine.Today.RatingRate);
        Assert.Equal(1.0, mine.Today.SatisfactionRate);
        Assert.True(mine.ThisMonth.Answered >= 2);

        // A lawyer is refused everyone's table, the Excel file and another lawyer's ratings.
        await ApiClient.ExpectStatusAsync(await lawyer.GetAsync($"/api/satisfaction/kpis?{Period}"), HttpStatusCode.Forbidden);
        await ApiClient.ExpectStatusAsync(await lawyer.GetAsync($"/api/satisfaction/kpis.xlsx?{Period}"), HttpStatusCode.Forbidden);
        await ApiClient.ExpectStatusAsync(await lawyer.GetAsync($"/api/satisfaction/agents/{s.Lawyer2}/ratings"), HttpStatusCode.Forbidden);

        // Another platform's supervisor sees none of it.
        var other = await admin.CreatePlatformAsync();
        using var stranger = await factory.CreateUserAndSignInAsync(admin, other.Id, LawlineRoles.Supervisor);
        var theirs = await stranger.GetOkAsync<SatisfactionKpiTable>($"/api/satisfaction/kpis?{Period}&groupBy=Agent");
        Assert.Equal(0, theirs.Total.Counts.Answered);
        Assert.Empty(theirs.Rows);
        await ApiClient.ReadFieldErrorAsync(await stranger.GetAsync($"/api/satisfaction/kpis?{Period}&platformId={s.City}"), "platformId");

        // The district's QA inspector sees the district, not the city above it.
        using var qa = await factory.CreateUserAndSignInAsync(admin, s.District, LawlineRoles.QaInspector);
        var qaTable = await qa.GetOkAsync<SatisfactionKpiTable>($"/api/satisfaction/kpis?{Period}&groupBy=Platform");
        Assert.Equal([s.District], qaTable.Rows.Select(r => r.Id!.Value));

        // Mistakes are field errors, not 500s.
        await ApiClient.ReadFieldErrorAsync(await stranger.GetAsync("/api/satisfaction/kpis?from=2025-03-12&to=2025-03-10"), "to");
        await ApiClient.ReadFieldErrorAsync(await stranger.GetAsync("/api/satisfaction/kpis?from=2024-01-01&to=2025-06-01"), "to");
        await ApiClient.ReadFieldErrorAsync(await stranger.GetAsync("/api/satisfaction/kpis?from=2025-01-01&to=2025-06-01&groupBy=Day"), "groupBy");
    }

    [Theory, DatabaseData]
    public async Task The_wallboard_shows_today_s_satisfaction_and_it_changes_when_a_rating_arrives(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);
        var lawyer = await admin.CreateAgentAsync(platform.Id, firm.Id);
        factory.Services.GetRequiredService<CallRouter>().Configure(
            await factory.Services.GetRequiredService<RoutingDirectory>().RefreshAsync(CancellationToken.None));
        var start = WallboardService.StartOfDay(factory.Clock.GetUtcNow());
        var ids = await factory.WithDatabaseAsync(async db =>
        {
            var rated = Call(platform.Id, lawyer.Id, "LABOR", start.AddSeconds(1), true, CallRating.Satisfied);
            var pending = Call(platform.Id, lawyer.Id, "LABOR", start.AddSeconds(2), true, null);
            db.CallRecords.AddRange(rated, pending);
            await db.SaveChangesAsync();
            return pending.Id;
        });

        using var supervisor = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Supervisor);
        factory.Clock.Advance(TimeSpan.FromSeconds(5));
        var before = Assert.Single((await supervisor.GetOkAsync<WallboardView>("/api/routing/wallboard")).Platforms, p => p.PlatformId == platform.Id).Satisfaction!;
        AssertCounts(before, 2, 1, 1, 0, 0, 0, 0);
        Assert.Equal(0.5, before.RatingRate);
        Assert.Equal(1.0, before.SatisfactionRate);

        // The caller of the second call presses 3 (不满意): written the way the call flow writes it.
        await factory.Services.GetRequiredService<CallRecordStore>().RateAsync(ids, CallRating.Dissatisfied, factory.Clock.GetUtcNow());
        factory.Clock.Advance(TimeSpan.FromSeconds(5));
        var after = Assert.Single((await supervisor.GetOkAsync<WallboardView>("/api/routing/wallboard")).Platforms, p => p.PlatformId == platform.Id).Satisfaction!;
        AssertCounts(after, 2, 2, 1, 0, 1, 0, 0);
        Assert.Equal(1.0, after.RatingRate);
        Assert.Equal(0.5, after.SatisfactionRate);
        Assert.Equal(0.5, after.StrictSatisfactionRate);
    }
}
