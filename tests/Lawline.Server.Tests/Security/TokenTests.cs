using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;

namespace Lawline.Server.Tests.Security;

public sealed class TokenTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    private const string WrongPassword = "Wrong-Pass-0000";

    [Fact]
    public async Task The_right_password_gets_a_bearer_token_that_works_for_8_hours()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var client = factory.Anonymous();
        var now = factory.Clock.GetUtcNow();

        var response = await client.PostAsync("/api/auth/token", new { userName = "admin", password = LawlineFactory.AdminPassword });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var accessToken = json.RootElement.GetProperty("accessToken").GetString();
        var expiresAt = json.RootElement.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Equal(3, accessToken!.Split('.').Length);
        Assert.Equal(now.AddHours(8), expiresAt);

        client.UseToken(accessToken);
        var me = await client.GetOkAsync<MeResponse>("/api/auth/me");
        Assert.Equal("admin", me.UserName);
        Assert.True(me.SeesAllPlatforms);
        Assert.Contains(LawlineRoles.Administrator, me.Roles);
    }

    [Fact]
    public async Task A_token_stops_working_when_it_expires()
    {
        // Its own installation: the clock only moves forward, and the other tests expect it near the real time.
        await using var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/auth/me")).StatusCode);

        factory.Clock.Advance(TimeSpan.FromHours(8) - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/auth/me")).StatusCode);

        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_401_problem()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var client = factory.Anonymous();

        var wrong = await ApiClient.ReadProblemAsync(
            await client.PostAsync("/api/auth/token", new TokenRequest("admin", WrongPassword)), HttpStatusCode.Unauthorized);
        var unknown = await ApiClient.ReadProblemAsync(
            await client.PostAsync("/api/auth/token", new TokenRequest("nobody-" + Unique.Code("u"), WrongPassword)), HttpStatusCode.Unauthorized);

        Assert.Equal("Invalid credentials", wrong.Title);
        Assert.Equal((wrong.Title, wrong.Detail), (unknown.Title, unknown.Detail));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_until_an_administrator_unlocks_it()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var user = await admin.CreateUserAsync(platform.Id, LawlineRoles.Supervisor);
        using var client = factory.Anonymous();

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var response = await client.PostAsync("/api/auth/token", new TokenRequest(user.UserName, WrongPassword));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        var locked = await ApiClient.ReadProblemAsync(
            await client.PostAsync("/api/auth/token", new TokenRequest(user.UserName, TestData.UserPassword)), HttpStatusCode.Unauthorized);

        Assert.Equal("Account locked", locked.Title);
        Assert.True((await admin.GetOkAsync<UserDto>($"/api/users/{user.Id}")).IsLockedOut);
        var audit = await admin.GetOkAsync<AuditPage>($"/api/audit?action=LockedOut&entityType=User&entityId={user.Id}");
        Assert.NotEmpty(audit.Items);
        Assert.All(audit.Items, entry => Assert.Equal(platform.Id, entry.PlatformId));

        // A supervisor cannot unlock; an administrator can, and the right password works again.
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Supervisor);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostAsync($"/api/users/{user.Id}/unlock", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/users/{user.Id}/unlock", null)).StatusCode);

        Assert.False((await admin.GetOkAsync<UserDto>($"/api/users/{user.Id}")).IsLockedOut);
        var token = await client.PostOkAsync<TokenResponse>("/api/auth/token", new TokenRequest(user.UserName, TestData.UserPassword), HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(token.AccessToken));
    }

    [Fact]
    public async Task A_deactivated_user_can_no_longer_get_a_token_nor_use_an_old_one()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var user = await admin.CreateUserAsync(platform.Id, LawlineRoles.Supervisor);
        using var signedIn = await factory.SignInAsync(user.UserName, TestData.UserPassword);
        Assert.Contains(platform.Id, (await signedIn.GetOkAsync<List<Lawline.Server.Platforms.PlatformDto>>("/api/platforms")).Select(p => p.Id));

        await admin.PutOkAsync<UserDto>($"/api/users/{user.Id}",
            new UpdateUserRequest(user.DisplayName, platform.Id, [LawlineRoles.Supervisor], null, IsActive: false));

        var refused = await signedIn.Http.PostAsJsonAsync("/api/auth/token", new TokenRequest(user.UserName, TestData.UserPassword), ApiClient.Json);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // The old token is refused too.
        var afterwards = await signedIn.GetAsync("/api/platforms");
        Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
    }
}
