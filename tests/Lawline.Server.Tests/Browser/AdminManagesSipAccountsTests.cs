using Lawline.Server.Tests.Telephony;
using Lawline.Sip;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>An administrator creates a SIP account for a lawyer's phone, sees the phone come online, and disables it.</summary>
public sealed class AdminManagesSipAccountsTests
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_new_account_shows_its_phone_online_without_a_reload_and_goes_offline_when_disabled()
    {
        await using var app = await BrowserApp.StartAsync(telephony: true);
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
        const string extension = "8101";
        const string password = "phone-secret-42";

        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-username").FillAsync(BrowserApp.AdminUserName);
        await page.GetByTestId("login-password").FillAsync(BrowserApp.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToBeVisibleAsync(Patient);

        await page.GetByTestId("nav-sip-accounts").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/sip-accounts$"));
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("电话账号");
        var engine = app.Services.GetRequiredService<SipEngine>();
        await Expect(page.GetByTestId("sip-phone-settings")).ToContainTextAsync($"端口 {engine.LocalEndPoint.Port}", new() { Timeout = 20_000 });

        await page.GetByTestId("sip-account-new").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToBeVisibleAsync(Patient);
        await page.GetByTestId("sip-account-username").FillAsync(extension);
        await page.GetByTestId("sip-account-display-name").FillAsync("江岸一号席");
        await ChooseAsync(page, "sip-account-platform", "江岸区12348公共法律服务分平台");
        await ChooseAsync(page, "sip-account-agent", null);
        await page.GetByTestId("sip-account-password").FillAsync(password);
        await page.GetByTestId("sip-account-password-confirm").FillAsync(password + "x");
        await page.GetByTestId("sip-account-save").ClickAsync();
        await Expect(dialog).ToContainTextAsync("两次输入的密码不一致", new() { Timeout = 20_000 });
        await page.GetByTestId("sip-account-password-confirm").FillAsync(password);
        await page.GetByTestId("sip-account-save").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 20_000 });

        var row = page.GetByTestId("sip-accounts-table").Locator("tbody tr", new() { HasText = extension });
        await Expect(row).ToBeVisibleAsync(Patient);
        await Expect(row).ToContainTextAsync("江岸一号席");
        await Expect(row).ToContainTextAsync("离线");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "sip-01-account-created.png"), FullPage = true });

        // The phone registers: the row turns online by itself, with the phone's address and name.
        using var phone = new SipTestPhone(engine.LocalEndPoint);
        Assert.Equal(200, (await phone.RegisterAsync(extension, password)).StatusCode);
        await Expect(row).ToContainTextAsync("在线", new() { Timeout = 20_000 });
        await Expect(row).ToContainTextAsync(phone.LocalEndPoint.ToString());
        await Expect(row).ToContainTextAsync(phone.UserAgent);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "sip-02-phone-online.png"), FullPage = true });

        await row.GetByTestId("sip-account-disable").ClickAsync();
        await Expect(row).ToContainTextAsync("已停用", new() { Timeout = 20_000 });
        await Expect(row).ToContainTextAsync("离线");
        Assert.Equal(403, (await phone.RegisterAsync(extension, password)).StatusCode);

        Assert.Empty(browserErrors);
    }

    /// <summary>Opens a MudBlazor select by its input and picks the option with the given text (or the first one).</summary>
    private static async Task ChooseAsync(IPage page, string testId, string? option)
    {
        await page.GetByTestId(testId).ClickAsync();
        var item = option is null
            ? page.Locator(".mud-popover-open .mud-list-item")
            : page.Locator(".mud-popover-open .mud-list-item", new() { HasText = option });
        await item.First.ClickAsync();
        await Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0, new() { Timeout = 10_000 });
    }
}
