using System.Net;
using Lawline.Server.Analytics;
using Lawline.Server.Analytics.Monitoring;
using Lawline.Server.Analytics.Topics;
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
/// Monitoring and hot topics (issue 9): a repeat caller raises one alert per number and window that the managers
/// follow up; a category or province far above its baseline raises one surge alert (on the wallboard too); rising
/// question terms come first with their example work orders, and a saved topic is counted week by week.
/// </summary>
public sealed class MonitoringTests(ManualRollupInstallations installations) : IClassFixture<ManualRollupInstallations>
{
    private static Task<long> SeedCallAsync(LawlineFactory factory, int platformId, string number, DateTimeOffset at)
        => factory.WithDatabaseAsync(async db =>
        {
            var record = new CallRecord
            {
                PlatformId = platformId, Channel = CallChannel.Inbound, CallerLeg = "leg-" + Guid.NewGuid().ToString("N")[..12],
                SipCallId = Guid.NewGuid().ToString("N"), CallerNumber = number, DialedNumber = "12348", ArrivedAt = at, EndedAt = at.AddMinutes(3),
            };
            db.CallRecords.Add(record);
            await db.SaveChangesAsync();
            return record.Id;
        });

    /// <summary>A call arriving now, opened by the call flow's own store and checked as the call flow checks it.</summary>
    private static async Task<bool> ArriveAsync(LawlineFactory factory, int platformId, string number)
    {
        var store = factory.Services.GetRequiredService<CallRecordStore>();
        var id = await store.OpenAsync(platformId, CallChannel.Inbound, "leg-" + Guid.NewGuid().ToString("N")[..12], Guid.NewGuid().ToString("N"), number, "12348", CancellationToken.None);
        return await factory.Services.GetRequiredService<RepeatCallerMonitor>().CheckAsync(platformId, id, CancellationToken.None);
    }

