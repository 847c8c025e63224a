using System.Net;
using System.Net.Http.Json;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Lawline.Server.Tests.Browser;

/// <summary>
/// demo.lawyer, a duty lawyer (Agent) of the Wuhan city platform in the demo data. Demo accounts get a random
/// password unless one is configured, so the administrator sets a known one through the API first.
/// </summary>
public static class DemoLawyer
{
    public const string UserName = "demo.lawyer";
    public const string Password = "Lawyer-Browser-1357";

    public static async Task UseKnownPasswordAsync(BrowserApp app)
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = await SignInAsync(http, BrowserApp.AdminUserName, BrowserApp.AdminPassword);
        var users = await api.GetOkAsync<List<UserDto>>($"/api/users?search={UserName}");
        var lawyer = Assert.Single(users, u => u.UserName == UserName);
        await ApiClient.ExpectStatusAsync(await http.PostAsJsonAsync($"/api/users/{lawyer.Id}/password",
            new ResetPasswordRequest(Password), ApiClient.Json), HttpStatusCode.NoContent);
    }

    /// <summary>An API client acting as the demo lawyer (after <see cref="UseKnownPasswordAsync"/>).</summary>
    public static Task<ApiClient> ApiAsync(BrowserApp app)
        => SignInAsync(new HttpClient { BaseAddress = app.BaseAddress }, UserName, Password);

    /// <summary>Signs the browser in through the sign-in page and waits for the home page.</summary>
    public static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/");
        await page.GetByTestId("login-username").FillAsync(UserName);
        await page.GetByTestId("login-password").FillAsync(Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("home-my-work")).ToBeVisibleAsync(new() { Timeout = 20_000 });
    }

    private static async Task<ApiClient> SignInAsync(HttpClient http, string userName, string password)
    {
        var api = new ApiClient(http, userName);
        var token = await api.PostOkAsync<TokenResponse>("/api/auth/token", new TokenRequest(userName, password), HttpStatusCode.OK);
        api.UseToken(token.AccessToken);
        return api;
    }
}
