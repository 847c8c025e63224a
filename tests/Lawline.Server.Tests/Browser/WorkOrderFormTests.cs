using System.Text.RegularExpressions;
using Lawline.Server.Platforms;
using Lawline.Server.WorkOrders;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>Nothing typed is lost: not on a refused save, not when someone else saved the same work order first.</summary>
public sealed class WorkOrderFormTests
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task Refused_input_and_a_concurrent_edit_keep_what_the_agent_typed()
    {
        await using var app = await BrowserApp.StartAsync();
        await DemoLawyer.UseKnownPasswordAsync(app);
        using var api = await DemoLawyer.ApiAsync(app);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        var browserErrors = new List<string>();
        page.PageError += (_, error) => browserErrors.Add(error);
        var screenshots = BrowserApp.ScreenshotDirectory();
        await DemoLawyer.SignInAsync(page);

        // Completing on the line without an answer, with a number that is not one: both said beside their fields.
        await page.GotoAsync("/work-orders/new");
        await Expect(page.GetByTestId("wo-phone")).ToBeFocusedAsync(new() { Timeout = 20_000 });
        await page.Keyboard.TypeAsync("12345");
        const string question = "单位不给缴纳社保，可以解除劳动合同吗？";
        await page.GetByTestId("wo-question").FillAsync(question);
        await page.GetByTestId("wo-complete").ClickAsync();
        var form = page.Locator(".work-order-form");
        await Expect(form).ToContainTextAsync("请填写解答内容。", new() { Timeout = 20_000 });
        await page.GetByTestId("wo-answer").FillAsync("可以依据《劳动合同法》第三十八条解除劳动合同，并要求经济补偿。");
        await page.GetByTestId("wo-complete").ClickAsync();
        await Expect(form).ToContainTextAsync("“12345”不是有效的电话号码。", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("wo-question")).ToHaveValueAsync(question);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-11-new-refused.png"), FullPage = true });
        await page.GetByTestId("wo-phone").FillAsync("027-85551234");
        await page.GetByTestId("wo-complete").ClickAsync();
        // No category: the service refuses to complete, and says so beside the picker.
        await Expect(form).ToContainTextAsync("办结前请选择咨询类别。", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("wo-question")).ToHaveValueAsync(question);

        // A work order the lawyer opens for editing while a colleague changes its answer.
        var platforms = await api.GetOkAsync<List<PlatformDto>>("/api/platforms");
        var order = await api.PostOkAsync<WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(platforms.Single(p => p.Code == "WH").Id, WorkOrderTestData.WageArrears, phone: "13907148830"));
        await page.GotoAsync($"/work-orders/{order.Id}/edit");
        var questionBox = page.GetByTestId("wo-question");
        await Expect(questionBox).ToHaveValueAsync(order.Question, new() { Timeout = 20_000 });
        const string mine = "老板拖欠三个月工资，且未签劳动合同，怎么办？";
        await questionBox.FillAsync(mine);
        await api.PutOkAsync<WorkOrderDto>($"/api/work-orders/{order.Id}", new UpdateWorkOrderRequest(order.Version, order.Type, order.Channel,
            order.Urgency, null, order.CallerType, order.CategoryCode, order.Question, "同事补充：可同时主张未签合同的二倍工资。", order.LegalBasis,
            null, null, order.Tags));
        await page.GetByTestId("wo-edit-save").ClickAsync();
        var conflict = page.GetByTestId("wo-conflict");
        await Expect(conflict).ToContainTextAsync("修改了这张工单", new() { Timeout = 20_000 });
        await Expect(conflict).ToContainTextAsync("二倍工资");
        await Expect(questionBox).ToHaveValueAsync(mine);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-12-edit-conflict.png"), FullPage = true });

        // Keep mine: my question, their answer, saved on top of their version.
        await page.GetByTestId("wo-conflict-keep").ClickAsync();
        await Expect(page.GetByTestId("wo-answer")).ToHaveValueAsync(new Regex("二倍工资"));
        await page.GetByTestId("wo-edit-save").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/work-orders/{order.Id}$"), new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("wo-question-text")).ToHaveTextAsync(mine, new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("wo-answer-text")).ToContainTextAsync("二倍工资");
        await Expect(page.GetByTestId("wo-timeline")).ToContainTextAsync("咨询问题");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "wo-13-edit-merged.png"), FullPage = true });

        Assert.Empty(browserErrors);
    }
}
