using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>
/// The Wuhan city supervisor opens 回拨与留言: a voicemail left by a citizen plays from where the message starts, a
/// callback past its due time stands out, a new callback shows up without a reload, and the supervisor records that
/// they reached the caller.
/// </summary>
public sealed class SupervisorFollowsUpCallbacksTests
{
    private const string SupervisorUserName = "demo.supervisor";
    private const string SupervisorPassword = "Supervisor-Browser-2468";
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_supervisor_hears_a_voicemail_from_its_start_and_marks_the_callback_done()
    {
        await using var app = await BrowserApp.StartAsync();
        var cityId = await UseKnownPasswordAsync(app);
        var now = TimeProvider.System.GetUtcNow();
        var recordings = Path.Combine(app.Services.GetRequiredService<IOptions<LawlineOptions>>().Value.ResolveDataDirectory(), "recordings");
        // 2.5 s of call: the IVR until 2 s, then the caller's message (a tone) for half a second.
        var recording = RoutingTestData.WriteRecording(recordings, TimeSpan.FromSeconds(2.5), TimeSpan.FromMilliseconds(500));
        var voicemail = await RoutingTestData.SeedCallbackAsync(app.Services, now, new RoutingTestData.CallbackSeed(cityId, CallbackKind.Voicemail, "+8613907140001")
        {
            ArrivedAt = now.AddMinutes(-20), DueAt = now.AddHours(3), VoicemailAfter = TimeSpan.FromSeconds(2), RecordingPath = recording,
        });
        await RoutingTestData.SeedCallbackAsync(app.Services, now, new RoutingTestData.CallbackSeed(cityId, CallbackKind.QueueCallback, "+8613907140002")
        {
            ArrivedAt = now.AddHours(-4), DueAt = now.AddHours(-1), Requests = 2, Attempts = 3, Status = CallbackStatus.Expired,
        });

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

        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-username").FillAsync(SupervisorUserName);
        await page.GetByTestId("login-password").FillAsync(SupervisorPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToBeVisibleAsync(Patient);
        await page.GetByTestId("nav-callbacks").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/supervisor/callbacks$"));
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("回拨与留言");

        var table = page.GetByTestId("callbacks-table");
        var message = table.Locator("tbody tr", new() { HasText = "13907140001" });
        await Expect(message).ToBeVisibleAsync(Patient);
        await Expect(message.GetByTestId("callback-kind")).ToHaveTextAsync("电话留言");
        await Expect(message.GetByTestId("callback-status")).ToHaveTextAsync("待回拨");
        var player = message.GetByTestId("callback-voicemail");
        await Expect(player).ToHaveAttributeAsync("src", $"/api/calls/{voicemail.CallRecordId}/recording#t=2");
        var expired = table.Locator("tbody tr", new() { HasText = "13907140002" });
        await Expect(expired.GetByTestId("callback-kind")).ToHaveTextAsync("排队回拨");
        await Expect(expired.GetByTestId("callback-status")).ToHaveTextAsync("已过期");
        await Expect(expired.GetByTestId("callback-overdue")).ToHaveTextAsync("已超期");
        await Expect(expired.GetByTestId("callback-merged")).ToHaveTextAsync("+1");
        await Expect(expired).ToHaveClassAsync(new Regex("row-overdue"));

        // Nothing is fetched before play (preload none); when the player loads, the browser gets the recording with the
        // sign-in cookie, decodes it, and stands at the start of the message.
        var (duration, position) = await LoadAsync(player);
        Assert.InRange(duration, 2.4, 2.6);
        Assert.InRange(position, 1.95, 2.05);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "callbacks-01-list.png"), FullPage = true });

        // A callback the router schedules now appears without a reload.
        var fresh = await RoutingTestData.SeedCallbackAsync(app.Services, TimeProvider.System.GetUtcNow(),
            new RoutingTestData.CallbackSeed(cityId, CallbackKind.ClosedHours, "+8613907140003"));
        await app.Services.GetRequiredService<RoutingNotifier>().PublishAsync(new CallbackScheduled(
            new CallId("cb-" + fresh.CallRecordId), new QueueId($"{cityId}:GENERAL"), "+8613907140003", null, null, TimeProvider.System.GetUtcNow()));
        var arrived = table.Locator("tbody tr", new() { HasText = "13907140003" });
        await Expect(arrived.GetByTestId("callback-kind")).ToHaveTextAsync("非工作时间回拨请求", new() { Timeout = 20_000 });

        // Cancelling needs a reason, said in Chinese beside the field.
        await expired.GetByTestId("callback-cancel").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToBeVisibleAsync(Patient);
        await page.GetByTestId("callback-dialog-save").ClickAsync();
        await Expect(dialog).ToContainTextAsync("请填写取消原因");
        await page.GetByTestId("callback-dialog-close").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 20_000 });

        await message.GetByTestId("callback-done").ClickAsync();
        await Expect(dialog).ToBeVisibleAsync(Patient);
        await Expect(dialog).ToContainTextAsync("标记已回拨");
        await page.GetByTestId("callback-note").FillAsync("已回电，已解答加班费问题");
        await page.GetByTestId("callback-dialog-save").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 20_000 });
        await Expect(message.GetByTestId("callback-status")).ToHaveTextAsync("已完成", new() { Timeout = 20_000 });
        await Expect(message.GetByTestId("callback-note-text")).ToHaveTextAsync("已回电，已解答加班费问题");
        await Expect(message.GetByTestId("callback-done")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "callbacks-02-done.png"), FullPage = true });

        // The listening is in the audit log under the supervisor's name.
        using var admin = await AdminAsync(app);
        var reads = await admin.GetOkAsync<AuditPage>(
            $"/api/audit?action=ReadPersonalData&entityType=CallRecord&entityId={voicemail.CallRecordId}&userName={SupervisorUserName}");
        Assert.Equal(1, reads.Total);
        Assert.Empty(browserErrors);
    }

    /// <summary>Loads the player's media and waits until it stands where the media fragment says; returns duration and position.</summary>
    private static async Task<(double Duration, double Position)> LoadAsync(ILocator player)
    {
        var result = await player.EvaluateAsync<double[]>("""
            async audio => {
                audio.preload = 'auto';
                audio.load();
                await new Promise((resolve, reject) => {
                    audio.addEventListener('loadedmetadata', resolve, { once: true });
                    audio.addEventListener('error', () => reject(new Error('media error ' + (audio.error && audio.error.code))), { once: true });
                });
                for (let i = 0; i < 50 && audio.currentTime === 0; i++) {
                    await new Promise(r => setTimeout(r, 100));
                }
                return [audio.duration, audio.currentTime];
            }
            """);
        return (result[0], result[1]);
    }

    /// <summary>Demo accounts get a random password; the administrator sets a known one. Returns the supervisor's platform.</summary>
    private static async Task<int> UseKnownPasswordAsync(BrowserApp app)
    {
        using var admin = await AdminAsync(app);
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