    [Theory, DatabaseData]
    public async Task A_number_calling_three_times_within_seven_days_raises_one_alert_that_managers_follow_up(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (_, a, b) = await admin.CreateCityWithDistrictsAsync();
        var number = "+8613912340000";
        var now = factory.Clock.GetUtcNow();
        await SeedCallAsync(factory, a.Id, number, now.AddDays(-5));
        // A call to another platform does not count for this one.
        await SeedCallAsync(factory, b.Id, number, now.AddDays(-1));

        Assert.False(await ArriveAsync(factory, a.Id, "13912340000"));
        Assert.Empty(await admin.GetOkAsync<List<MonitoringAlertDto>>($"/api/analytics/alerts?platform={a.Id}"));

        Assert.True(await ArriveAsync(factory, a.Id, "13912340000"));
        Assert.True(await ArriveAsync(factory, a.Id, "13912340000"));
        var alert = Assert.Single(await admin.GetOkAsync<List<MonitoringAlertDto>>($"/api/analytics/alerts?platform={a.Id}&kind=RepeatCaller"));
        Assert.Equal((MonitoringAlertKind.RepeatCaller, "139****0000", 4, 7, MonitoringAlertStatus.Open), (alert.Kind, alert.Subject, alert.Value, alert.WindowDays, alert.Status));

        // The supervisor of the district sees it and follows it up; the other district's supervisor does not see it.
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Supervisor);
        using var supervisorB = await factory.CreateUserAndSignInAsync(admin, b.Id, LawlineRoles.Supervisor);
        Assert.Empty(await supervisorB.GetOkAsync<List<MonitoringAlertDto>>("/api/analytics/alerts"));
        var assigned = await supervisor.PostOkAsync<MonitoringAlertDto>($"/api/analytics/alerts/{alert.Id}/assign", new AssignAlertRequest(null), HttpStatusCode.OK);
        Assert.Equal(MonitoringAlertStatus.Assigned, assigned.Status);
        Assert.Equal("测试用户", assigned.AssigneeName);
        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync($"/api/analytics/alerts/{alert.Id}/follow-up", new FollowUpAlertRequest(" ")), "note");
        var followed = await supervisor.PostOkAsync<MonitoringAlertDto>($"/api/analytics/alerts/{alert.Id}/follow-up",
            new FollowUpAlertRequest("中心主任已回电，指派李律师上门"), HttpStatusCode.OK);
        Assert.Equal((MonitoringAlertStatus.FollowedUp, "中心主任已回电，指派李律师上门"), (followed.Status, followed.FollowUpNote));
        var closed = await supervisor.PostOkAsync<MonitoringAlertDto>($"/api/analytics/alerts/{alert.Id}/close", new CloseAlertRequest(null), HttpStatusCode.OK);
        Assert.Equal(MonitoringAlertStatus.Closed, closed.Status);
        Assert.NotNull(closed.ClosedAt);

        // Supervisors read the rules, managers change them; a bad rule is a field error.
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PutAsync($"/api/analytics/alerts/settings/{a.Id}", new SaveMonitoringSettingsRequest(5, 7, 2, 10))).StatusCode);
        await ApiClient.ReadFieldErrorAsync(await admin.PutAsync($"/api/analytics/alerts/settings/{a.Id}", new SaveMonitoringSettingsRequest(1, 7, 2, 10)), "repeatCalls");
        await admin.PutOkAsync<MonitoringSettingsDto>($"/api/analytics/alerts/settings/{a.Id}", new SaveMonitoringSettingsRequest(5, 30, 2, 10));
        var other = "13800001111";
        await SeedCallAsync(factory, a.Id, "+86" + other, now.AddDays(-20));
        Assert.False(await ArriveAsync(factory, a.Id, other));
        Assert.False(await ArriveAsync(factory, a.Id, other));
        Assert.False(await ArriveAsync(factory, a.Id, other));
        Assert.True(await ArriveAsync(factory, a.Id, other));
        Assert.Contains(await admin.GetOkAsync<List<MonitoringAlertDto>>($"/api/analytics/alerts?platform={a.Id}&open=true"), x => x.Subject == "138****1111" && x.Value == 5);
    }

    [Theory, DatabaseData]
    public async Task A_category_or_province_far_above_its_baseline_raises_one_surge_alert_on_the_fifteen_minute_check(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (_, a, _) = await admin.CreateCityWithDistrictsAsync();
        var today = KpiDefinitions.DayOf(factory.Clock.GetUtcNow());
        await factory.WithDatabaseAsync(async db =>
        {
            for (var d = 1; d <= 28; d++)
            {
                var day = today.AddDays(-d);
                // Labour disputes (MS.06) ~2 a day; marriage (MS.02) ~5 a day and no higher today.
                db.WorkOrderDayStats.Add(new WorkOrderDayStat { PlatformId = a.Id, Day = day, CategoryCode = "MS.06.17.186.05", Channel = WorkOrderChannel.Phone, Type = WorkOrderType.Consultation, Created = 2 });
                db.WorkOrderDayStats.Add(new WorkOrderDayStat { PlatformId = a.Id, Day = day, CategoryCode = "MS.02.02.014", Channel = WorkOrderChannel.Phone, Type = WorkOrderType.Consultation, Created = 5 });
                db.WorkOrderRegionStats.Add(new WorkOrderRegionStat { PlatformId = a.Id, Day = day, Province = "湖北省", City = "武汉市", Created = 7 });
            }

            db.WorkOrderDayStats.Add(new WorkOrderDayStat { PlatformId = a.Id, Day = today, CategoryCode = "MS.06.17.186.05", Channel = WorkOrderChannel.Phone, Type = WorkOrderType.Consultation, Created = 9 });
            db.WorkOrderDayStats.Add(new WorkOrderDayStat { PlatformId = a.Id, Day = today, CategoryCode = "MS.06.01", Channel = WorkOrderChannel.WebChat, Type = WorkOrderType.Consultation, Created = 3 });
            db.WorkOrderDayStats.Add(new WorkOrderDayStat { PlatformId = a.Id, Day = today, CategoryCode = "MS.02.02.014", Channel = WorkOrderChannel.Phone, Type = WorkOrderType.Consultation, Created = 6 });
            db.WorkOrderRegionStats.Add(new WorkOrderRegionStat { PlatformId = a.Id, Day = today, Province = "湖北省", City = "武汉市", Created = 15 });
            db.WorkOrderRegionStats.Add(new WorkOrderRegionStat { PlatformId = a.Id, Day = today, Province = "河南省", City = "信阳市", Created = 3 });
            await db.SaveChangesAsync();
            return 0;
        });

        // The hosted check runs every 15 minutes of the (fake) clock.
        factory.Clock.Advance(TimeSpan.FromMinutes(15));
        var surges = await Wait.ForAsync(async () =>
        {
            var found = await admin.GetOkAsync<List<MonitoringAlertDto>>($"/api/analytics/alerts?platform={a.Id}&kind=Surge");
            return found.Count > 0 ? found : null;
        }, () => "no surge alert after the 15-minute check");
        // Labour disputes today: 12 against 2 a day (level 2 of the taxonomy, every channel). Marriage (6 vs 5) is not a
        // surge, nor is Hubei (15 vs 7 is ≥ 2 but the province's ratio is 2.14 — it is), nor Henan (3, under the minimum).
        var labour = Assert.Single(surges, s => s.Subject.StartsWith("MS.06", StringComparison.Ordinal) && s.WindowDays == 1);
        Assert.Equal((12, 2.0), (labour.Value, labour.Baseline));
        Assert.Equal("/work-orders?category=MS.06", labour.Link);
        Assert.DoesNotContain(surges, s => s.Subject.StartsWith("MS.02", StringComparison.Ordinal));
        Assert.Contains(surges, s => s.Subject == "湖北省" && s.WindowDays == 1 && s.Value == 15);
        Assert.DoesNotContain(surges, s => s.Subject == "河南省");

        // The wallboard shows the open surges beside its live alerts.
        var wallboard = await admin.GetOkAsync<Lawline.Server.Routing.Live.WallboardView>("/api/routing/wallboard");
        Assert.Contains(wallboard.Alerts, x => x.Kind == Lawline.Server.Routing.Live.WallboardAlertKind.Surge && x.PlatformId == a.Id && x.Subject == labour.Subject && x.Value == 12);

        // Checked again while open: nothing new.
        Assert.Equal(0, await admin.PostOkAsync<int>("/api/analytics/alerts/surge-check", null, HttpStatusCode.OK));
        Assert.Equal(surges.Count, (await admin.GetOkAsync<List<MonitoringAlertDto>>($"/api/analytics/alerts?platform={a.Id}&kind=Surge")).Count);
    }

    [Theory, DatabaseData]
    public async Task Wage_arrears_rising_against_the_baseline_tops_the_hot_topics_with_its_work_orders_and_a_saved_topic_counts_weekly(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (_, a, _) = await admin.CreateCityWithDistrictsAsync();
        var today = KpiDefinitions.DayOf(factory.Clock.GetUtcNow());
        var wage = new List<int>();
        await factory.WithDatabaseAsync(async db =>
        {
            var owner = await db.Users.IgnoreQueryFilters().MinAsync(u => u.Id);
            var n = 0;
            WorkOrder Order(DateOnly day, string question)
            {
                var (start, _) = KpiDefinitions.DayBounds(day);
                var order = WorkOrder.Register(a.Id, $"HT-{Guid.NewGuid():N}"[..20], owner, "admin", start.AddHours(10 + n++ % 8), start.AddDays(5));
                order.Question = question;
                order.Channel = WorkOrderChannel.Phone;
                db.WorkOrders.Add(order);
                return order;
            }

            // Baseline week (8–14 days ago): divorce questions, one about wages.
            for (var d = 8; d <= 14; d++)
            {
                Order(today.AddDays(-d), "请问离婚时孩子抚养权怎么判");
            }

            Order(today.AddDays(-10), "公司拖欠工资怎么办");
            // This week: wage arrears everywhere, divorce as before.
            for (var d = 0; d <= 6; d++)
            {
                Order(today.AddDays(-d), "请问离婚时孩子抚养权怎么判");
                Order(today.AddDays(-d), d % 2 == 0 ? "公司拖欠工资三个月不发怎么办" : d == 5 ? "老板欠薪，工资一直不给怎么办" : "包工头欠薪跑路了，工资找谁要");
            }

            await db.SaveChangesAsync();
            wage = await db.WorkOrders.Where(w => w.PlatformId == a.Id && w.Question.Contains("工资") && w.CreatedAt >= KpiDefinitions.DayBounds(today.AddDays(-6)).From)
                .Select(w => w.Id).ToListAsync();
            return 0;
        });
        var worker = factory.Services.GetRequiredService<RollupWorker>();
        await worker.DrainAsync(CancellationToken.None);
        // The term rollups kept as orders are written are the ones a rebuild from the raw questions gives.
        var incremental = await TermsAsync(factory, a.Id);
        Assert.Contains("工资", incremental.Select(t => t.Term));
        await worker.RebuildAsync(CancellationToken.None);
        Assert.Equal(incremental, await TermsAsync(factory, a.Id));

        var from = today.AddDays(-6).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var to = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var report = await admin.GetOkAsync<TopicReport>($"/api/analytics/topics?from={from}&to={to}&platform={a.Id}");
        var first = report.Rising[0];
        Assert.Equal("工资", first.Term);
        Assert.Equal((7, 1, 6), (first.Count, first.BaselineCount, first.Growth));
        Assert.Equal(3, first.Examples.Count);
        Assert.All(first.Examples, e => Assert.Contains(e.WorkOrderId, wage));
        // 欠薪 is not in SmartCn's dictionary (欠 / 薪): still one term.
        Assert.Contains(report.Rising, r => r.Term == "欠薪" && r.Count == 3 && r.BaselineCount == 0 && r.Examples.Count == 3);
        Assert.Contains(report.Rising, r => r.Term == "拖欠工资");
        // Divorce is asked as often as before: among the top terms, not rising. Filler words are never terms.
        Assert.DoesNotContain(report.Rising, r => r.Term == "离婚");
        Assert.Contains(report.Top, r => r.Term == "离婚" && r.Count == 7);
        Assert.DoesNotContain(report.Top, r => r.Term is "怎么办" or "请问");

        var saved = await admin.PostOkAsync<SavedTopicDto>("/api/analytics/topics/saved", new SaveTopicRequest(a.Id, "欠薪", ["欠薪", "拖欠工资"]), HttpStatusCode.OK);
        Assert.Equal(["欠薪", "拖欠工资"], saved.Terms);
        var listed = Assert.Single(await admin.GetOkAsync<List<SavedTopicDto>>($"/api/analytics/topics/saved?platform={a.Id}&weeks=4"));
        Assert.Equal(4, listed.Weeks.Count);
        // 4 拖欠工资 + 3 欠薪 this week and the baseline's one 拖欠工资 ten days ago, in the last of the four weeks or before.
        Assert.Equal(8, listed.Weeks.Sum(w => w.Count));
        Assert.True(listed.Weeks[^1].Count >= 1, "the current week counts this week's orders");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/analytics/topics/saved", new SaveTopicRequest(a.Id, "空", [])), "terms");
    }

    private static Task<List<(DateOnly Day, string Term, int Orders)>> TermsAsync(LawlineFactory factory, int platformId)
        => factory.WithDatabaseAsync(async db => (await db.TermDayStats.Where(s => s.PlatformId == platformId).ToListAsync())
            .Select(s => (s.Day, s.Term, s.Orders)).OrderBy(s => s.Day).ThenBy(s => s.Term, StringComparer.Ordinal).ToList());
}
