using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Lawline.Server.Analytics;
using Lawline.Server.Callers;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Analytics;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.WorkOrders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>
/// The platform manager opens 统计分析 for a district and today: the KPI cards say what the KPI API says, a category's
/// link opens the work orders behind it, and the category table's Excel file holds the same rows.
/// </summary>
public sealed class ManagerReadsStatisticsTests
{
    private const string ManagerUserName = "demo.manager";
    private const string ManagerPassword = "Manager-Statistics-2468";
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_manager_reads_the_statistics_of_a_district_drills_into_a_category_and_downloads_the_table()
    {
        await using var app = await BrowserApp.StartAsync();
        using var admin = await AdminAsync(app);
        var manager = Assert.Single(await admin.GetOkAsync<List<UserDto>>($"/api/users?search={ManagerUserName}"), u => u.UserName == ManagerUserName);
        await ApiClient.ExpectStatusAsync(await admin.Http.PostAsJsonAsync($"/api/users/{manager.Id}/password",
            new ResetPasswordRequest(ManagerPassword), ApiClient.Json), HttpStatusCode.NoContent);
        var district = await admin.CreatePlatformAsync(parentId: manager.PlatformId!.Value);

        var now = TimeProvider.System.GetUtcNow();
        var today = KpiDefinitions.DayOf(now);
        var (start, _) = KpiDefinitions.DayBounds(today);
        var (lastYear, _) = KpiDefinitions.DayBounds(today.AddYears(-1));
        var earlier = now.AddMinutes(-1) > start ? now.AddMinutes(-1) : start;
        await BreakdownTests.SeedCallsAsync(app.Services, district.Id,
            new BreakdownTests.Call(earlier, "湖北省", "武汉市") { WaitSeconds = 5, Rating = CallRating.Satisfied },
            new BreakdownTests.Call(earlier, "广东省", "广州市") { WaitSeconds = 8, Rating = CallRating.Dissatisfied },
            new BreakdownTests.Call(earlier, "湖北省", "武汉市") { Abandoned = AbandonedIn.Queue });
        await BreakdownTests.SeedCallsAsync(app.Services, district.Id, new BreakdownTests.Call(lastYear.AddHours(10), "湖北省", "武汉市") { WaitSeconds = 5 });
        await BreakdownTests.SeedWorkOrdersAsync(app.Services, district.Id, earlier,
            (WorkOrderTestData.WageArrears, WorkOrderChannel.Phone, CallerType.MigrantWorker),
            (WorkOrderTestData.WageArrears, WorkOrderChannel.Phone, CallerType.MigrantWorker),
            (WorkOrderTestData.Divorce, WorkOrderChannel.WebChat, CallerType.Woman));
        await app.Services.GetRequiredService<RollupWorker>().DrainAsync(CancellationToken.None);

        var day = BreakdownTests.Day(today);
        var kpis = await admin.GetOkAsync<KpiReport>($"/api/analytics/kpis?from={day}&to={day}&platform={district.Id}");
        Assert.Equal(3, kpis.Current.InboundCalls);
        var categories = await admin.GetOkAsync<CategoryReport>($"/api/analytics/categories?from={day}&to={day}&platform={district.Id}&level=2&top=4");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1600, Height = 1000 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        var browserErrors = new List<string>();
        page.PageError += (_, error) => browserErrors.Add(error);
        var screenshots = BrowserApp.ScreenshotDirectory();

        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-username").FillAsync(ManagerUserName);
        await page.GetByTestId("login-password").FillAsync(ManagerPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToBeVisibleAsync(Patient);
        await page.GetByTestId("nav-analytics").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("统计分析", new() { Timeout = 20_000 });

        await page.GotoAsync($"/analytics?platform={district.Id}&from={day}&to={day}");
        var cards = page.GetByTestId("analytics-kpis");
        await Expect(cards).ToBeVisibleAsync(Patient);
        await Expect(cards.GetByTestId("kpi-InboundCalls").GetByTestId("kpi-value")).ToHaveTextAsync("3");
        await Expect(cards.GetByTestId("kpi-WorkOrdersCreated").GetByTestId("kpi-value")).ToHaveTextAsync(kpis.Current.WorkOrdersCreated.ToString(CultureInfo.InvariantCulture));
        await Expect(cards.GetByTestId("kpi-ConnectionRate").GetByTestId("kpi-value")).ToHaveTextAsync(AnalyticsTables.Percent(kpis.Current.ConnectionRate));
        await Expect(cards.GetByTestId("kpi-SatisfactionRate").GetByTestId("kpi-value")).ToHaveTextAsync(AnalyticsTables.Percent(kpis.Current.SatisfactionRate));
        // 3 inbound calls against 1 on the same day a year ago: +200 %.
        var inbound = kpis.Changes.Single(c => c.Kpi == nameof(KpiSet.InboundCalls));
        Assert.Equal(2.0, inbound.YearOnYear);
        await Expect(cards.GetByTestId("kpi-InboundCalls").GetByTestId("kpi-yoy")).ToContainTextAsync("+200.00%");
        await Expect(page.GetByTestId("category-row")).ToHaveCountAsync(categories.Rows.Count);
        await Expect(page.GetByTestId("categories-top")).ToContainTextAsync("100.00%");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "analytics-01-district-today.png"), FullPage = true });

        // The Excel file of the category table has the API's rows.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-categories").ClickAsync());
        await using (var file = File.OpenRead(await download.PathAsync()))
        {
            var rows = BreakdownTests.ReadSheet(file);
            Assert.Equal(categories.Rows.Count + 1, rows.Count);
            var labour = categories.Rows.Single(r => r.Code == "MS.06");
            Assert.Equal(["MS.06", labour.Name, "2", AnalyticsTables.Percent(labour.Share), "0", "", ""], rows[1]);
        }

        // Drill-down: the labour category opens the work-order list of that category, district and day: its two orders.
        await page.Locator("[data-testid=category-row][data-code='MS.06']").GetByTestId("category-drill").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/work-orders\\?"));
        await Expect(page.GetByTestId("wo-row-number")).ToHaveCountAsync(2, new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "analytics-02-drill-down.png"), FullPage = true });
        Assert.Empty(browserErrors);
    }

    private static async Task<ApiClient> AdminAsync(BrowserApp app)
    {
        var api = new ApiClient(new HttpClient { BaseAddress = app.BaseAddress }, BrowserApp.AdminUserName);
        var token = await api.PostOkAsync<TokenResponse>("/api/auth/token", new TokenRequest(BrowserApp.AdminUserName, BrowserApp.AdminPassword), HttpStatusCode.OK);
        api.UseToken(token.AccessToken);
        return api;
    }
}
