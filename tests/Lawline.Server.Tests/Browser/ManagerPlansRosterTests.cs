using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>The administrator plans a shift on the duty roster page; a clashing shift is refused beside the field.</summary>
public sealed class ManagerPlansRosterTests
{
    [Fact]
    public async Task A_shift_added_on_the_roster_shows_in_the_week_and_a_clash_is_refused_beside_the_field()
    {
        await using var app = await BrowserApp.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var page = await (await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } })).NewPageAsync();
        var browserErrors = new List<string>();
        page.PageError += (_, error) => browserErrors.Add(error);

        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-username").FillAsync(BrowserApp.AdminUserName);
        await page.GetByTestId("login-password").FillAsync(BrowserApp.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.GetByTestId("nav-roster").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/roster$"));
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("排班管理");
        var rows = page.GetByTestId("roster-row");
        await Expect(rows.First).ToBeVisibleAsync(new() { Timeout = 20_000 });

        // A morning shift today for the first lawyer in the first seat.
        await page.GetByTestId("roster-seat").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").First.ClickAsync();
        await page.GetByTestId("roster-agent").ClickAsync();
        var firstAgent = page.Locator(".mud-popover-open .mud-list-item").First;
        var agentName = (await firstAgent.InnerTextAsync()).Split(' ', '\n')[0].Trim();
        await firstAgent.ClickAsync();
        await page.GetByTestId("roster-save").ClickAsync();
        var shift = page.GetByTestId("roster-shift");
        await Expect(shift).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Expect(shift).ToContainTextAsync(agentName);
        await Expect(shift).ToContainTextAsync("08:30–12:00");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory(), "roster-01-shift.png"), FullPage = true });

        // The same seat again at an overlapping time: refused, in Chinese, beside the seat.
        await page.GetByTestId("roster-seat").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").First.ClickAsync();
        await page.GetByTestId("roster-agent").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Nth(1).ClickAsync();
        await page.GetByTestId("roster-start").FillAsync("10:00");
        await page.GetByTestId("roster-save").ClickAsync();
        await Expect(page.GetByTestId("roster-add")).ToContainTextAsync("已安排", new() { Timeout = 10_000 });
        await Expect(shift).ToHaveCountAsync(1);

        Assert.Empty(browserErrors);
    }
}
