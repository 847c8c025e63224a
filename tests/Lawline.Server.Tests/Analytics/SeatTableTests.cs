using System.Net;
using Lawline.Server.Analytics;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Analytics;

/// <summary>
/// The seat and agent tables of issue 9 over the agent day rollup: signed-in time from seat sessions clipped to Beijing
/// days (a night shift across midnight counts on both days; an open session up to the recompute time), work orders and
/// completion rate per agent and seat, a late sign-out picked up, the Excel export, a rebuild giving the same rows, and
/// the caller's platforms only.
/// </summary>
public sealed class SeatTableTests(ManualRollupInstallations installations) : IClassFixture<ManualRollupInstallations>
{
    private sealed record Order(DateTimeOffset At, int? SeatId, bool Completed);

    private static Task SeedOrdersAsync(LawlineFactory factory, int platformId, int agentId, params Order[] orders)
        => factory.WithDatabaseAsync(async db =>
        {
            var owner = await db.Users.IgnoreQueryFilters().OrderBy(u => u.Id).Select(u => new { u.Id, u.UserName }).FirstAsync();
            var categoryId = await db.Categories.Where(c => c.Code == WorkOrderTestData.WageArrears).Select(c => c.Id).SingleAsync();
            foreach (var o in orders)
            {
                var order = WorkOrder.Register(platformId, Unique.Code("T"), owner.Id, owner.UserName ?? "admin", o.At, o.At.AddDays(7));
                order.CategoryCode = WorkOrderTestData.WageArrears;
                order.CategoryId = categoryId;
                order.Question = "被拖欠工资怎么办？";
                order.Answer = "可向劳动监察部门投诉或申请劳动仲裁。";
                order.AgentId = agentId;
                order.SeatId = o.SeatId;
                order.Start();
                if (o.Completed)
                {
                    order.Complete(WorkOrderOutcome.AnsweredOnLine, o.At.AddMinutes(20));
                }

                db.WorkOrders.Add(order);
            }

            await db.SaveChangesAsync();
            return 0;
        });

    private static Task<long> AddSessionAsync(LawlineFactory factory, int platformId, int seatId, int agentId, DateTimeOffset signedIn, DateTimeOffset? signedOut)
        => factory.WithDatabaseAsync(async db =>
        {
            var session = new SeatSession { PlatformId = platformId, SeatId = seatId, AgentId = agentId, SignedInAt = signedIn, SignedOutAt = signedOut };
            db.SeatSessions.Add(session);
            await db.SaveChangesAsync();
            return session.Id;
        });

    private sealed record AgentDayRow(DateOnly Day, int AgentId, int SeatId, int Created, int Completed, int OnTime, long Seconds, int Sessions);

    private static Task<List<AgentDayRow>> SnapshotAsync(LawlineFactory factory, int platformId)
        => factory.WithDatabaseAsync(async db => (await db.AgentDayStats.Where(s => s.PlatformId == platformId).ToListAsync())
            .Select(s => new AgentDayRow(s.Day, s.AgentId, s.SeatId, s.WorkOrdersCreated, s.WorkOrdersCompleted, s.CompletedOnTime, s.SignedInSeconds, s.Sessions))
            .OrderBy(r => r.Day).ThenBy(r => r.AgentId).ThenBy(r => r.SeatId).ToList());

