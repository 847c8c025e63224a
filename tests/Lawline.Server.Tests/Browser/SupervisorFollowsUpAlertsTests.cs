using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Lawline.Server.Analytics;
using Lawline.Server.Analytics.Monitoring;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>
/// The city supervisor opens 监测预警, finds the repeat caller, records the call-back and sees it followed up; then
/// opens 热点分析 and finds wage arrears (拖欠工资) rising with a link to one of its work orders.
/// </summary>
public sealed class SupervisorFollowsUpAlertsTests
{
    private const string SupervisorUserName = "demo.supervisor";
    private const string SupervisorPassword = "Supervisor-Alerts-2468";
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_supervisor_follows_up_a_repeat_caller_and_sees_wage_arrears_rising()
    {
        await using var app = await BrowserApp.StartAsync();
        var cityId = await UseKnownPasswordAsync(app);
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var number = "+8613907149999";
        await RoutingTestData.WithDatabaseAsync(app.Services, async db =>
        {
            for (var i = 1; i <= 3; i++)
            {
                db.CallRecords.Add(new CallRecord
                {
                    PlatformId = cityId, Channel = CallChannel.Inbound, CallerLeg = "leg-" + Guid.NewGuid().ToString("N")[..12], SipCallId = Guid.NewGuid().ToString("N"),
                    CallerNumber = number, DialedNumber = "12348", ArrivedAt = now.AddDays(-i), EndedAt = now.AddDays(-i).AddMinutes(3),
                });
            }

            var owner = await db.Users.IgnoreQueryFilters().MinAsync(u => u.Id);
            for (var i = 0; i < 10; i++)
            {
                var order = WorkOrder.Register(cityId, $"AL-{Guid.NewGuid():N}"[..20], owner, "admin", now.AddHours(-i * 5), now.AddDays(5));
                order.Question = "包工头拖欠工资三个月不发怎么办";
                db.WorkOrders.Add(order);
            }

            await db.SaveChangesAsync();
            return 0;
        });
        var latest = await RoutingTestData.WithDatabaseAsync(app.Services, db => db.CallRecords.Where(r => r.CallerNumber == number).MaxAsync(r => r.Id));
        Assert.True(await app.Services.GetRequiredService<RepeatCallerMonitor>().CheckAsync(cityId, latest, CancellationToken.None));
        await app.Services.GetRequiredService<RollupWorker>().DrainAsync(CancellationToken.None);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-username").FillAsync(SupervisorUserName);
        await page.GetByTestId("login-password").FillAsync(SupervisorPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToBeVisibleAsync(Patient);

        await page.GetByTestId("nav-alerts").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/analytics/alerts$"));
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("监测预警");
        var row = page.GetByTestId("alerts-table").Locator("tbody tr", new() { HasText = "139****9999" });
        await Expect(row).ToBeVisibleAsync(Patient);
        await Expect(row.GetByTestId("alert-status")).ToHaveTextAsync("待处理");
        await row.GetByTestId("alert-note").FillAsync("中心主任已回电，指派律师上门");
        await row.GetByTestId("alert-note").BlurAsync();
        await row.GetByTestId("alert-follow-up").ClickAsync();
        await Expect(row.GetByTestId("alert-status")).ToHaveTextAsync("已跟进", new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory(), "monitoring-alerts.png"), FullPage = true });

        await page.GetByTestId("nav-topics").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/analytics/topics$"));
        var wage = page.GetByTestId("topics-rising").Locator("tbody tr", new() { Has = page.GetByTestId("topic-term").GetByText("拖欠工资", new() { Exact = true }) });
        await Expect(wage).ToBeVisibleAsync(Patient);
        await Expect(wage.GetByTestId("topic-example").First).ToHaveAttributeAsync("href", new Regex(@"work-orders/\d+$"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory(), "hot-topics.png"), FullPage = true });
    }

    private static async Task<int> UseKnownPasswordAsync(BrowserApp app)
    {
        var api = new ApiClient(new HttpClient { BaseAddress = app.BaseAddress }, BrowserApp.AdminUserName);
        var token = await api.PostOkAsync<TokenResponse>("/api/auth/token", new TokenRequest(BrowserApp.AdminUserName, BrowserApp.AdminPassword), HttpStatusCode.OK);
        api.UseToken(token.AccessToken);
        using (api)
        {
            var supervisor = Assert.Single(await api.GetOkAsync<List<UserDto>>($"/api/users?search={SupervisorUserName}"), u => u.UserName == SupervisorUserName);
            await ApiClient.ExpectStatusAsync(await api.Http.PostAsJsonAsync($"/api/users/{supervisor.Id}/password",
                new ResetPasswordRequest(SupervisorPassword), ApiClient.Json), HttpStatusCode.NoContent);
            return supervisor.PlatformId!.Value;
        }
    }
}
