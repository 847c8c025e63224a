using System.Text.RegularExpressions;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Telephony;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Lawline.Sip;
using Lawline.Sip.Tests.Peers;
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

        // The law library, as an installation imports it (import-laws).
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("import-laws");
            await scope.ServiceProvider.GetRequiredService<Lawline.Server.Knowledge.LawImporter>().ImportDirectoryAsync(SharedData.Path("data", "laws"), CancellationToken.None);
        }

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

        // Answered: the work order form opens on the desk itself, knows the number, and binds the order to the call when saved.
        await Expect(page.GetByTestId("desk-work-order")).ToHaveCountAsync(0);
        await app.Services.GetRequiredService<CallNotifier>().PublishAsync(
            new AgentCallEvent(AgentCallStage.Connected, new AgentId(agentId), record.Id, platformId, record.CallerNumber, "LABOR", false, null, now));
        await Expect(page.GetByTestId("desk-call-stage")).ToHaveTextAsync("通话中", new() { Timeout = 20_000 });
        var form = page.GetByTestId("desk-work-order");
        await Expect(form.GetByTestId("wo-bound-call")).ToBeVisibleAsync(Patient);
        await Expect(form.GetByTestId("wo-phone")).ToHaveValueAsync(new Regex("139\\s?0714\\s?5566"));
        await form.GetByTestId("wo-question").FillAsync("单位拖欠三个月工资，能否申请劳动仲裁？");

        // The knowledge panel suggests law articles from the question as it is typed; one click cites one.
        // (the demo's Q&A come first for a question like this; a law article is cited by its citation)
        await Expect(page.GetByTestId("desk-knowledge-hit").First).ToBeVisibleAsync(Patient);
        // A question about unpaid wages and labour arbitration finds the Labour Dispute Mediation and Arbitration Law.
        var suggestion = page.Locator("[data-testid=desk-knowledge-hit][data-kind=LawArticle]", new() { HasText = "《劳动争议调解仲裁法》" }).First;
        await Expect(suggestion).ToBeVisibleAsync(Patient);
        var cited = (await suggestion.Locator(".cell-title").InnerTextAsync()).Trim();
        Assert.StartsWith("《劳动争议调解仲裁法》第", cited);
        await suggestion.GetByTestId("desk-knowledge-insert").ClickAsync();
        await Expect(form.GetByTestId("wo-legal-basis")).ToHaveValueAsync(cited);

        // A guidance SMS to the caller from a template, its blanks filled, counted in SMS parts.
        await page.GetByTestId("desk-sms-template").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "法律援助中心引导" }).ClickAsync();
        foreach (var (name, value) in new[] { ("机构名称", "武汉市法律援助中心"), ("地址", "江岸区沿江大道1号"), ("电话", "027-12348000"), ("办公时间", "工作日9:00-17:00") })
        {
            await page.Locator($"[data-testid=desk-sms-value][data-name={name}]").FillAsync(value);
        }
        await Expect(page.GetByTestId("desk-sms-preview")).ToContainTextAsync("江岸区沿江大道1号");
        await Expect(page.GetByTestId("desk-sms-length")).ToContainTextAsync("2 条");
        await page.GetByTestId("desk-sms-send").ClickAsync();
        await Expect(page.GetByTestId("desk-sms-sent")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        var sms = await RoutingTestData.WithDatabaseAsync(app.Services, db => db.SmsMessages.AsNoTracking().SingleAsync(m => m.CallRecordId == record.Id));
        Assert.Contains("武汉市法律援助中心", sms.Text);
        Assert.Equal("+8613907145566", sms.To);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "desk-01b-work-order-knowledge-sms.png"), FullPage = true });

        await form.GetByTestId("wo-save").ClickAsync();
        await Expect(page.GetByTestId("desk-registered")).ToBeVisibleAsync(Patient);
        await Expect(page).ToHaveURLAsync(new Regex("/desk$"));

        var bound = await RoutingTestData.WithDatabaseAsync(app.Services, db => db.CallRecords.AsNoTracking().SingleAsync(r => r.Id == record.Id));
        var order = await RoutingTestData.WithDatabaseAsync(app.Services, db => db.WorkOrders.AsNoTracking().SingleAsync(w => w.Id == bound.WorkOrderId));
        Assert.Equal("单位拖欠三个月工资，能否申请劳动仲裁？", order.Question);
        await Expect(page.GetByTestId("desk-registered")).ToContainTextAsync(order.Number);
        // The lawyer's tasks count the order, still open (registered, not completed), with a link to the list.
        await Expect(page.GetByTestId("desk-my-open")).ToContainTextAsync("未办结工单 1 张", new() { Timeout = 10_000 });
        Assert.Empty(browserErrors);
    }

    [Fact]
    [Trait("Category", "Peers")]
    public async Task A_real_call_reaches_the_desktop_the_lawyer_registers_it_hangs_up_and_the_callers_rating_shows()
    {
        await using var app = await BrowserApp.StartAsync(telephony: true);
        using var sounds = new SoundFiles();
        await DemoLawyer.UseKnownPasswordAsync(app);
        var (agentId, platformId, skill, skillName) = await RoutingTestData.WithDatabaseAsync(app.Services, async db =>
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == DemoLawyer.UserName);
            var agent = await db.Agents.AsNoTracking().Include(a => a.Skills).ThenInclude(s => s.Skill).SingleAsync(a => a.Id == user.AgentId);
            var best = agent.Skills.OrderByDescending(s => s.Level).First().Skill!;
            return (agent.Id, agent.PlatformId, best.Code, best.Name);
        });
        var key = skill switch { "LABOR" => "1", "FAMILY" => "2", "CONTRACT" => "3", _ => "0" };

        // The lawyer's softphone: an account for them, registered with the platform.
        const string password = "desk-phone-7788";
        using var admin = await AdminAsync(app);
        const string supervisorPassword = "Supervisor-Desk-2468";
        var supervisor = Assert.Single(await admin.GetOkAsync<List<UserDto>>("/api/users?search=demo.supervisor"), u => u.UserName == "demo.supervisor");
        await ApiClient.ExpectStatusAsync(await admin.PostAsync($"/api/users/{supervisor.Id}/password", new ResetPasswordRequest(supervisorPassword)), System.Net.HttpStatusCode.NoContent);
        var account = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts", new CreateSipAccountRequest(platformId, "desk" + Random.Shared.Next(100, 999), "演示律师席", agentId, password));
        var engineAddress = $"127.0.0.1:{app.Services.GetRequiredService<SipEngine>().LocalEndPoint.Port}";
        await using var softphone = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = account.Username, Password = password, Registrar = engineAddress, AudioFile = await sounds.ToneAsync(400),
        });
        await softphone.WaitForRegistrationAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        var screenshots = BrowserApp.ScreenshotDirectory();
        await DemoLawyer.SignInAsync(page);
        await page.GotoAsync("/desk");
        var state = page.GetByTestId("desk-state-label");
        // The phone coming online made the lawyer ready.
        await Expect(state).ToHaveTextAsync("就绪", new() { Timeout = 20_000 });

        // A citizen from a Wuhan mobile calls the hotline and picks the lawyer's skill.
        await using var citizen = await BaresipPhone.StartAsync(new BaresipOptions { User = "13907141234", AudioFile = await sounds.ToneAsync(1000) });
        await citizen.DialAsync($"sip:12348@{engineAddress}");
        await citizen.WaitForEventAsync("CALL_ESTABLISHED");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await citizen.SendDtmfAsync(key);

        await softphone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(40));
        await Expect(page.GetByTestId("desk-call-stage")).ToHaveTextAsync("通话中", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("desk-call-number")).ToContainTextAsync("13907141234");
        await Expect(page.GetByTestId("desk-call-region")).ToContainTextAsync("湖北");
        await Expect(state).ToHaveTextAsync("通话中");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "desk-02-real-call.png"), FullPage = true });

        // The lawyer registers the consultation during the call, on the desk.
        var form = page.GetByTestId("desk-work-order");
        await Expect(form.GetByTestId("wo-bound-call")).ToBeVisibleAsync(Patient);
        await form.GetByTestId("wo-question").FillAsync("公司拖欠工资两个月，可以怎么维权？");

        // Nothing typed is lost: a reload in the middle of the call brings the call and the draft back (once the
        // browser has the draft: it is written as the lawyer types).
        await page.WaitForFunctionAsync("() => Object.keys(localStorage).some(k => k.includes('.call') && (JSON.parse(localStorage.getItem(k) || '{}').question || '').includes('维权'))");
        await page.ReloadAsync();
        form = page.GetByTestId("desk-work-order");
        await Expect(form.GetByTestId("wo-question")).ToHaveValueAsync("公司拖欠工资两个月，可以怎么维权？", new() { Timeout = 20_000 });
        await Expect(form.GetByTestId("wo-draft-restored")).ToBeVisibleAsync();
        await form.GetByTestId("wo-save").ClickAsync();
        await Expect(page.GetByTestId("desk-registered")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        var boundRecord = await Wait.ForAsync(() => RoutingTestData.WithDatabaseAsync(app.Services, db =>
            db.CallRecords.AsNoTracking().FirstOrDefaultAsync(r => r.CallerNumber.Contains("13907141234") && r.WorkOrderId != null)),
            () => "the work order was not bound to the call");
        var orderId = boundRecord.WorkOrderId!.Value;

        // Hold, resume, then hang up from the desktop.
        await page.GetByTestId("desk-hold").ClickAsync(new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("desk-on-hold")).ToBeVisibleAsync(Patient);
        var engine = app.Services.GetRequiredService<SipEngine>();
        var callerLeg = engine.Calls.ActiveLegs().Single(l => l.Direction == Lawline.Sip.Calls.LegDirection.Inbound && l.RemoteNumber.Contains("13907141234", StringComparison.Ordinal));
        await Wait.UntilAsync(() => engine.Calls.GetLeg(callerLeg.Id)?.OnHold == true, "the caller was not put on hold");
        await page.GetByTestId("desk-resume").ClickAsync();
        await Wait.UntilAsync(() => engine.Calls.GetLeg(callerLeg.Id)?.OnHold == false, "the caller was not taken off hold");
        await page.GetByTestId("desk-hangup").ClickAsync();
        // The lawyer's phone is hung up; the citizen stays for the survey and is satisfied.
        await softphone.WaitForEventAsync("CALL_CLOSED", TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await citizen.SendDtmfAsync("1");
        await citizen.WaitForEventAsync("CALL_CLOSED", TimeSpan.FromSeconds(30));

        await page.GotoAsync("/desk");
        await Expect(page.GetByTestId("desk-my-day-answered")).ToContainTextAsync("已接来电 1 个", new() { Timeout = 20_000 });
        var order = await Wait.ForAsync(() => RoutingTestData.WithDatabaseAsync(app.Services, async db =>
        {
            var found = await db.WorkOrders.AsNoTracking().SingleAsync(w => w.Id == orderId);
            return found.Rating is null ? null : found;
        }), () => "the work order never got the caller's rating");
        Assert.Equal(CallRating.Satisfied, order.Rating);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "desk-03-after-call.png"), FullPage = true });

        // The supervisor's wallboard counts the answered call and its rating.
        var wall = await (await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1600, Height = 1000 } })).NewPageAsync();
        await wall.GotoAsync("/account/login");
        await wall.GetByTestId("login-username").FillAsync("demo.supervisor");
        await wall.GetByTestId("login-password").FillAsync(supervisorPassword);
        await wall.GetByTestId("login-submit").ClickAsync();
        await Expect(wall.GetByTestId("page-title")).ToBeVisibleAsync(Patient);
        await wall.GotoAsync($"/supervisor/wallboard?platform={platformId}");
        var queue = wall.Locator("[data-testid=wallboard-queue]", new() { HasText = skillName });
        await Expect(queue.GetByTestId("queue-answered")).ToHaveTextAsync("1", new() { Timeout = 20_000 });
        await Expect(queue.GetByTestId("queue-rated")).ToHaveTextAsync("1");
        await Expect(queue.GetByTestId("queue-satisfaction")).ToHaveTextAsync("100.0%");
        await wall.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wallboard-04-after-real-call.png"), FullPage = true });
    }

    private static async Task<ApiClient> AdminAsync(BrowserApp app)
    {
        var api = new ApiClient(new HttpClient { BaseAddress = app.BaseAddress }, BrowserApp.AdminUserName);
        var token = await api.PostOkAsync<TokenResponse>("/api/auth/token", new TokenRequest(BrowserApp.AdminUserName, BrowserApp.AdminPassword), System.Net.HttpStatusCode.OK);
        api.UseToken(token.AccessToken);
        return api;
    }
}
