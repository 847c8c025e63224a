using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>An administrator signs in, opens the lawyers page from the menu and registers a duty lawyer.</summary>
public sealed class AdminCreatesLawyerTests
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task The_new_lawyer_is_listed_after_saving_and_after_a_reload()
    {
        await using var app = await BrowserApp.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
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
        // A fresh installation per run, so fixed values are unique; none of them is in the demo data.
        const string name = "宋知行";
        const string licence = "14201202411000001";
        const string mobile = "13907140021";

        // Any page sends a signed-out visitor to the sign-in page, which speaks Chinese by default.
        await page.GotoAsync("/admin/lawyers");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login\\?ReturnUrl="));
        await Expect(page.Locator("h1")).ToHaveTextAsync("登录");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "01-login.png"), FullPage = true });

        await page.GetByTestId("login-username").FillAsync(BrowserApp.AdminUserName);
        await page.GetByTestId("login-password").FillAsync(BrowserApp.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToBeVisibleAsync(Patient);

        // Back home first, then to the lawyers page through the menu, as a person would.
        await page.GotoAsync("/");
        await Expect(page.GetByTestId("home-stats")).ToBeVisibleAsync(Patient);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "02-home-admin.png"), FullPage = true });
        await page.GetByTestId("nav-lawyers").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/lawyers$"));
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("律师/坐席人员");
        var table = page.GetByTestId("lawyers-table");
        await Expect(table.Locator("tbody tr").First).ToBeVisibleAsync(Patient);
        await Expect(table).ToContainTextAsync("值班律师");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "03-lawyers.png"), FullPage = true });

        await page.GetByTestId("lawyer-new").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToBeVisibleAsync(Patient);
        await ChooseAsync(page, "lawyer-kind", "值班律师");
        await page.GetByTestId("lawyer-name").FillAsync(name);
        await ChooseAsync(page, "lawyer-platform", "江岸区12348公共法律服务分平台");
        await ChooseAsync(page, "lawyer-lawfirm", "楚天（演示）律师事务所");
        await page.GetByTestId("lawyer-mobile").FillAsync(mobile);
        // A licence number a demo lawyer already holds: the server refuses it, and says so beside the field.
        await page.GetByTestId("lawyer-license").FillAsync("14201201010100000");
        await page.GetByTestId("lawyer-save").ClickAsync();
        await Expect(dialog).ToContainTextAsync("该执业证号已登记在其他人员名下", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("lawyer-name")).ToHaveValueAsync(name);
        await Expect(page.GetByTestId("lawyer-mobile")).ToHaveValueAsync(mobile);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "04-lawyer-dialog-error.png"), FullPage = true });

        await page.GetByTestId("lawyer-license").FillAsync(licence);
        await page.GetByTestId("lawyer-save").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 20_000 });

        var row = table.Locator("tbody tr", new() { HasText = name });
        await Expect(row).ToBeVisibleAsync(Patient);
        await Expect(row).ToContainTextAsync(licence);
        await Expect(row).ToContainTextAsync("楚天（演示）律师事务所");
        await Expect(row).ToContainTextAsync("江岸区12348公共法律服务分平台");
        await Expect(row).ToContainTextAsync($"139****{mobile[^4..]}");
        await Expect(row).ToContainTextAsync("在库");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "05-lawyer-created.png"), FullPage = true });

        // Stored, not just shown: a fresh page load finds it through the search box.
        await page.ReloadAsync();
        await Expect(table.Locator("tbody tr").First).ToBeVisibleAsync(Patient);
        await page.GetByTestId("lawyers-search").FillAsync(name);
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Expect(table.Locator("tbody tr", new() { HasText = name })).ToContainTextAsync(licence);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "06-lawyer-after-reload.png"), FullPage = true });

        Assert.Empty(browserErrors);
    }

    /// <summary>Opens a MudBlazor select by its input and picks the option with the given text.</summary>
    private static async Task ChooseAsync(IPage page, string testId, string option)
    {
        await page.GetByTestId(testId).ClickAsync();
        var item = page.Locator(".mud-popover-open .mud-list-item", new() { HasText = option });
        await item.First.ClickAsync();
        await Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0, new() { Timeout = 10_000 });
    }
}