    [Theory, DatabaseData]
    public async Task Seat_and_agent_tables_count_a_night_shift_on_both_days_with_work_orders_completion_and_a_late_sign_out(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (_, a, b) = await admin.CreateCityWithDistrictsAsync();
        var firm = await admin.CreateLawFirmAsync(a.Id);
        var night = await admin.CreateAgentAsync(a.Id, firm.Id);
        var day = await admin.CreateAgentAsync(a.Id, firm.Id);
        var seat = await admin.CreateSeatAsync(a.Id);
        var worker = factory.Services.GetRequiredService<RollupWorker>();
        await worker.DrainAsync(CancellationToken.None);

        // Day D (ten days ago): a colleague sits at the seat 10:00–12:00; the night lawyer signs in at 22:00 and (as far as
        // the records know at first) never signs out. Four work orders of the night lawyer: D 23:00 and 23:30 at the seat
        // (one completed), D+1 01:00 at the seat (completed), D+1 10:00 without a seat.
        var d = KpiDefinitions.DayOf(factory.Clock.GetUtcNow()).AddDays(-10);
        var (start, _) = KpiDefinitions.DayBounds(d);
        await AddSessionAsync(factory, a.Id, seat.Id, day.Id, start.AddHours(10), start.AddHours(12));
        var sessionId = await AddSessionAsync(factory, a.Id, seat.Id, night.Id, start.AddHours(22), null);
        await SeedOrdersAsync(factory, a.Id, night.Id,
            new Order(start.AddHours(23), seat.Id, Completed: true),
            new Order(start.AddHours(23.5), seat.Id, Completed: false),
            new Order(start.AddHours(25), seat.Id, Completed: true),
            new Order(start.AddHours(34), null, Completed: false));
        await worker.DrainAsync(CancellationToken.None);

        var both = $"from={BreakdownTests.Day(d)}&to={BreakdownTests.Day(d.AddDays(1))}&platform={a.Id}";
        var first = $"from={BreakdownTests.Day(d)}&to={BreakdownTests.Day(d)}&platform={a.Id}";
        var second = $"from={BreakdownTests.Day(d.AddDays(1))}&to={BreakdownTests.Day(d.AddDays(1))}&platform={a.Id}";

        // Still open: D counts 22:00–24:00; D+1 (recomputed for its work orders, long past) counts the whole day.
        var open = await admin.GetOkAsync<AgentReport>($"/api/analytics/agents?{both}");
        Assert.Equal(26.0, open.Rows.Single(r => r.AgentId == night.Id).SignedInHours);

        // The sign-out is written later (D+1 02:00): both of the session's days are marked and recomputed.
        await factory.WithDatabaseAsync(async db =>
        {
            var session = await db.SeatSessions.SingleAsync(s => s.Id == sessionId);
            session.SignedOutAt = start.AddHours(26);
            await db.SaveChangesAsync();
            return 0;
        });
        Assert.Equal(new[] { d, d.AddDays(1) }, await factory.WithDatabaseAsync(async db =>
            (await db.RollupMarks.Where(m => m.PlatformId == a.Id).Select(m => m.Day).Distinct().ToListAsync()).Order().ToArray()));
        await worker.DrainAsync(CancellationToken.None);

        var agents = await admin.GetOkAsync<AgentReport>($"/api/analytics/agents?{both}");
        Assert.Equal(
            [(night.Id, 4L, 2L, (double?)0.5, 4.0), (day.Id, 0L, 0L, (double?)null, 2.0)],
            agents.Rows.Select(r => (r.AgentId, r.WorkOrdersCreated, r.WorkOrdersCompleted, r.CompletionRate, r.SignedInHours)));
        var nightFirst = (await admin.GetOkAsync<AgentReport>($"/api/analytics/agents?{first}")).Rows.Single(r => r.AgentId == night.Id);
        Assert.Equal((2L, 1L, 0.5, 2.0), (nightFirst.WorkOrdersCreated, nightFirst.WorkOrdersCompleted, nightFirst.CompletionRate!.Value, nightFirst.SignedInHours));
        var nightSecond = (await admin.GetOkAsync<AgentReport>($"/api/analytics/agents?{second}")).Rows.Single(r => r.AgentId == night.Id);
        Assert.Equal((2L, 1L, 0.5, 2.0), (nightSecond.WorkOrdersCreated, nightSecond.WorkOrdersCompleted, nightSecond.CompletionRate!.Value, nightSecond.SignedInHours));

        // The seat: 2 + 4 hours, two agents, the three work orders registered at it (two completed).
        var seats = await admin.GetOkAsync<SeatReport>($"/api/analytics/seats?{both}");
        var row = Assert.Single(seats.Rows);
        Assert.Equal((seat.Id, seat.Code, seat.Name, 6.0, 2, 3L, 2L), (row.SeatId, row.Code, row.Name, row.SignedInHours, row.Agents, row.WorkOrdersCreated, row.WorkOrdersCompleted));
        Assert.Equal(2.0 / 3, row.CompletionRate!.Value, 6);
        var seatFirst = Assert.Single((await admin.GetOkAsync<SeatReport>($"/api/analytics/seats?{first}")).Rows);
        Assert.Equal((4.0, 2, 2L, 1L), (seatFirst.SignedInHours, seatFirst.Agents, seatFirst.WorkOrdersCreated, seatFirst.WorkOrdersCompleted));
        var seatSecond = Assert.Single((await admin.GetOkAsync<SeatReport>($"/api/analytics/seats?{second}")).Rows);
        Assert.Equal((2.0, 1, 1L, 1L, 1.0), (seatSecond.SignedInHours, seatSecond.Agents, seatSecond.WorkOrdersCreated, seatSecond.WorkOrdersCompleted,
            seatSecond.CompletionRate!.Value));

        // The rollup rows themselves: sessions counted on their start day, on-time completions, the order without a seat.
        var rows = await SnapshotAsync(factory, a.Id);
        Assert.Equal(
        [
            new AgentDayRow(d, night.Id, seat.Id, 2, 1, 1, 7200, 1),
            new AgentDayRow(d, day.Id, seat.Id, 0, 0, 0, 7200, 1),
            new AgentDayRow(d.AddDays(1), night.Id, 0, 1, 0, 0, 0, 0),
            new AgentDayRow(d.AddDays(1), night.Id, seat.Id, 1, 1, 1, 7200, 0),
        ], rows.OrderBy(r => r.Day).ThenBy(r => r.SeatId).ThenBy(r => r.AgentId == night.Id ? 0 : 1));

        // The Excel export holds the same rows.
        var response = await admin.GetAsync($"/api/analytics/seats?{both}&format=xlsx");
        await ApiClient.ExpectStatusAsync(response, HttpStatusCode.OK);
        await using (var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync()))
        {
            var sheet = BreakdownTests.ReadSheet(stream);
            Assert.Equal(["坐席编码", "坐席", "签入时长(小时)", "人员数", "工单量", "办结量", "办结率"], sheet[0]);
            Assert.Equal([seat.Code, seat.Name, "6", "2", "3", "2", "66.67%"], sheet[1]);
            Assert.Equal(2, sheet.Count);
        }

