using System.Net;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Security;
using Lawline.Server.Telephony;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Sip.Auth;

namespace Lawline.Server.Tests.Telephony;

/// <summary>SIP accounts through /api/telephony: no secrets out, field errors, platform scoping, audit.</summary>
public sealed class SipAccountApiTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    private const string Password = "phone-secret-42";

    public static string Extension() => "8" + Unique.Mobile()[3..9];

    private static CreateSipAccountRequest NewAccount(int platformId, string? username = null, int? agentId = null, string password = Password)
        => new(platformId, username ?? Extension(), "一号席话机", agentId, password);

    [Theory, DatabaseData]
    public async Task A_created_account_is_listed_without_its_password_or_digests(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var staffed = await admin.StaffAsync(platform);
        var request = NewAccount(platform.Id, agentId: staffed.Agent.Id);

        var response = await admin.PostAsync("/api/telephony/accounts", request);
        var body = await response.Content.ReadAsStringAsync();
        var created = await ApiClient.ReadAsync<SipAccountDto>(response, HttpStatusCode.Created);

        Assert.Equal(request.Username, created.Username);
        Assert.Equal(staffed.Agent.Id, created.AgentId);
        Assert.Equal(staffed.Agent.Name, created.AgentName);
        Assert.True(created.Enabled);
        Assert.False(created.NeedsNewPassword);
        Assert.Equal("lawline", created.Realm);
        var secret = DigestSecret.Hash(request.Username, "lawline", Password);
        foreach (var text in new[] { body, await admin.Http.GetStringAsync($"/api/telephony/accounts?platformId={platform.Id}") })
        {
            Assert.Contains(request.Username, text);
            Assert.DoesNotContain(Password, text);
            Assert.DoesNotContain(secret.Md5Ha1!, text);
            Assert.DoesNotContain(secret.Sha256Ha1!, text);
            Assert.DoesNotContain("ha1", text, StringComparison.OrdinalIgnoreCase);
        }

        // The change is audited, with the digests masked.
        var audit = await admin.GetOkAsync<AuditPage>($"/api/audit?entityType=SipAccount&entityId={created.Id}");
        var entry = Assert.Single(audit.Items);
        Assert.Equal(AuditAction.Create, entry.Action);
        Assert.Contains(request.Username, entry.Details);
        Assert.DoesNotContain(secret.Md5Ha1!, entry.Details);
        Assert.DoesNotContain(secret.Sha256Ha1!, entry.Details);
        Assert.DoesNotContain(Password, entry.Details);
    }

    [Theory, DatabaseData]
    public async Task Bad_input_gets_field_errors(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (_, a, b) = await admin.CreateCityWithDistrictsAsync();
        var agentOfB = await admin.CreateAgentAsync(b.Id, (await admin.CreateLawFirmAsync(b.Id)).Id);

        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/telephony/accounts", NewAccount(a.Id, password: "short")), "password");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/telephony/accounts", NewAccount(a.Id, username: "80")), "username");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/telephony/accounts", NewAccount(a.Id, username: "Agent One")), "username");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/telephony/accounts", NewAccount(a.Id, username: "8001@x")), "username");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/telephony/accounts", NewAccount(a.Id, agentId: agentOfB.Id)), "agentId");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/telephony/accounts", NewAccount(999_999)), "platformId");

        var taken = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts", NewAccount(a.Id));
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/telephony/accounts", NewAccount(b.Id, username: taken.Username)),
            "username", HttpStatusCode.Conflict);

        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync($"/api/telephony/accounts/{taken.Id}/password", new SetSipPasswordRequest("1234567")), "password");
        await ApiClient.ReadProblemAsync(await admin.PostAsync("/api/telephony/accounts/999999/password", new SetSipPasswordRequest(Password)), HttpStatusCode.NotFound);
    }

    [Theory, DatabaseData]
    public async Task A_district_manager_sees_and_changes_only_their_districts_accounts(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (_, a, b) = await admin.CreateCityWithDistrictsAsync();
        var ofA = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts", NewAccount(a.Id));
        var ofB = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts", NewAccount(b.Id));
        using var managerA = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.PlatformManager);
        using var districtAdminA = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Administrator);

        foreach (var client in new[] { managerA, districtAdminA })
        {
            var listed = (await client.GetOkAsync<List<SipAccountDto>>("/api/telephony/accounts")).Select(x => x.Id).ToList();
            Assert.Contains(ofA.Id, listed);
            Assert.DoesNotContain(ofB.Id, listed);
            Assert.Empty(await client.GetOkAsync<List<SipAccountDto>>($"/api/telephony/accounts?platformId={b.Id}"));
            await ApiClient.ReadProblemAsync(await client.GetAsync($"/api/telephony/accounts/{ofB.Id}"), HttpStatusCode.NotFound);
            await ApiClient.ReadProblemAsync(await client.PostAsync($"/api/telephony/accounts/{ofB.Id}/disable", null), HttpStatusCode.NotFound);
            await ApiClient.ReadProblemAsync(await client.PostAsync($"/api/telephony/accounts/{ofB.Id}/password", new SetSipPasswordRequest(Password)),
                HttpStatusCode.NotFound);
            await ApiClient.ReadProblemAsync(await client.PutAsync($"/api/telephony/accounts/{ofB.Id}", new UpdateSipAccountRequest(a.Id, "x", null)),
                HttpStatusCode.NotFound);
            await ApiClient.ReadFieldErrorAsync(await client.PostAsync("/api/telephony/accounts", NewAccount(b.Id)), "platformId");
            // Moving their own account to district B is refused too.
            await ApiClient.ReadFieldErrorAsync(await client.PutAsync($"/api/telephony/accounts/{ofA.Id}", new UpdateSipAccountRequest(b.Id, null, null)),
                "platformId");
        }

        // A district user who does not manage people gets nothing at all; the engine status is for administrators.
        using var supervisorA = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Supervisor);
        await ApiClient.ExpectStatusAsync(await supervisorA.GetAsync("/api/telephony/accounts"), HttpStatusCode.Forbidden);
        await ApiClient.ExpectStatusAsync(await managerA.GetAsync("/api/telephony/status"), HttpStatusCode.Forbidden);
        await ApiClient.ExpectStatusAsync(await factory.Anonymous().GetAsync("/api/telephony/registrations"), HttpStatusCode.Unauthorized);
    }

    [Theory, DatabaseData]
    public async Task Accounts_are_updated_disabled_enabled_and_get_new_passwords(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var staffed = await admin.StaffAsync(platform);
        var account = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts", NewAccount(platform.Id));

        var linked = await admin.PutOkAsync<SipAccountDto>($"/api/telephony/accounts/{account.Id}",
            new UpdateSipAccountRequest(platform.Id, "  二号席  ", staffed.Agent.Id));
        Assert.Equal("二号席", linked.DisplayName);
        Assert.Equal(staffed.Agent.Id, linked.AgentId);

        var disabled = await admin.PostOkAsync<SipAccountDto>($"/api/telephony/accounts/{account.Id}/disable", null, HttpStatusCode.OK);
        Assert.False(disabled.Enabled);
        Assert.True((await admin.PostOkAsync<SipAccountDto>($"/api/telephony/accounts/{account.Id}/enable", null, HttpStatusCode.OK)).Enabled);

        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        var reset = await admin.PostOkAsync<SipAccountDto>($"/api/telephony/accounts/{account.Id}/password", new SetSipPasswordRequest("another-secret-7"),
            HttpStatusCode.OK);
        Assert.True(reset.PasswordChangedAt > account.PasswordChangedAt);

        // Without the engine on this node there are no registrations, and the status says the engine is off.
        Assert.Empty(await admin.GetOkAsync<List<SipRegistrationDto>>("/api/telephony/registrations"));
        var status = await admin.GetOkAsync<TelephonyStatusDto>("/api/telephony/status");
        Assert.False(status.Enabled);
        Assert.False(status.Running);
    }
}
