using Lawline.Server.Agents;
using Lawline.Server.Analytics.Monitoring;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.Routing.Live;
using Lawline.Server.Telephony;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Lawline.Sip;
using Lawline.Sip.Tests.Peers;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Analytics;

/// <summary>
/// Issue 9's "done when": a repeat caller lights up the wallboard during a real test call. A citizen (baresip) who
/// called the platform twice in the last days calls again: while the call waits in the labour queue the wallboard shows
/// the repeat caller, and the alerts list has one repeat-caller alert to follow up.
/// </summary>
[Trait("Category", "Peers")]
public sealed class RepeatCallerCallTests : IAsyncLifetime
{
    private const string HotlineNumber = "88812349";
    private readonly string platformCode = "rep" + Guid.NewGuid().ToString("N")[..6];
    private readonly SoundFiles sounds = new();
    private LawlineFactory factory = null!;

    public async Task InitializeAsync() => factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
    {
        ["Sip:Enabled"] = "true",
        [LawlineFactory.SystemClockSetting] = "true",
        [$"Routing:DialedNumbers:{HotlineNumber}"] = platformCode,
    });

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        sounds.Dispose();
    }

    [Fact]
    public async Task A_citizen_calling_a_third_time_within_seven_days_lights_up_the_wallboard_and_raises_one_alert()
    {
        using var admin = await factory.AdminAsync();
        var platform = await admin.PostOkAsync<PlatformDto>("/api/platforms", new CreatePlatformRequest(
            platformCode, "重复来电测试平台", PlatformKind.LegalService12348, PlatformLevel.City, null, "湖北省武汉市", new OfficeHours { Open24x7 = true }));
        var skills = await admin.GetOkAsync<List<SkillDto>>("/api/skills");
        var labour = skills.Single(s => s.Code == "LABOR");
        var firm = await admin.PostOkAsync<LawFirmDto>("/api/law-firms", new SaveLawFirmRequest(platform.Id, "楚天律师事务所", null, null, null, null));
        // A labour lawyer whose phone is not signed in: the citizen waits in the queue.
        await admin.PostOkAsync<AgentDto>("/api/agents", new SaveAgentRequest(
            platform.Id, AgentKind.DutyLawyer, "王律师", null, "14201201510000002", firm.Id, [new AgentSkillRequest(labour.Id, 3)], null, null, new DateOnly(2026, 1, 5)));
        var router = factory.Services.GetRequiredService<CallRouter>();
        router.Configure(await factory.Services.GetRequiredService<RoutingDirectory>().RefreshAsync(CancellationToken.None));

        // The same phone called twice this week (baresip's caller number is its user name).
        var now = factory.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await factory.WithDatabaseAsync(async db =>
        {
            foreach (var daysAgo in new[] { 5, 2 })
            {
                db.CallRecords.Add(new CallRecord
                {
                    PlatformId = platform.Id, Channel = CallChannel.Inbound, CallerLeg = "leg-" + Guid.NewGuid().ToString("N")[..12],
                    SipCallId = Guid.NewGuid().ToString("N"), CallerNumber = "citizen", DialedNumber = HotlineNumber,
                    ArrivedAt = now.AddDays(-daysAgo), EndedAt = now.AddDays(-daysAgo).AddMinutes(4),
                });
            }

            await db.SaveChangesAsync();
            return 0;
        });

        var engineAddress = $"127.0.0.1:{factory.Services.GetRequiredService<SipEngine>().LocalEndPoint.Port}";
        await using var citizen = await BaresipPhone.StartAsync(new BaresipOptions { User = "citizen", AudioFile = await sounds.ToneAsync(1000) });
        await citizen.DialAsync($"sip:{HotlineNumber}@{engineAddress}");
        await citizen.WaitForEventAsync("CALL_ESTABLISHED");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await citizen.SendDtmfAsync("1"); // 劳动争议

        var lit = await Wait.ForAsync(async () =>
            (await admin.GetOkAsync<WallboardView>("/api/routing/wallboard")).Alerts
                .SingleOrDefault(a => a.Kind == WallboardAlertKind.RepeatCaller && a.PlatformId == platform.Id),
            () => $"no repeat-caller alert on the wallboard while the citizen waits\n{citizen.Diagnostics()}");
        // Masked on the wallboard and in the alert alike (a seven-character SIP user name masks to stars).
        Assert.Equal("*******", lit.CallerNumber);

        var alert = Assert.Single(await admin.GetOkAsync<List<MonitoringAlertDto>>($"/api/analytics/alerts?platform={platform.Id}"));
        Assert.Equal((MonitoringAlertKind.RepeatCaller, "*******", 3, MonitoringAlertStatus.Open), (alert.Kind, alert.Subject, alert.Value, alert.Status));
        Assert.NotNull(alert.CallRecordId);

        await citizen.HangupAsync();
        await Wait.ForAsync(async () =>
            (await admin.GetOkAsync<WallboardView>("/api/routing/wallboard")).Alerts.Any(a => a.Kind == WallboardAlertKind.RepeatCaller && a.PlatformId == platform.Id) ? null : "gone",
            () => "the wallboard's repeat-caller alert stayed after the citizen hung up");
    }
}
