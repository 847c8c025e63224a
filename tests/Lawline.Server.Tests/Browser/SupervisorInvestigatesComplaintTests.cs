using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Lawline.Server.Complaints;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lawline.Server.Tests.Browser;

/// <summary>
/// A caller complained about a duty lawyer. The supervisor finds it on 投诉处理 with its reply deadline, opens the work
/// order, logs what the recording showed, records the reply and concludes it as substantiated, counting against the lawyer.
/// </summary>
public sealed class SupervisorInvestigatesComplaintTests
{
    private const string SupervisorUserName = "demo.supervisor";
    private const string SupervisorPassword = "Supervisor-Complaint-2468";
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_supervisor_logs_the_investigation_replies_and_records_a_substantiated_finding()
    {
        await using var app = await BrowserApp.StartAsync();
        using var admin = new ApiClient(new HttpClient { BaseAddress = app.BaseAddress }, BrowserApp.AdminUserName);
        var token = await admin.PostOkAsync<TokenResponse>("/api/auth/token", new TokenRequest(BrowserApp.AdminUserName, BrowserApp.AdminPassword), HttpStatusCode.OK);
        admin.UseToken(token.AccessToken);
        var supervisor = Assert.Single(await admin.GetOkAsync<List<UserDto>>($"/api/users?search={SupervisorUserName}"), u => u.UserName == SupervisorUserName);
        await ApiClient.ExpectStatusAsync(await admin.Http.PostAsJsonAsync($"/api/users/{supervisor.Id}/password",
            new ResetPasswordRequest(SupervisorPassword), ApiClient.Json), HttpStatusCode.NoContent);
        var complaint = await admin.PostOkAsync<ComplaintDto>("/api/complaints", new RegisterComplaintRequest(
            supervisor.PlatformId, ComplaintSource.SupervisionLine, "值班律师答复敷衍，未说明仲裁时效。", "13907145566", "赵先生"));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserApp.LaunchChromiumAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-username").FillAsync(SupervisorUserName);
        await page.GetByTestId("login-password").FillAsync(SupervisorPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToBeVisibleAsync(Patient);
        await page.GetByTestId("nav-complaints").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/complaints$"));
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("投诉处理");

        var row = page.GetByTestId("complaints-table").Locator("tbody tr", new() { HasText = complaint.WorkOrderNumber });
        await Expect(row).ToBeVisibleAsync(Patient);
        await Expect(row).ToContainTextAsync("监督电话");
        await Expect(row.GetByTestId("complaint-row-finding")).ToHaveTextAsync("调查中");
        await row.GetByTestId("complaint-number").ClickAsync();

        var panel = page.GetByTestId("complaint-panel");
        await Expect(panel).ToBeVisibleAsync(Patient);
        await Expect(panel.GetByTestId("complaint-reply-due")).ToBeVisibleAsync();
        // Concluding before a reply, without a reason, is refused with a message in Chinese.
        await panel.GetByTestId("complaint-record-finding").ClickAsync();
        await Expect(panel.GetByTestId("complaint-problem")).ToContainTextAsync("请选择调查结论");

        await panel.GetByTestId("complaint-note-text").FillAsync("调取录音：律师未告知仲裁时效为一年。");
        await panel.GetByTestId("complaint-add-note").ClickAsync();
        await Expect(panel.GetByTestId("complaint-note")).ToContainTextAsync("调取录音：律师未告知仲裁时效为一年。");
        await panel.GetByTestId("complaint-reply-text").FillAsync("经核实情况属实，已责令律师整改并向您致歉。");
        await panel.GetByTestId("complaint-send-reply").ClickAsync();
        await Expect(panel.GetByTestId("complaint-reply")).ToContainTextAsync("经核实情况属实");

        await panel.GetByTestId("complaint-finding-select").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "属实", Exact = true }).ClickAsync();
        await panel.GetByTestId("complaint-record-finding").ClickAsync();
        await Expect(panel.GetByTestId("complaint-finding")).ToContainTextAsync("属实");
        await Expect(panel.GetByTestId("complaint-record-finding")).ToHaveCountAsync(0);

        // 发送评价短信 from the same work order: the result is shown beside the button.
        await page.GetByTestId("wo-survey-send").ClickAsync();
        await Expect(page.GetByTestId("wo-survey-result")).ToContainTextAsync("评价短信已发送", new() { Timeout = 20_000 });

        // Praise for a lawyer is recorded on 表扬与锦旗 and counted for the month.
        await page.GetByTestId("nav-commendations").ClickAsync();
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("表扬与锦旗");
        await Expect(page.GetByTestId("commendations-count-Banner")).ToContainTextAsync("0");
        await page.GetByTestId("commendations-add").ClickAsync();
        await page.GetByTestId("commendation-agent").ClickAsync();
        await page.GetByRole(AriaRole.Option).First.ClickAsync();
        await page.GetByTestId("commendation-kind-select").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "锦旗", Exact = true }).ClickAsync();
        await page.GetByTestId("commendation-summary").FillAsync("赠送锦旗“法律援助暖人心”");
        await page.GetByTestId("commendation-save").ClickAsync();
        await Expect(page.GetByTestId("commendations-count-Banner")).ToContainTextAsync("1");
        await Expect(page.GetByTestId("commendations-table").GetByTestId("commendation-kind")).ToHaveTextAsync("锦旗");

        var concluded = await admin.GetOkAsync<ComplaintDto>($"/api/complaints/{complaint.WorkOrderId}");
        Assert.Equal(ComplaintFinding.Substantiated, concluded.Finding);
        Assert.False(concluded.IsOpen);
        Assert.NotNull(concluded.RepliedAt);
    }
}
