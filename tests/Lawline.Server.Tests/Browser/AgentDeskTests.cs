using System.Text.RegularExpressions;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>
/// The duty lawyer's desktop (坐席工作台): going ready and on a break, a supervisor's change showing without a reload,
/// a ringing call with the caller's number and region, and the work order registered from it bound to the call.
/// </summary>
public sealed class AgentDeskTests
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_lawyer_goes_ready_sees_the_ringing_call_and_registers_its_work_order_bound_to_the_call()
    {
        await using var app = await BrowserApp.StartAsync();
        await DemoLawyer.UseKnownPasswordAsync(app);
        // The demo lawyer works from home today: a remote seat on their mobile (no phone to register here).
        var (agentId, platformId) = await RoutingTestData.WithDatabaseAsync(app.Services, async db =>
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == DemoLawyer.UserName);
            var agent = await db.Agents.AsTracking().SingleAsync(a => a.Id == user.AgentId);
            agent.RemoteSeat = true;
            agent.MobileE164 ??= "+8613907140099";
            return (agent.Id, agent.PlatformId);
        });

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        var browserErrors = new List<string>();
        page.PageError += (_, error) => browserErrors.Add(error);
        var screenshots = BrowserApp.ScreenshotDirectory();

        await DemoLawyer.SignInAsync(page);
        await page.GetByTestId("nav-desk").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/desk$"));
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("坐席工作台");
        var state = page.GetByTestId("desk-state-label");
        await Expect(state).ToHaveTextAsync("离线", new() { Timeout = 20_000 });

        await page.GetByTestId("desk-ready").ClickAsync();
        await Expect(state).ToHaveTextAsync("就绪");
        await page.GetByTestId("desk-not-ready-break").ClickAsync();
        await Expect(state).ToHaveTextAsync("小休");

        // A change made elsewhere (here the router itself, as a supervisor's action would) shows without a reload.
        var router = app.Services.GetRequiredService<CallRouter>();
        router.SetReady(new AgentId(agentId));
        await Expect(state).ToHaveTextAsync("就绪", new() { Timeout = 5_000 });

        // A call rings for the lawyer: the notice shows the caller's number and where the number is from.
        var now = TimeProvider.System.GetUtcNow();
        var record = new CallRecord
        {
            PlatformId = platformId, CallerLeg = "desk-" + Guid.NewGuid().ToString("N")[..8], SipCallId = "desk-test", CallerNumber = "+8613907145566",
            CallerProvince = "湖北省", CallerCity = "武汉市", DialedNumber = "12348", ArrivedAt = now.AddSeconds(-40), QueuedAt = now.AddSeconds(-30),
            SkillCode = "LABOR", IvrPath = """[{"nodeId":"main-menu","kind":1,"digits":"1","at":"2026-11-28T00:00:00Z"}]""",
        };
        await RoutingTestData.WithDatabaseAsync(app.Services, db => Task.FromResult(db.CallRecords.Add(record)));
        await app.Services.GetRequiredService<CallNotifier>().PublishAsync(
            new AgentCallEvent(AgentCallStage.Ringing, new AgentId(agentId), record.Id, platformId, record.CallerNumber, "LABOR", false, null, now));
        var notice = page.GetByTestId("desk-call");
        await Expect(notice).ToBeVisibleAsync(Patient);
        await Expect(page.GetByTestId("desk-call-stage")).ToHaveTextAsync("来电振铃");
        await Expect(page.GetByTestId("desk-call-number")).ToContainTextAsync("13907145566");
        await Expect(page.GetByTestId("desk-call-region")).ToContainTextAsync("武汉市");
        await Expect(page.GetByTestId("desk-call-details")).ToContainTextAsync("按键：1");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "desk-01-ringing.png"), FullPage = true });

        // 登记工单: the form knows the number and binds the order to the call when it is saved.
        await page.GetByTestId("desk-register").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/work-orders/new\\?call={record.Id}$"));
        await Expect(page.GetByTestId("wo-bound-call")).ToBeVisibleAsync(Patient);
        await Expect(page.GetByTestId("wo-phone")).ToHaveValueAsync(new Regex("139\\s?0714\\s?5566"));
        await page.GetByTestId("wo-question").FillAsync("单位拖欠三个月工资，能否申请劳动仲裁？");
        await page.GetByTestId("wo-save").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/work-orders/\\d+$"), new() { Timeout = 20_000 });
        var orderId = int.Parse(new Regex("/work-orders/(\\d+)$").Match(page.Url).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        var bound = await RoutingTestData.WithDatabaseAsync(app.Services, db => db.CallRecords.AsNoTracking().SingleAsync(r => r.Id == record.Id));
        Assert.Equal(orderId, bound.WorkOrderId);
        Assert.Empty(browserErrors);
    }
}
