using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>An administrator edits the legal-aid guidance SMS and watches the counter say how many SMS it takes.</summary>
public sealed class AdminEditsSmsTemplatesTests
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task The_counter_follows_the_text_and_the_saved_template_shows_its_length()
    {
        await using var app = await BrowserApp.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-username").FillAsync(BrowserApp.AdminUserName);
        await page.GetByTestId("login-password").FillAsync(BrowserApp.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToBeVisibleAsync(Patient);

        await page.GetByTestId("nav-sms-templates").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("短信模板", new() { Timeout = 20_000 });
        var row = page.Locator("tr", new() { HasText = "legal-aid-guidance" });
        await Expect(row).ToContainTextAsync("法律援助中心引导", new() { Timeout = 20_000 });

        await row.GetByTestId("sms-template-edit").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToBeVisibleAsync(Patient);
        await Expect(page.GetByTestId("sms-template-placeholders")).ToContainTextAsync("{机构名称}", new() { Timeout = 20_000 });

        var body = page.GetByTestId("sms-template-body");
        var seventy = "【{热线名称}】" + new string('法', 70 - "【{热线名称}】".Length);
        await body.FillAsync(seventy);
        await Expect(page.GetByTestId("sms-template-counter")).ToContainTextAsync("70 字 · 1 条短信（每条 70 字）", new() { Timeout = 20_000 });
        await body.FillAsync(seventy + "援");
        await Expect(page.GetByTestId("sms-template-counter")).ToContainTextAsync("71 字 · 2 条短信（每条 67 字）", new() { Timeout = 20_000 });

        await page.GetByTestId("sms-template-save").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 20_000 });
        await Expect(row.GetByTestId("sms-template-length")).ToContainTextAsync("71 字 · 2 条短信", new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory(), "sms-templates.png") });
    }
}
