using System.Diagnostics;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>
/// A duty lawyer on the Wuhan platform takes two calls from the same number: the first is answered on the line
/// and completed in one step, the second is registered and handed over with a deadline.
/// </summary>
public sealed partial class AgentRegistersWorkOrderTests(ITestOutputHelper output)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_consultation_is_registered_and_completed_then_a_second_call_is_handed_over()
    {
        await using var app = await BrowserApp.StartAsync();
        await DemoLawyer.UseKnownPasswordAsync(app);
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
        // A fresh installation per run: the number has no history yet.
        const string phone = "13907148816";

        await DemoLawyer.SignInAsync(page);
        await Expect(page.GetByTestId("stat-my-open")).ToContainTextAsync("0");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-01-home-agent.png"), FullPage = true });

        // 工单 → 登记工单, as a person would.
        await page.GetByTestId("nav-work-orders").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/work-orders$"));
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("工单");
        await Expect(page.GetByTestId("wo-table")).ToContainTextAsync("没有符合条件的工单", new() { Timeout = 20_000 });

        var registration = Stopwatch.StartNew();
        await page.GetByTestId("wo-new").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/work-orders/new$"));
        var phoneBox = page.GetByTestId("wo-phone");
        // The number is the first thing an agent types: the box has the focus when the form opens.
        await Expect(phoneBox).ToBeFocusedAsync(new() { Timeout = 20_000 });
        await page.Keyboard.TypeAsync(phone);
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByTestId("wo-first-call")).ToBeVisibleAsync(Patient);

        // Pinyin initials of 追索劳动报酬纠纷, chosen with the keyboard alone.
        var picker = page.GetByTestId("wo-category");
        await picker.ClickAsync();
        await picker.PressSequentiallyAsync("zsld");
        var option = page.Locator(".mud-popover-open .category-option", new() { HasText = "追索劳动报酬纠纷" });
        await Expect(option.First).ToBeVisibleAsync(Patient);
        await Expect(option.First).ToContainTextAsync("劳动争议");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-02-picker.png"), FullPage = true });
        await picker.PressAsync("Enter");
        await Expect(picker).ToHaveValueAsync("追索劳动报酬纠纷", new() { Timeout = 10_000 });
        await Expect(page.GetByTestId("category-selected-path")).ToContainTextAsync("民事案件案由");

        await page.GetByTestId("wo-question").FillAsync("公司拖欠了我三个月的工资，老板一直推脱，我该怎么办？");
        await page.GetByTestId("wo-answer").FillAsync("可先与用人单位协商，协商不成可向劳动保障监察机构投诉，或向劳动人事争议仲裁委员会申请仲裁。");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-03-form-filled.png"), FullPage = true });
        await page.GetByTestId("wo-complete").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/work-orders/\\d+$"), new() { Timeout = 20_000 });
        var number = page.GetByTestId("wo-number");
        await Expect(number).ToHaveTextAsync(OrderNumber(), new() { Timeout = 20_000 });
        registration.Stop();
        output.WriteLine($"Registration, from opening the form to the saved detail page: {registration.Elapsed.TotalSeconds:0.0} s");
        Assert.True(registration.Elapsed < TimeSpan.FromMinutes(1), $"Registering took {registration.Elapsed}.");
        var firstNumber = await number.InnerTextAsync();
        await Expect(page.GetByTestId("wo-status")).ToHaveTextAsync("已办结");
        await Expect(page.GetByTestId("wo-category-name")).ToContainTextAsync("追索劳动报酬纠纷");
        await Expect(page.GetByTestId("wo-outcome")).ToHaveTextAsync("当场解答");
        await Expect(page.GetByTestId("wo-timeline")).ToContainTextAsync("办理结果：当场解答");
        await Expect(page.GetByTestId("wo-action-Close")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-04-detail-completed.png"), FullPage = true });

        // The same caller again: the history shows the first order; a reload in the middle keeps the form.
        await page.GotoAsync("/work-orders/new");
        await Expect(phoneBox).ToBeFocusedAsync(new() { Timeout = 20_000 });
        await page.Keyboard.TypeAsync(phone);
        await page.Keyboard.PressAsync("Tab");
        var history = page.GetByTestId("wo-caller-history");
        await Expect(history).ToContainTextAsync(firstNumber, new() { Timeout = 20_000 });
        await Expect(history).ToContainTextAsync("追索劳动报酬纠纷");
        const string question = "离婚时对方隐瞒共同财产，需要调查取证，想申请法律援助。";
        await page.GetByTestId("wo-question").FillAsync(question);
        await page.GetByTestId("wo-answer").ClickAsync();
        await page.ReloadAsync();
        await Expect(page.GetByTestId("wo-draft-restored")).ToBeVisibleAsync(Patient);
        await Expect(page.GetByTestId("wo-question")).ToHaveValueAsync(question);
        await Expect(phoneBox).ToHaveValueAsync(phone);
        await Expect(history).ToContainTextAsync(firstNumber, new() { Timeout = 20_000 });

        // Keyboard only: from the caller's name, Tab past the caller type to the picker; Tab takes the match and
        // moves on to the question.
        await page.GetByTestId("wo-caller-name").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await Expect(picker).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("lhjf");
        await Expect(page.Locator(".mud-popover-open .category-option").First).ToContainTextAsync("离婚纠纷", new() { Timeout = 10_000 });
        await page.Keyboard.PressAsync("Tab");
        await Expect(picker).ToHaveValueAsync("离婚纠纷", new() { Timeout = 10_000 });
        await Expect(page.GetByTestId("wo-question")).ToBeFocusedAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-05-second-call-history.png"), FullPage = true });
        await page.GetByTestId("wo-save").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/work-orders/\\d+$"), new() { Timeout = 20_000 });
        await Expect(number).ToHaveTextAsync(OrderNumber(), new() { Timeout = 20_000 });
        var secondNumber = await number.InnerTextAsync();
        Assert.NotEqual(firstNumber, secondNumber);
        await Expect(page.GetByTestId("wo-status")).ToHaveTextAsync("已登记");

        await page.GetByTestId("wo-action-HandOver").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToBeVisibleAsync(Patient);
        await page.GetByTestId("wo-handover-body").FillAsync("武汉市法律援助中心");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-06-handover-dialog.png"), FullPage = true });
        await page.GetByTestId("wo-dialog-save").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("wo-status")).ToHaveTextAsync("已转交办", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("wo-handover-to")).ToHaveTextAsync("武汉市法律援助中心");
        await Expect(page.GetByTestId("wo-action-ConfirmReceipt")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-07-detail-handed-over.png"), FullPage = true });

        // Both are listed, newest first, with their statuses.
        await page.GetByTestId("nav-work-orders").ClickAsync();
        var table = page.GetByTestId("wo-table");
        var handedOver = table.Locator("tbody tr", new() { HasText = secondNumber });
        await Expect(handedOver).ToBeVisibleAsync(Patient);
        await Expect(handedOver).ToContainTextAsync("已转交办");
        await Expect(handedOver).ToContainTextAsync("离婚纠纷");
        await Expect(handedOver).ToContainTextAsync(phone);
        await Expect(table.Locator("tbody tr", new() { HasText = firstNumber })).ToContainTextAsync("已办结");
        await Expect(table.Locator("tbody tr").First).ToContainTextAsync(secondNumber);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-08-list.png"), FullPage = true });

        // Filters: the last four digits of the number, then the category subtree 婚姻家庭、继承纠纷 (MS.02).
        await page.GetByTestId("wo-filter-phone").FillAsync(phone[^4..]);
        await Expect(page.GetByTestId("wo-total")).ToContainTextAsync("共 2 张", new() { Timeout = 20_000 });
        var categoryFilter = page.GetByTestId("wo-filter-category");
        await categoryFilter.ClickAsync();
        await categoryFilter.PressSequentiallyAsync("MS.02");
        await categoryFilter.PressAsync("Enter");
        await Expect(page.GetByTestId("wo-total")).ToContainTextAsync("共 1 张", new() { Timeout = 20_000 });
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(table.Locator("tbody tr").First).ToContainTextAsync(secondNumber);

        // The Excel export is a plain link with the same filters; the sign-in cookie authenticates it.
        await Expect(page.GetByTestId("wo-export")).ToHaveAttributeAsync("href", new Regex("phone=8816.*categoryCode=MS.02"));
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("wo-export").ClickAsync());
        Assert.Equal("work-orders.xlsx", download.SuggestedFilename);
        using (var workbook = SpreadsheetDocument.Open(await download.PathAsync(), false))
        {
            // The header and the one order the filters leave.
            Assert.Equal(2, workbook.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<Row>().Count());
        }

        // The home page counts the open one as the lawyer's own work.
        await page.GetByTestId("nav-home").ClickAsync();
        await Expect(page.GetByTestId("home-my-work-list")).ToContainTextAsync(secondNumber, new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("stat-my-open")).ToContainTextAsync("1");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-09-home-my-work.png"), FullPage = true });

        Assert.Empty(browserErrors);
    }

    [GeneratedRegex("^WH-20\\d{6}-\\d{5}$")]
    private static partial Regex OrderNumber();
}
