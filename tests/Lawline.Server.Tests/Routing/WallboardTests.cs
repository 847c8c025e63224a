using System.Net;
using Lawline.Server.Agents;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.Routing.Live;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Routing;

/// <summary>
/// The wallboard (<c>/api/routing/wallboard</c>, the data of 监控大屏): today's KPIs from the call records by design.md's
/// definitions, scoped to the supervisor's platforms, the live router view, and the alerts.
/// </summary>
public sealed class WallboardTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    private sealed record CallSeed(DateTimeOffset ArrivedAt)
    {
        public CallChannel Channel { get; init; } = CallChannel.Inbound;
        public string? SkillCode { get; init; } = "LABOR";
        public TimeSpan? QueuedAfter { get; init; } = TimeSpan.FromSeconds(20);
        public TimeSpan? Waited { get; init; }
        public TimeSpan? Talked { get; init; }
        public AbandonedIn? Abandoned { get; init; }
        public bool CallbackRequested { get; init; }
    }

    private static Task<List<long>> SeedCallsAsync(LawlineFactory factory, int platformId, params CallSeed[] calls)
        => factory.WithDatabaseAsync(async db =>
        {
            var records = calls.Select(c =>
            {
                var queued = c.QueuedAfter is { } q ? c.ArrivedAt + q : (DateTimeOffset?)null;
                var answered = c.Waited is { } w ? queued!.Value + w : (DateTimeOffset?)null;
                return new CallRecord
                {
                    PlatformId = platformId,
                    Channel = c.Channel,
                    CallerLeg = "leg-" + Guid.NewGuid().ToString("N")[..12],
                    SipCallId = Guid.NewGuid().ToString("N"),
                    CallerNumber = Unique.Mobile(),
                    DialedNumber = "12348",
                    ArrivedAt = c.ArrivedAt,
                    SkillCode = c.SkillCode,
                    QueuedAt = queued,
                    AnsweredAt = answered,
                    TalkEndedAt = answered is { } a && c.Talked is { } t ? a + t : null,
                    AbandonedIn = c.Abandoned,
                    AbandonedAt = c.Abandoned is null ? null : c.ArrivedAt.AddMinutes(1),
                    CallbackRequestedAt = c.CallbackRequested ? c.ArrivedAt.AddMinutes(1) : null,
                    EndedAt = c.ArrivedAt.AddMinutes(10),
                };
            }).ToList();
            db.CallRecords.AddRange(records);
            await db.SaveChangesAsync();
            return records.Select(r => r.Id).ToList();
        });

    private static async Task<WallboardView> WallboardAsync(LawlineFactory factory, ApiClient supervisor)
    {
        // Records written straight to the database raise no event: let the KPI cache's age run out.
        factory.Clock.Advance(TimeSpan.FromSeconds(5));
        return await supervisor.GetOkAsync<WallboardView>("/api/routing/wallboard");
    }

    private static async Task ConfigureRouterAsync(LawlineFactory factory)
        => factory.Services.GetRequiredService<CallRouter>().Configure(
            await factory.Services.GetRequiredService<RoutingDirectory>().RefreshAsync(CancellationToken.None));

    [Theory, DatabaseData]
    public async Task Today_s_kpis_follow_the_design_definitions_and_a_supervisor_sees_only_their_platforms(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var a = await admin.CreatePlatformAsync();
        var b = await admin.CreatePlatformAsync();
        await ConfigureRouterAsync(factory);
        var day = WallboardService.StartOfDay(factory.Clock.GetUtcNow());

        // Platform A, labour queue: four callers asked for an agent today.
        await SeedCallsAsync(factory, a.Id,
            new CallSeed(day.AddHours(9)) { Waited = TimeSpan.FromSeconds(10), Talked = TimeSpan.FromSeconds(300) },
            new CallSeed(day.AddHours(9.5)) { Waited = TimeSpan.FromSeconds(30), Talked = TimeSpan.FromSeconds(100) },
            new CallSeed(day.AddHours(10)) { Abandoned = AbandonedIn.Queue },
            // Pressed the callback key: kept their place, did not abandon.
            new CallSeed(day.AddHours(10.5)) { CallbackRequested = true },
            // Not requests for an agent: hung up in the IVR, and a callback the platform placed.
            new CallSeed(day.AddHours(11)) { QueuedAfter = null, SkillCode = null, Abandoned = AbandonedIn.Ivr },
            new CallSeed(day.AddHours(11)) { Channel = CallChannel.Callback, Waited = TimeSpan.FromSeconds(5), Talked = TimeSpan.FromSeconds(60) },
            // Yesterday (Beijing time): not today's figures.
            new CallSeed(day.AddMinutes(-30)) { Waited = TimeSpan.FromSeconds(90), Talked = TimeSpan.FromSeconds(60) },
            new CallSeed(day.AddHours(-10)) { Abandoned = AbandonedIn.Ringing });
        // Platform B has a call of its own today.
        await SeedCallsAsync(factory, b.Id, new CallSeed(day.AddHours(9)) { Waited = TimeSpan.FromSeconds(3), Talked = TimeSpan.FromSeconds(50) });

        using var supervisorA = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Supervisor);
        var board = await WallboardAsync(factory, supervisorA);

        var labour = Assert.Single(board.Queues, q => q.Live.SkillCode == "LABOR");
        Assert.Equal(("劳动争议", a.Id), (labour.Live.SkillName, labour.Live.PlatformId));
        var today = labour.Today;
        Assert.Equal((4, 2, 1, 1), (today.Offered, today.Answered, today.Abandoned, today.AnsweredWithinTarget));
        Assert.Equal(0.5, today.ServiceLevel);
        Assert.Equal(0.5, today.ConnectionRate);
        Assert.Equal(20, today.AverageWaitSeconds);
        Assert.Equal(200, today.AverageTalkSeconds);

        // A supervisor of A never sees B: no queue, no card, no KPI of B.
        Assert.All(board.Queues, q => Assert.Equal(a.Id, q.Live.PlatformId));
        var card = Assert.Single(board.Platforms);
        Assert.Equal((a.Id, a.Name, 4, 2), (card.PlatformId, card.Name, card.Today.Offered, card.Today.Answered));
        Assert.DoesNotContain(board.Alerts, alert => alert.PlatformId == b.Id);

        using var supervisorB = await factory.CreateUserAndSignInAsync(admin, b.Id, LawlineRoles.Supervisor);
        var boardB = await WallboardAsync(factory, supervisorB);
        var labourB = Assert.Single(boardB.Queues, q => q.Live.SkillCode == "LABOR");
        Assert.Equal((b.Id, 1, 1, 1.0, 1.0), (labourB.Live.PlatformId, labourB.Today.Offered, labourB.Today.Answered, labourB.Today.ServiceLevel, labourB.Today.ConnectionRate));
        Assert.DoesNotContain(boardB.Platforms, p => p.PlatformId == a.Id);

        // Queues without calls today show zeros and no rates; a lawyer may not look at the wallboard.
        Assert.All(board.Queues.Where(q => q.Live.SkillCode != "LABOR"), q => Assert.Equal((0, (double?)null), (q.Today.Offered, q.Today.ConnectionRate)));
        using var lawyer = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Agent);
        Assert.Equal(HttpStatusCode.Forbidden, (await lawyer.GetAsync("/api/routing/wallboard")).StatusCode);
    }

    [Theory, DatabaseData]
    public async Task A_main_platform_supervisor_sees_each_sub_platform(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (city, districtA, districtB) = await admin.CreateCityWithDistrictsAsync();
        await ConfigureRouterAsync(factory);
        var day = WallboardService.StartOfDay(factory.Clock.GetUtcNow());
        await SeedCallsAsync(factory, districtA.Id, new CallSeed(day.AddHours(9)) { Waited = TimeSpan.FromSeconds(40), Talked = TimeSpan.FromSeconds(60) });

        using var citySupervisor = await factory.CreateUserAndSignInAsync(admin, city.Id, LawlineRoles.Supervisor);
        var board = await WallboardAsync(factory, citySupervisor);

        Assert.Equal(new[] { city.Id, districtA.Id, districtB.Id }.Order(), board.Platforms.Select(p => p.PlatformId).Order());
        var a = Assert.Single(board.Platforms, p => p.PlatformId == districtA.Id);
        Assert.Equal((1, 1, 0.0), (a.Today.Offered, a.Today.Answered, a.Today.ServiceLevel));

        using var districtSupervisor = await factory.CreateUserAndSignInAsync(admin, districtB.Id, LawlineRoles.Supervisor);
        Assert.Equal([districtB.Id], (await WallboardAsync(factory, districtSupervisor)).Platforms.Select(p => p.PlatformId));
    }

    [Theory, DatabaseData]
    public async Task A_low_rating_a_long_queue_and_a_long_call_raise_alerts_that_lead_to_them(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var a = await admin.CreatePlatformAsync();
        var b = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(a.Id);
        var labourSkill = (await admin.GetOkAsync<List<SkillDto>>("/api/skills")).Single(s => s.Code == "LABOR");
        var lawyer = await admin.PostOkAsync<AgentDto>("/api/agents",
            TestData.DutyLawyer(a.Id, firm.Id) with { Skills = [new AgentSkillRequest(labourSkill.Id, 3)] });
        await factory.MakeRemoteSeatAsync(lawyer.Id);
        await ConfigureRouterAsync(factory);
        var router = factory.Services.GetRequiredService<CallRouter>();
        var id = new AgentId(lawyer.Id);
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Supervisor);
        using var supervisorB = await factory.CreateUserAndSignInAsync(admin, b.Id, LawlineRoles.Supervisor);
        var calls = factory.Services.GetRequiredService<CallNotifier>();
        var day = WallboardService.StartOfDay(factory.Clock.GetUtcNow());
        var rated = await SeedCallsAsync(factory, a.Id, new CallSeed(day.AddHours(8)) { Waited = TimeSpan.FromSeconds(5), Talked = TimeSpan.FromSeconds(90) });

        // 不满意 just received: an alert naming the lawyer and the call, leading to the callback list.
        await calls.PublishAsync(new AgentCallEvent(AgentCallStage.Rated, id, rated[0], a.Id, "+8613912345678", "LABOR", false,
            CallRating.Dissatisfied, factory.Clock.GetUtcNow()));
        await calls.PublishAsync(new AgentCallEvent(AgentCallStage.Rated, id, rated[0], a.Id, "+8613912345678", "LABOR", false,
            CallRating.Satisfied, factory.Clock.GetUtcNow()));
        var board = await WallboardAsync(factory, supervisor);
        var low = Assert.Single(board.Alerts, alert => alert.Kind == WallboardAlertKind.LowRating && alert.CallRecordId == rated[0]);
        Assert.Equal((lawyer.Name, CallRating.Dissatisfied, "/supervisor/callbacks", lawyer.Id), (low.Subject, low.Rating, low.Link, low.AgentId));
        Assert.DoesNotContain((await WallboardAsync(factory, supervisorB)).Alerts, alert => alert.CallRecordId == rated[0]);

        // Six callers wait for labour; after 61 s the queue is over both thresholds.
        var queue = RoutingDirectory.QueueFor(a.Id, "LABOR");
        for (var i = 0; i < 6; i++)
        {
            router.Enqueue(new CallId("leg-" + Guid.NewGuid().ToString("N")[..8]), queue, CallPriority.Normal, Unique.Mobile());
        }

        factory.Clock.Advance(TimeSpan.FromSeconds(56));
        board = await WallboardAsync(factory, supervisor);
        var backlog = Assert.Single(board.Alerts, alert => alert.Kind == WallboardAlertKind.QueueBacklog);
        Assert.Equal(("劳动争议", 6, queue.Value), (backlog.Subject, backlog.Value, backlog.QueueId));
        Assert.Contains($"#queue-{queue.Value}", backlog.Link);
        var longWait = Assert.Single(board.Alerts, alert => alert.Kind == WallboardAlertKind.LongWait);
        Assert.Equal(61, longWait.Value);

        // The lawyer goes ready and takes the first caller, who has waited 61 s; 21 minutes later the call is long.
        router.SetReady(id);
        await Wait.UntilAsync(() => router.GetAgent(id)?.State == AgentState.Ringing, "the first caller is offered to the ready lawyer");
        var call = router.GetAgent(id)!.Call!.Value;
        factory.Clock.Advance(TimeSpan.FromSeconds(4));
        Assert.True(router.Answered(call, id));
        // The wallboard learns the caller's wait from the router's offer, which the event pump delivers in its own time.
        await Wait.ForAsync(async () =>
        {
            var talking = (await supervisor.GetOkAsync<WallboardView>("/api/routing/wallboard")).Agents.Single(t => t.Agent.AgentId == lawyer.Id);
            return talking.CallerWaitedSeconds == 65 ? talking : null;
        }, () => "the lawyer's tile never showed the caller's 65 s wait");
        factory.Clock.Advance(TimeSpan.FromMinutes(21));
        board = await WallboardAsync(factory, supervisor);
        var tile = Assert.Single(board.Agents, t => t.Agent.AgentId == lawyer.Id);
        Assert.Equal((AgentState.Talking, 65, 21 * 60 + 5), (tile.Agent.State, tile.CallerWaitedSeconds, tile.TalkSeconds));
        var longCall = Assert.Single(board.Alerts, alert => alert.Kind == WallboardAlertKind.LongCall);
        Assert.Equal((lawyer.Name, lawyer.Id), (longCall.Subject, longCall.AgentId));
        Assert.Contains($"#agent-{lawyer.Id}", longCall.Link);

        // Done, and on a break for 16 minutes: not ready too long.
        router.CallEnded(id);
        router.SetNotReady(id, NotReadyReason.Break);
        router.WrapUpDone(id);
        factory.Clock.Advance(TimeSpan.FromMinutes(16));
        board = await WallboardAsync(factory, supervisor);
        Assert.Single(board.Alerts, alert => alert.Kind == WallboardAlertKind.LongNotReady && alert.AgentId == lawyer.Id);
        Assert.DoesNotContain(board.Alerts, alert => alert.Kind == WallboardAlertKind.LongCall);
        router.LogOut(id);
    }

    [Theory, DatabaseData]
    public async Task A_repeat_caller_waiting_in_a_queue_raises_an_alert_until_the_call_leaves_the_queue(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var a = await admin.CreatePlatformAsync();
        var b = await admin.CreatePlatformAsync();
        await ConfigureRouterAsync(factory);
        var router = factory.Services.GetRequiredService<CallRouter>();
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Supervisor);
        using var supervisorB = await factory.CreateUserAndSignInAsync(admin, b.Id, LawlineRoles.Supervisor);
        var queue = RoutingDirectory.QueueFor(a.Id, "LABOR");

        // The same number called again: the flow queues the call as a repeat caller, its call record keyed by the caller leg.
        var leg = "leg-" + Guid.NewGuid().ToString("N")[..8];
        var recordId = await factory.WithDatabaseAsync(async db =>
        {
            var record = new CallRecord
            {
                PlatformId = a.Id,
                CallerLeg = leg,
                SipCallId = Guid.NewGuid().ToString("N"),
                CallerNumber = "+8613912345678",
                DialedNumber = "12348",
                ArrivedAt = factory.Clock.GetUtcNow(),
                SkillCode = "LABOR",
                QueuedAt = factory.Clock.GetUtcNow(),
            };
            db.CallRecords.Add(record);
            await db.SaveChangesAsync();
            return record.Id;
        });
        router.Enqueue(new CallId(leg), queue, CallPriority.RepeatCaller, "+8613912345678");
        // An ordinary caller beside it raises nothing.
        var ordinary = new CallId("leg-" + Guid.NewGuid().ToString("N")[..8]);
        router.Enqueue(ordinary, queue, CallPriority.Normal, Unique.Mobile());

        // The event pump delivers the queued event in its own time.
        var alert = await Wait.ForAsync(async () =>
            (await WallboardAsync(factory, supervisor)).Alerts.SingleOrDefault(x => x.Kind == WallboardAlertKind.RepeatCaller),
            () => "no repeat-caller alert while the repeat caller waits");
        Assert.Equal((a.Id, "劳动争议", queue.Value, recordId, "139****5678"), (alert.PlatformId, alert.Subject, alert.QueueId, alert.CallRecordId, alert.CallerNumber));
        Assert.Equal($"/supervisor/wallboard?platform={a.Id}#queue-{queue.Value}", alert.Link);
        Assert.True(alert.Value >= 5, $"the alert says how long the caller has waited ({alert.Value} s)");
        Assert.DoesNotContain((await WallboardAsync(factory, supervisorB)).Alerts, x => x.Kind == WallboardAlertKind.RepeatCaller);

        // The caller hangs up: the alert goes.
        Assert.True(router.Abandon(new CallId(leg)));
        await Wait.ForAsync(async () =>
            (await WallboardAsync(factory, supervisor)).Alerts.Any(x => x.Kind == WallboardAlertKind.RepeatCaller) ? null : "gone",
            () => "the repeat-caller alert stayed after the caller hung up");
        router.Abandon(ordinary);
    }
}
