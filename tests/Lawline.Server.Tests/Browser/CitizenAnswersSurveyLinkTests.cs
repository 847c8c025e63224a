using Lawline.Server.Routing;
using Lawline.Server.Satisfaction;
using Lawline.Server.Tests.Routing;
using Lawline.Server.Tests.Satisfaction;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>
/// A citizen opens the survey link from the SMS on a phone, without signing in: taps 满意 once and is thanked; the
/// same link opened again says it was used. A lower rating asks for reasons first; an unknown link says it is invalid.
/// </summary>
public sealed class CitizenAnswersSurveyLinkTests
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToContainTextOptions PatientText = new() { Timeout = 20_000 };

    [Fact]
    public async Task One_tap_on_满意_rates_the_call_and_the_link_then_says_it_was_used()
    {
        await using var app = await BrowserApp.StartAsync();
        var now = TimeProvider.System.GetUtcNow();
        var platform = await RoutingTestData.WithDatabaseAsync(app.Services, db => db.Platforms.AsNoTracking().OrderBy(p => p.Id).FirstAsync());
        var satisfiedCall = await SmsSurveyTests.SeedAnsweredCallAsync(app.Services, now, platform.Id, "+8613912340001", null);
        var unhappyCall = await SmsSurveyTests.SeedAnsweredCallAsync(app.Services, now, platform.Id, "+8613912340002", null);
        var token = await InviteAsync(app, platform.Id, satisfiedCall, now);
        var unhappyToken = await InviteAsync(app, platform.Id, unhappyCall, now);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new() { Width = 390, Height = 844 },
            Locale = "zh-CN",
        });
        var page = await context.NewPageAsync();
        var browserErrors = new List<string>();
        page.PageError += (_, error) => browserErrors.Add(error);
        var screenshots = BrowserApp.ScreenshotDirectory();

        await page.GotoAsync($"/survey/{token}");
        await Expect(page.GetByTestId("survey")).ToBeVisibleAsync(Patient);
        await Expect(page.GetByTestId("survey-hotline")).ToHaveTextAsync(platform.Name);
        await Expect(page.Locator(".mud-appbar")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "survey-01.png"), FullPage = true });

        await page.GetByTestId("survey-Satisfied").ClickAsync();
        await Expect(page.GetByTestId("survey-thanks")).ToContainTextAsync("感谢您的评价", PatientText);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "survey-02-thanks.png"), FullPage = true });
        var call = await RoutingTestData.WithDatabaseAsync(app.Services, db => db.CallRecords.AsNoTracking().SingleAsync(r => r.Id == satisfiedCall));
        Assert.Equal(CallRating.Satisfied, call.Rating);

        await page.ReloadAsync();
        await Expect(page.GetByTestId("survey-state")).ToContainTextAsync("链接已使用", PatientText);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "survey-03-used.png"), FullPage = true });

        // 不满意: the reasons and a comment first, then the thank-you.
        await page.GotoAsync($"/survey/{unhappyToken}");
        await page.GetByTestId("survey-Dissatisfied").ClickAsync();
        await Expect(page.GetByTestId("survey-reasons")).ToBeVisibleAsync(Patient);
        await page.GetByText("等待太久").ClickAsync();
        await page.GetByTestId("survey-comment").FillAsync("排队二十分钟");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "survey-04-reasons.png"), FullPage = true });
        await page.GetByTestId("survey-submit").ClickAsync();
        await Expect(page.GetByTestId("survey-thanks")).ToBeVisibleAsync(Patient);
        var invitation = await RoutingTestData.WithDatabaseAsync(app.Services, db => db.SurveyInvitations.AsNoTracking().SingleAsync(i => i.CallRecordId == unhappyCall));
        Assert.Equal(CallRating.Dissatisfied, invitation.Rating);
        Assert.Equal("等待太久", invitation.ReasonTags);
        Assert.Equal("排队二十分钟", invitation.Comment);

        await page.GotoAsync("/survey/not-a-real-link");
        await Expect(page.GetByTestId("survey-state")).ToContainTextAsync("链接无效", PatientText);
        Assert.Empty(browserErrors);
    }

    private static async Task<string> InviteAsync(BrowserApp app, int platformId, long callId, DateTimeOffset now)
    {
        var token = SurveyInvitation.NewToken();
        await RoutingTestData.WithDatabaseAsync(app.Services, db =>
        {
            var invitation = new SurveyInvitation
            {
                PlatformId = platformId,
                CallRecordId = callId,
                TokenHash = SurveyInvitation.HashOf(token),
                CreatedAt = now,
                ExpiresAt = now.AddHours(72),
            };
            db.SurveyInvitations.Add(invitation);
            return Task.FromResult(invitation);
        });
        return token;
    }
}
