using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Lawline.Server.Agents;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.Satisfaction;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>
/// The city supervisor opens 满意度统计: a lawyer's 评价率 and 满意率 this month, the lawyer's recent ratings, the same row
/// in the Excel file; then the wallboard's card, whose 满意率 changes when a caller rates a call.
/// </summary>
public sealed class SupervisorReadsSatisfactionTests
{
    private const string SupervisorUserName = "demo.supervisor";
    private const string SupervisorPassword = "Supervisor-Satisfaction-2468";
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_supervisor_sees_a_lawyer_s_figures_downloads_them_and_the_wallboard_follows_a_new_rating()
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

        // Today the lawyer answered two calls: one rated 满意, one not (yet).
        var now = TimeProvider.System.GetUtcNow();
        var unrated = await RoutingTestData.WithDatabaseAsync(app.Services, async db =>
        {
            var rated = Call(cityId, lawyer.Id, now.AddMinutes(-9), CallRating.Satisfied);
            var open = Call(cityId, lawyer.Id, now.AddMinutes(-5), null);
            db.CallRecords.AddRange(rated, open);
            await db.SaveChangesAsync();
            return open.Id;
        });
        var router = app.Services.GetRequiredService<CallRouter>();
        router.Configure(await app.Services.GetRequiredService<RoutingDirectory>().RefreshAsync(CancellationToken.None));
        var id = new AgentId(lawyer.Id);
        router.SetReady(id);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1600, Height = 1000 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        var browserErrors = new List<string>();
        page.PageError += (_, error) => browserErrors.Add(error);
        var screenshots = BrowserApp.ScreenshotDirectory();

        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-username").FillAsync(SupervisorUserName);
        await page.GetByTestId("login-password").FillAsync(SupervisorPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToBeVisibleAsync(Patient);
        await page.GetByTestId("nav-satisfaction").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/satisfaction$"));
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("满意度统计");

        // This month, by lawyer: 2 services, 1 rated, 评价率 50.00 %, 满意率 100.00 %.
        var row = page.Locator($"[data-testid=satisfaction-row][data-id='{lawyer.Id}']");
        await Expect(row).ToBeVisibleAsync(Patient);
        await Expect(row.GetByTestId("satisfaction-agent-link")).ToHaveTextAsync(lawyer.Name);
        await Expect(row.GetByTestId("cell-answered")).ToHaveTextAsync("2");
        await Expect(row.GetByTestId("cell-rated")).ToHaveTextAsync("1");
        await Expect(row.GetByTestId("cell-rating-rate")).ToHaveTextAsync("50.00%");
        await Expect(row.GetByTestId("cell-satisfaction")).ToHaveTextAsync("100.00%");
        await Expect(row.GetByTestId("cell-strict")).ToHaveTextAsync("100.00%");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "satisfaction-01-by-lawyer.png"), FullPage = true });

        // The lawyer's recent ratings: the one 满意, no 回访.
        await row.GetByTestId("satisfaction-agent-link").ClickAsync();
        var ratings = page.GetByTestId("satisfaction-agent-ratings");
        await Expect(ratings).ToBeVisibleAsync(Patient);
        await Expect(ratings.GetByTestId("satisfaction-rating-row")).ToHaveCountAsync(1);
        await Expect(ratings.GetByTestId("rating-value")).ToHaveTextAsync("满意");
        await Expect(ratings.GetByTestId("rating-callback")).ToHaveTextAsync("无");

        // The Excel file has the same row.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("satisfaction-export").ClickAsync());
        using (var workbook = SpreadsheetDocument.Open(await download.PathAsync(), false))
        {
            var rows = workbook.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<Row>()
                .Select(r => r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.InnerText ?? "").ToList()).ToList();
            Assert.Equal(SatisfactionKpiExport.Headers, rows[0]);
            var mine = Assert.Single(rows, r => r[0] == lawyer.Name);
            Assert.Equal([lawyer.Name, "2", "1", "1", "0", "0", "50.00%", "100.00%", "100.00%", "0", "0", "0", ""], mine);
        }

        // The wallboard's card of the city shows today's figures of the city by the same definitions.
        await page.GotoAsync($"/supervisor/wallboard?platform={cityId}");
        var card = page.Locator($"[data-testid=wallboard-platform-card][data-platform='{cityId}']");
        await Expect(card).ToBeVisibleAsync(Patient);
        await Expect(card.GetByTestId("card-satisfaction")).ToHaveTextAsync(await ExpectedSatisfactionAsync(admin, cityId), new() { Timeout = 10_000 });
        var before = await card.GetByTestId("card-satisfaction").TextContentAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "satisfaction-02-wallboard.png"), FullPage = true });

        // The caller of the open call presses 3 (不满意), stored and announced as the call flow does: the card follows, no reload.
        var at = TimeProvider.System.GetUtcNow();
        await app.Services.GetRequiredService<CallRecordStore>().RateAsync(unrated, CallRating.Dissatisfied, at);
        await app.Services.GetRequiredService<CallNotifier>().PublishAsync(
            new AgentCallEvent(AgentCallStage.Rated, id, unrated, cityId, "+8613800000000", "LABOR", false, CallRating.Dissatisfied, at));
        var expected = await ExpectedSatisfactionAsync(admin, cityId);
        Assert.NotEqual(before, expected);
        await Expect(card.GetByTestId("card-satisfaction")).ToHaveTextAsync(expected, new() { Timeout = 15_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "satisfaction-03-wallboard-after-rating.png"), FullPage = true });

        router.LogOut(id);
        Assert.Empty(browserErrors);
    }

    /// <summary>Today's 满意率 of the platform itself (not its sub-platforms), as the card should show it.</summary>
    private static async Task<string> ExpectedSatisfactionAsync(ApiClient admin, int platformId)
    {
        var table = await admin.GetOkAsync<SatisfactionKpiTable>($"/api/satisfaction/kpis?platformId={platformId}&groupBy=Platform");
        var own = Assert.Single(table.Rows, r => r.Id == platformId);
        return SatisfactionKpiExport.Percent(own.Counts.SatisfactionRate);
    }

    private static CallRecord Call(int platformId, int agentId, DateTimeOffset arrived, CallRating? rating) => new()
    {
        PlatformId = platformId,
        CallerLeg = "leg-" + Guid.NewGuid().ToString("N")[..12],
        SipCallId = Guid.NewGuid().ToString("N"),
        CallerNumber = Unique.Mobile(),
        DialedNumber = "12348",
        ArrivedAt = arrived,
        SkillCode = "LABOR",
        QueuedAt = arrived.AddSeconds(20),
        AnsweredAt = arrived.AddSeconds(30),
        TalkEndedAt = arrived.AddMinutes(4),
        AgentId = agentId,
        Rating = rating,
        RatedAt = rating is null ? null : arrived.AddMinutes(5),
        EndedAt = arrived.AddMinutes(5),
    };

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
