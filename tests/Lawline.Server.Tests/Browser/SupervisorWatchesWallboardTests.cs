using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Lawline.Server.Agents;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>
/// The Wuhan city supervisor opens 监控大屏: today's labour queue with its 及时率 and 接通率 from the call records, a
/// duty lawyer shown as 就绪, who then takes a break — and the board says 小休 without a reload.
/// </summary>
public sealed class SupervisorWatchesWallboardTests
{
    private const string SupervisorUserName = "demo.supervisor";
    private const string SupervisorPassword = "Supervisor-Wallboard-2468";
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_supervisor_sees_today_s_queue_figures_and_an_agent_s_break_without_a_reload()
    {
        await using var app = await BrowserApp.StartAsync();
        using var admin = await AdminAsync(app);
        var cityId = await UseKnownPasswordAsync(admin);
        var firm = await admin.CreateLawFirmAsync(cityId);
        var labour = (await admin.GetOkAsync<List<SkillDto>>("/api/skills")).Single(s => s.Code == "LABOR");
        var lawyer = await admin.PostOkAsync<AgentDto>("/api/agents",
            TestData.DutyLawyer(cityId, firm.Id) with { Skills = [new AgentSkillRequest(labour.Id, 3)] });
        await RoutingTestData.WithDatabaseAsync(app.Services, async db =>
        {
            var agent = await db.Agents.AsTracking().SingleAsync(a => a.Id == lawyer.Id);
            agent.RemoteSeat = true;
            return agent;
        });

        // Today: answered in 10 s, answered in 30 s, and a caller who gave up in the queue.
        var now = TimeProvider.System.GetUtcNow();
        await RoutingTestData.WithDatabaseAsync(app.Services, db =>
        {
            db.CallRecords.AddRange(
                Call(cityId, now.AddMinutes(-9), waited: TimeSpan.FromSeconds(10)),
                Call(cityId, now.AddMinutes(-8), waited: TimeSpan.FromSeconds(30)),
                Call(cityId, now.AddMinutes(-7), waited: null));
            return Task.FromResult(0);
        });

        var router = app.Services.GetRequiredService<CallRouter>();
        router.Configure(await app.Services.GetRequiredService<RoutingDirectory>().RefreshAsync(CancellationToken.None));
        var id = new AgentId(lawyer.Id);
        router.SetReady(id);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1600, Height = 1000 } });
        var page = await context.NewPageAsync();
        var browserErrors = new List<string>();
        page.PageError += (_, error) => browserErrors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                browserErrors.Add(message.Text);
            }
        };
        var screenshots = BrowserApp.ScreenshotDirectory();

        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-username").FillAsync(SupervisorUserName);
        await page.GetByTestId("login-password").FillAsync(SupervisorPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToBeVisibleAsync(Patient);
        await page.GetByTestId("nav-wallboard").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/supervisor/wallboard$"));
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("监控大屏");

        var queue = page.Locator($"[data-testid=wallboard-queue][data-queue='{cityId}:LABOR']");
        await Expect(queue).ToBeVisibleAsync(Patient);
        await Expect(queue.GetByTestId("queue-skill")).ToHaveTextAsync("劳动争议");
        await Expect(queue.GetByTestId("queue-answered")).ToHaveTextAsync("2");
        await Expect(queue.GetByTestId("queue-abandoned")).ToHaveTextAsync("1");
        await Expect(queue.GetByTestId("queue-sl")).ToHaveTextAsync("50.0%");
        await Expect(queue.GetByTestId("queue-connection")).ToHaveTextAsync("66.7%");
        await Expect(queue.GetByTestId("queue-agents")).ToHaveTextAsync("1/1");

        var tile = page.Locator($"[data-testid=wallboard-agent][data-agent='{lawyer.Id}']");
        await Expect(tile.GetByTestId("agent-name")).ToHaveTextAsync(lawyer.Name);
        await Expect(tile.GetByTestId("agent-state")).ToHaveTextAsync("就绪");
        await Expect(tile).ToHaveClassAsync(new Regex("state-ready"));
        // The clock in the tile ticks by itself.
        var first = await tile.GetByTestId("agent-time").TextContentAsync();
        await Expect(tile.GetByTestId("agent-time")).Not.ToHaveTextAsync(first!, new() { Timeout = 5_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wallboard-01.png"), FullPage = true });

        // The lawyer takes a break (through the router, as the desktop would): the board follows without a reload.
        router.SetNotReady(id, NotReadyReason.Break);
        await Expect(tile.GetByTestId("agent-state")).ToHaveTextAsync("小休", new() { Timeout = 3_000 });
        await Expect(tile).ToHaveClassAsync(new Regex("state-notready"));
        await Expect(queue.GetByTestId("queue-agents")).ToHaveTextAsync("0/0");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wallboard-02-break.png"), FullPage = true });

        // 大屏模式: the same board without the menu.
        await page.GotoAsync($"/supervisor/wallboard?display=1&platform={cityId}");
        await Expect(page.GetByTestId("wallboard")).ToHaveClassAsync(new Regex("wallboard-display"), new() { Timeout = 20_000 });
        await Expect(page.Locator(".mud-appbar")).ToBeHiddenAsync();
        await Expect(page.Locator($"[data-testid=wallboard-agent][data-agent='{lawyer.Id}']").GetByTestId("agent-state")).ToHaveTextAsync("小休", new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wallboard-03-display.png"), FullPage = true });

        router.LogOut(id);
        Assert.Empty(browserErrors);
    }

    [Fact]
    public async Task A_wall_screen_opens_a_display_link_without_signing_in_and_the_link_stops_working_once_revoked()
    {
        await using var app = await BrowserApp.StartAsync();
        using var admin = await AdminAsync(app);
        var cityId = await UseKnownPasswordAsync(admin);
        var firm = await admin.CreateLawFirmAsync(cityId);
        var labour = (await admin.GetOkAsync<List<SkillDto>>("/api/skills")).Single(s => s.Code == "LABOR");
        var lawyer = await admin.PostOkAsync<AgentDto>("/api/agents",
            TestData.DutyLawyer(cityId, firm.Id) with { Skills = [new AgentSkillRequest(labour.Id, 3)] });
        await RoutingTestData.WithDatabaseAsync(app.Services, async db =>
        {
            var agent = await db.Agents.AsTracking().SingleAsync(a => a.Id == lawyer.Id);
            agent.RemoteSeat = true;
            return agent;
        });
        var now = TimeProvider.System.GetUtcNow();
        await RoutingTestData.WithDatabaseAsync(app.Services, db =>
        {
            db.CallRecords.AddRange(
                Call(cityId, now.AddMinutes(-9), waited: TimeSpan.FromSeconds(10)),
                Call(cityId, now.AddMinutes(-7), waited: null));
            return Task.FromResult(0);
        });
        var router = app.Services.GetRequiredService<CallRouter>();
        router.Configure(await app.Services.GetRequiredService<RoutingDirectory>().RefreshAsync(CancellationToken.None));
        var id = new AgentId(lawyer.Id);
        router.SetReady(id);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var screenshots = BrowserApp.ScreenshotDirectory();
        var browserErrors = new List<string>();

        // The supervisor creates a display link on the wallboard; it is shown once.
        var supervisorContext = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1600, Height = 1000 } });
        var page = await supervisorContext.NewPageAsync();
        page.PageError += (_, error) => browserErrors.Add(error);
        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-username").FillAsync(SupervisorUserName);
        await page.GetByTestId("login-password").FillAsync(SupervisorPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToBeVisibleAsync(Patient);
        await page.GotoAsync($"/supervisor/wallboard?platform={cityId}");
        await Expect(page.GetByTestId("wallboard-platform-card").First).ToBeVisibleAsync(Patient);
        await page.GetByTestId("wallboard-display-links").ClickAsync();
        await page.GetByTestId("wall-display-name").FillAsync("值班大厅大屏");
        await page.GetByTestId("wall-display-create").ClickAsync();
        var url = await page.GetByTestId("wall-display-url").TextContentAsync(new() { Timeout = 20_000 });
        Assert.Matches(new Regex("/wall/[A-Za-z0-9_-]{43}$"), url);
        await Expect(page.GetByTestId("wall-display-row").First).ToContainTextAsync("值班大厅大屏");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wallboard-04-display-links.png"), FullPage = true });
        await page.GetByTestId("wall-display-close").ClickAsync();

        // The wall screen: nobody signed in, the board of the city in big type with the charts.
        var screenContext = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        var screen = await screenContext.NewPageAsync();
        screen.PageError += (_, error) => browserErrors.Add(error);
        await screen.GotoAsync(url!);
        await Expect(screen).ToHaveURLAsync(new Regex("/wall/"));
        await Expect(screen.GetByTestId("wallboard")).ToHaveClassAsync(new Regex("wallboard-display"), new() { Timeout = 20_000 });
        await Expect(screen.Locator($"[data-testid=wallboard-platform-card][data-platform='{cityId}']")).ToBeVisibleAsync(Patient);
        var queue = screen.Locator($"[data-testid=wallboard-queue][data-queue='{cityId}:LABOR']");
        await Expect(queue.GetByTestId("queue-answered")).ToHaveTextAsync("1", new() { Timeout = 20_000 });
        await Expect(queue.GetByTestId("queue-abandoned")).ToHaveTextAsync("1");
        await Expect(screen.Locator($"[data-testid=wallboard-agent][data-agent='{lawyer.Id}']").GetByTestId("agent-state")).ToHaveTextAsync("就绪");
        await Expect(screen.GetByTestId("wallboard-chart-calls").Locator("svg").First).ToBeVisibleAsync(Patient);
        await Expect(screen.GetByTestId("wallboard-chart-agents").Locator("svg").First).ToBeVisibleAsync(Patient);
        // Read-only: no menu, no sign-out, no link into the app.
        await Expect(screen.Locator(".mud-appbar")).ToHaveCountAsync(0);
        Assert.Equal(0, await screen.Locator("[data-testid=wallboard] a[href^='/']").CountAsync());
        // Live, like the supervisors' board: a break shows without a reload.
        router.SetNotReady(id, NotReadyReason.Break);
        await Expect(screen.Locator($"[data-testid=wallboard-agent][data-agent='{lawyer.Id}']").GetByTestId("agent-state")).ToHaveTextAsync("小休", new() { Timeout = 5_000 });
        await screen.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wallboard-05-wall-display.png"), FullPage = true });

        // Revoked on the wallboard: the screen says so at its next check, and a reload too.
        await page.GetByTestId("wallboard-display-links").ClickAsync();
        await page.GetByTestId("wall-display-revoke").First.ClickAsync();
        await Expect(page.GetByTestId("wall-display-status").First).ToHaveTextAsync("已撤销", new() { Timeout = 10_000 });
        await Expect(screen.GetByTestId("wall-invalid")).ToContainTextAsync("链接无效或已撤销", new() { Timeout = 15_000 });
        await screen.ReloadAsync();
        await Expect(screen.GetByTestId("wall-invalid")).ToContainTextAsync("链接无效或已撤销", new() { Timeout = 20_000 });
        await screen.GotoAsync(new Uri(app.BaseAddress, "/wall/not-a-real-token").ToString());
        await Expect(screen.GetByTestId("wall-invalid")).ToBeVisibleAsync(Patient);

        router.LogOut(id);
        Assert.Empty(browserErrors);
    }

    private static CallRecord Call(int platformId, DateTimeOffset arrived, TimeSpan? waited)
    {
        var queued = arrived.AddSeconds(20);
        return new CallRecord
        {
            PlatformId = platformId,
            CallerLeg = "leg-" + Guid.NewGuid().ToString("N")[..12],
            SipCallId = Guid.NewGuid().ToString("N"),
            CallerNumber = Unique.Mobile(),
            DialedNumber = "12348",
            ArrivedAt = arrived,
            SkillCode = "LABOR",
            QueuedAt = queued,
            AnsweredAt = waited is { } w ? queued + w : null,
            TalkEndedAt = waited is { } t ? queued + t + TimeSpan.FromMinutes(4) : null,
            AbandonedIn = waited is null ? AbandonedIn.Queue : null,
            AbandonedAt = waited is null ? queued.AddSeconds(45) : null,
            EndedAt = arrived.AddMinutes(5),
        };
    }

    /// <summary>Demo accounts get a random password; the administrator sets a known one. Returns the supervisor's platform.</summary>
    private static async Task<int> UseKnownPasswordAsync(ApiClient admin)
    {
        var supervisor = Assert.Single(await admin.GetOkAsync<List<UserDto>>($"/api/users?search={SupervisorUserName}"), u => u.UserName == SupervisorUserName);
        await ApiClient.ExpectStatusAsync(await admin.Http.PostAsJsonAsync($"/api/users/{supervisor.Id}/password",
            new ResetPasswordRequest(SupervisorPassword), ApiClient.Json), HttpStatusCode.NoContent);
        return supervisor.PlatformId!.Value;
    }

    private static async Task<ApiClient> AdminAsync(BrowserApp app)
    {
        var api = new ApiClient(new HttpClient { BaseAddress = app.BaseAddress }, BrowserApp.AdminUserName);
        var token = await api.PostOkAsync<TokenResponse>("/api/auth/token", new TokenRequest(BrowserApp.AdminUserName, BrowserApp.AdminPassword), HttpStatusCode.OK);
        api.UseToken(token.AccessToken);
        return api;
    }
}
