using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>An administrator browses the consultation taxonomy, imports a file (a faulty one first) and retires a category.</summary>
public sealed class AdminManagesTaxonomyTests
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_faulty_file_is_refused_line_by_line_then_a_good_one_is_imported_and_its_category_retired()
    {
        await using var app = await BrowserApp.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        var browserErrors = new List<string>();
        page.PageError += (_, error) => browserErrors.Add(error);
        var screenshots = BrowserApp.ScreenshotDirectory();

        await page.GotoAsync("/");
        await page.GetByTestId("login-username").FillAsync(BrowserApp.AdminUserName);
        await page.GetByTestId("login-password").FillAsync(BrowserApp.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToBeVisibleAsync(Patient);

        await page.GetByTestId("nav-taxonomy").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/taxonomy$"));
        var roots = page.GetByTestId("taxonomy-roots");
        await Expect(roots).ToContainTextAsync("民事案件案由", new() { Timeout = 20_000 });
        await Expect(roots).ToContainTextAsync("刑事罪名");
        await Expect(page.GetByTestId("taxonomy-export-csv")).ToHaveAttributeAsync("href", "api/taxonomy/export?format=csv");

        // Found by its code through the picker; the tree opens down to it.
        var search = page.GetByTestId("taxonomy-search");
        await search.ClickAsync();
        await search.PressSequentiallyAsync("MS.02.02.014");
        await Expect(page.Locator(".mud-popover-open .category-option", new() { HasText = "离婚纠纷" }).First).ToBeVisibleAsync(Patient);
        await search.PressAsync("Enter");
        var details = page.GetByTestId("taxonomy-details");
        await Expect(details).ToContainTextAsync("离婚纠纷", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("taxonomy-code")).ToHaveTextAsync("MS.02.02.014");
        await Expect(details).ToContainTextAsync("婚姻家庭");
        await Expect(page.GetByTestId("taxonomy-revisions")).ToContainTextAsync("新增");
        await Expect(page.GetByTestId("taxonomy-tree")).ToContainTextAsync("婚姻家庭、继承纠纷");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-21-taxonomy.png"), FullPage = true });

        // A file whose parent is missing: nothing is imported, and the dialog says which node is at fault.
        await page.GetByTestId("taxonomy-import").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToBeVisibleAsync(Patient);
        await dialog.Locator("input[type=file]").First.SetInputFilesAsync(Csv("bad.csv",
            "code,name,parent_code,level,skill\nZX-FL.98,测试专用类别,ZX-NOPE,2,\n"));
        await page.GetByTestId("taxonomy-import-submit").ClickAsync();
        var errors = page.GetByTestId("taxonomy-import-errors");
        await Expect(errors).ToContainTextAsync("第 1 项", new() { Timeout = 20_000 });
        await Expect(errors).ToContainTextAsync("上级“ZX-NOPE”必须在文件中排在它前面");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-22-taxonomy-import-errors.png"), FullPage = true });

        // The whole tree is not needed: a file with one new category adds it and leaves the rest alone. (Its name
        // uses characters of the shipped pinyin table, which covers the characters of the shipped taxonomy.)
        await dialog.Locator("input[type=file]").First.SetInputFilesAsync(Csv("good.csv",
            "code,name,parent_code,level,skill\nZX-FL,非法律问题,,1,GENERAL\nZX-FL.98,测试专用类别,ZX-FL,2,\n"));
        await page.GetByTestId("taxonomy-import-version").FillAsync("2026-test");
        await page.GetByTestId("taxonomy-import-submit").ClickAsync();
        var report = page.GetByTestId("taxonomy-import-report");
        await Expect(report).ToContainTextAsync("2026-test", new() { Timeout = 20_000 });
        await Expect(dialog).ToContainTextAsync("新增");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-23-taxonomy-import-report.png"), FullPage = true });
        await page.GetByTestId("taxonomy-import-done").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 20_000 });

        await search.ClickAsync();
        await search.FillAsync(string.Empty);
        // Typed and chosen at once, without waiting for the list: Enter takes the first match of what was typed.
        await search.PressSequentiallyAsync("cszylb");
        await search.PressAsync("Enter");
        await Expect(page.GetByTestId("taxonomy-code")).ToHaveTextAsync("ZX-FL.98", new() { Timeout = 20_000 });
        await page.GetByTestId("taxonomy-retire").ClickAsync();
        await Expect(dialog).ToBeVisibleAsync(Patient);
        await page.GetByTestId("taxonomy-retire-confirm").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 20_000 });
        await Expect(details).ToContainTextAsync("已停用", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("taxonomy-revisions")).ToContainTextAsync("停用");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-24-taxonomy-retired.png"), FullPage = true });

        Assert.Empty(browserErrors);
    }

    private static FilePayload Csv(string name, string text) => new() { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(text) };
}
