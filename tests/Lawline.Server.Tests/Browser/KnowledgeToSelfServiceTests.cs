using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>
/// The knowledge base from writing to the public: the city supervisor writes a Q&amp;A and submits it, the platform
/// manager publishes it, and a citizen on the self-service page (智能服务), not signed in, finds it with a question in
/// their own words and asks for a lawyer's callback, seeing the work order number.
/// </summary>
public sealed class KnowledgeToSelfServiceTests
{
    private const string Password = "Knowledge-Browser-2468";
    private const string EntryTitle = "被别人家的狗咬伤了谁负责赔偿";
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task An_entry_written_reviewed_and_published_answers_a_citizen_who_then_asks_for_a_callback()
    {
        await using var app = await BrowserApp.StartAsync();
        await UseKnownPasswordsAsync(app, "demo.supervisor", "demo.manager");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var screenshots = BrowserApp.ScreenshotDirectory();
        var browserErrors = new List<string>();

        // The supervisor searches the knowledge base (the demo's Q&As are there) and writes a new Q&A.
        var editor = await SignInAsync(browser, app, "demo.supervisor", browserErrors);
        await editor.GetByTestId("nav-knowledge").ClickAsync();
        await Expect(editor).ToHaveURLAsync(new Regex("/knowledge$"));
        await editor.GetByTestId("knowledge-search-input").FillAsync("老板拖欠工资");
        await editor.GetByTestId("knowledge-search").ClickAsync();
        await Expect(editor.GetByTestId("knowledge-hit").First).ToBeVisibleAsync(Patient);
        await Expect(editor.GetByTestId("knowledge-hit").First.Locator("em").First).ToBeVisibleAsync();
        await Expect(editor.GetByTestId("knowledge-row-title").First).ToBeVisibleAsync(Patient);
        await editor.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "knowledge-01-search.png"), FullPage = true });

        await editor.GetByTestId("knowledge-new").ClickAsync();
        await Expect(editor).ToHaveURLAsync(new Regex("/knowledge/new$"));
        // Saving an empty form: the messages appear beside the fields, in Chinese.
        await editor.GetByTestId("knowledge-save").ClickAsync();
        await Expect(editor.GetByText("请填写标题。")).ToBeVisibleAsync(Patient);
        await editor.GetByTestId("knowledge-title").FillAsync(EntryTitle);
        await editor.GetByTestId("knowledge-question").FillAsync("被邻居家的狗咬伤了，医药费、误工费谁来赔？");
        await editor.GetByTestId("knowledge-body-input").FillAsync(
            "饲养的动物造成他人损害的，动物饲养人或者管理人应当承担侵权责任，赔偿医药费、误工费等合理费用；能够证明损害是被侵权人故意或者重大过失造成的，可以不承担或者减轻责任。被狗咬伤后请及时就医、保留票据，并向养狗人协商赔偿，协商不成可以申请人民调解或向法院起诉。");
        await editor.GetByTestId("knowledge-legal-basis-input").FillAsync("《民法典》第一千二百四十五条");
        await editor.GetByTestId("knowledge-tags").FillAsync("侵权，动物致害");
        await editor.GetByTestId("knowledge-save").ClickAsync();
        await Expect(editor).ToHaveURLAsync(new Regex("/knowledge/\\d+$"), new() { Timeout = 20_000 });
        var articleUrl = editor.Url;
        await Expect(editor.GetByTestId("knowledge-status")).ToHaveTextAsync("草稿", new() { Timeout = 20_000 });
        await editor.GetByTestId("knowledge-submit").ClickAsync();
        await Expect(editor.GetByTestId("knowledge-status")).ToHaveTextAsync("待审核", new() { Timeout = 20_000 });
        // Four eyes: a supervisor may publish, but not their own entry.
        await editor.GetByTestId("knowledge-publish").ClickAsync();
        await Expect(editor.GetByTestId("knowledge-action-error")).ToContainTextAsync("作者不能审核自己的条目", new() { Timeout = 20_000 });

        // The platform manager publishes it.
        var reviewer = await SignInAsync(browser, app, "demo.manager", browserErrors);
        await reviewer.GotoAsync(articleUrl);
        await Expect(reviewer.GetByTestId("knowledge-status")).ToHaveTextAsync("待审核", new() { Timeout = 20_000 });
        await reviewer.GetByTestId("knowledge-publish").ClickAsync();
        await Expect(reviewer.GetByTestId("knowledge-status")).ToHaveTextAsync("已发布", new() { Timeout = 20_000 });

        // A citizen, not signed in, asks in their own words.
        var citizenContext = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        var citizen = await citizenContext.NewPageAsync();
        Watch(citizen, browserErrors);
        await citizen.GotoAsync("/self-service");
        await Expect(citizen.GetByTestId("page-title")).ToHaveTextAsync("智能服务", new() { Timeout = 20_000 });
        await Expect(citizen.GetByTestId("self-service-notice")).ToContainTextAsync("不构成正式法律意见");
        await citizen.GetByTestId("self-service-question").FillAsync("邻居家的狗把我咬伤了，医药费谁来出？");
        await citizen.GetByTestId("self-service-ask").ClickAsync();
        var answers = citizen.GetByTestId("self-service-answer");
        await Expect(answers.First).ToBeVisibleAsync(Patient);
        await Expect(citizen.GetByTestId("self-service-answer-title").First).ToHaveTextAsync(EntryTitle);
        await Expect(answers.First.Locator("em").First).ToBeVisibleAsync();
        await Expect(citizen.GetByTestId("self-service-answer-body").First).ToContainTextAsync("动物饲养人");

        await citizen.GetByTestId("self-service-callback").ClickAsync();
        await Expect(citizen.GetByTestId("self-service-callback-question")).ToHaveValueAsync("邻居家的狗把我咬伤了，医药费谁来出？");
        await citizen.GetByTestId("self-service-phone").FillAsync("12345");
        await citizen.GetByTestId("self-service-callback-submit").ClickAsync();
        await Expect(citizen.GetByTestId("self-service-callback-form")).ToContainTextAsync("不是有效的电话号码", new() { Timeout = 20_000 });
        await citizen.GetByTestId("self-service-phone").FillAsync("13907140088");
        await citizen.GetByTestId("self-service-name").FillAsync("李先生");
        await citizen.GetByTestId("self-service-callback-submit").ClickAsync();
        var number = citizen.GetByTestId("self-service-order-number");
        await Expect(number).ToHaveTextAsync(new Regex("^WH-\\d{8}-\\d{5}$"), new() { Timeout = 20_000 });
        await citizen.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "self-service-01.png"), FullPage = true });

        // The request is a work order on the city platform, with the citizen's question.
        var orderNumber = await number.InnerTextAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
            var order = await scope.ServiceProvider.GetRequiredService<AppDbContext>().WorkOrders.SingleAsync(w => w.Number == orderNumber);
            Assert.Equal("邻居家的狗把我咬伤了，医药费谁来出？", order.Question);
            Assert.Equal(WorkOrderChannel.SelfService, order.Channel);
            Assert.Equal("+8613907140088", order.CallerPhoneE164);
        }

        Assert.Empty(browserErrors);
    }

    private static async Task<IPage> SignInAsync(IBrowser browser, BrowserApp app, string userName, List<string> errors)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        Watch(page, errors);
        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-username").FillAsync(userName);
        await page.GetByTestId("login-password").FillAsync(Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToBeVisibleAsync(Patient);
        return page;
    }

    private static void Watch(IPage page, List<string> errors)
    {
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
    }

    private static async Task UseKnownPasswordsAsync(BrowserApp app, params string[] userNames)
    {
        using var admin = new ApiClient(new HttpClient { BaseAddress = app.BaseAddress }, BrowserApp.AdminUserName);
        var token = await admin.PostOkAsync<TokenResponse>("/api/auth/token", new TokenRequest(BrowserApp.AdminUserName, BrowserApp.AdminPassword), HttpStatusCode.OK);
        admin.UseToken(token.AccessToken);
        foreach (var userName in userNames)
        {
            var user = Assert.Single(await admin.GetOkAsync<List<UserDto>>($"/api/users?search={userName}"), u => u.UserName == userName);
            await ApiClient.ExpectStatusAsync(await admin.Http.PostAsJsonAsync($"/api/users/{user.Id}/password",
                new ResetPasswordRequest(Password), ApiClient.Json), HttpStatusCode.NoContent);
        }
    }
}