        var agentFile = await admin.GetAsync($"/api/analytics/agents?{both}&format=xlsx");
        await ApiClient.ExpectStatusAsync(agentFile, HttpStatusCode.OK);
        await using (var stream = new MemoryStream(await agentFile.Content.ReadAsByteArrayAsync()))
        {
            var sheet = BreakdownTests.ReadSheet(stream);
            Assert.Equal(["工单量", "办结量", "办结率", "签入时长(小时)"], sheet[0].TakeLast(4));
            Assert.Equal(["4", "2", "50.00%", "4"], sheet.Single(r => r[0] == night.Name).TakeLast(4));
        }

        // A rebuild from the raw records gives the same rows.
        await worker.RebuildAsync(CancellationToken.None);
        Assert.Equal(rows, await SnapshotAsync(factory, a.Id));

        // A supervisor of district B cannot read A's seats, sees none of them for their own platform; an agent may not read statistics.
        using var supervisorB = await factory.CreateUserAndSignInAsync(admin, b.Id, LawlineRoles.Supervisor);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisorB.GetAsync($"/api/analytics/seats?{both}")).StatusCode);
        Assert.Empty((await supervisorB.GetOkAsync<SeatReport>($"/api/analytics/seats?from={BreakdownTests.Day(d)}&to={BreakdownTests.Day(d.AddDays(1))}")).Rows);
        using var agentUser = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Agent);
        Assert.Equal(HttpStatusCode.Forbidden, (await agentUser.GetAsync($"/api/analytics/seats?{both}")).StatusCode);
    }
}
