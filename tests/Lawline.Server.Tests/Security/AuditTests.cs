using System.Net;
using Lawline.Server.Agents;
using Lawline.Server.Callers;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;

namespace Lawline.Server.Tests.Security;

public sealed class AuditTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    [Theory, DatabaseData]
    public async Task A_supervisor_sees_the_caller_in_full_and_the_read_is_audited(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var phone = Unique.Mobile();
        var caller = await admin.RegisterCallerAsync(platform.Id, phone, "李女士");
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Supervisor);
        var reads = $"/api/audit?action=ReadPersonalData&entityType=Caller&entityId={caller.Id}&userName={supervisor.UserName}";
        Assert.Equal(0, (await admin.GetOkAsync<AuditPage>(reads)).Total);

        var seen = await supervisor.GetOkAsync<CallerDetail>($"/api/callers/{caller.Id}");

        Assert.Equal(phone, seen.Phone);
        Assert.False(seen.PhoneIsMasked);
        Assert.Equal("李女士", seen.Name);
        var entry = Assert.Single((await admin.GetOkAsync<AuditPage>(reads)).Items);
        Assert.Equal(supervisor.UserName, entry.UserName);
        Assert.Equal(platform.Id, entry.PlatformId);
        Assert.Equal(factory.Clock.GetUtcNow(), entry.At, TimeSpan.FromMilliseconds(1));

        await supervisor.GetOkAsync<CallerDetail>($"/api/callers/{caller.Id}");
        Assert.Equal(2, (await admin.GetOkAsync<AuditPage>(reads)).Total);
    }

    [Theory, DatabaseData]
    public async Task A_qa_inspector_gets_the_number_masked_without_the_name_and_no_read_is_audited(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var phone = Unique.Mobile();
        var caller = await admin.RegisterCallerAsync(platform.Id, phone, "李女士");
        using var inspector = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.QaInspector);

        var seen = await inspector.GetOkAsync<CallerDetail>($"/api/callers/{caller.Id}");
        var listed = Assert.Single(await inspector.GetOkAsync<List<CallerSummary>>($"/api/callers?platformId={platform.Id}"));

        var masked = $"{phone[..3]}****{phone[^4..]}";
        Assert.Equal(masked, seen.Phone);
        Assert.True(seen.PhoneIsMasked);
        Assert.Null(seen.Name);
        Assert.Equal(masked, listed.PhoneMasked);
        var reads = await admin.GetOkAsync<AuditPage>($"/api/audit?action=ReadPersonalData&userName={inspector.UserName}");
        Assert.Equal(0, reads.Total);
    }

    [Theory, DatabaseData]
    public async Task Agent_changes_are_audited_without_the_mobile_number_in_clear(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);
        using var manager = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.PlatformManager);
        var (first, second) = (Unique.Mobile(), Unique.Mobile());
        var request = TestData.DutyLawyer(platform.Id, firm.Id, first);

        var agent = await manager.PostOkAsync<AgentDto>("/api/agents", request);
        await manager.PutOkAsync<AgentDto>($"/api/agents/{agent.Id}", request with { Mobile = second, Expertise = "婚姻家庭" });

        var log = await admin.GetOkAsync<AuditPage>($"/api/audit?entityType=Agent&entityId={agent.Id}");
        var created = Assert.Single(log.Items, e => e.Action == AuditAction.Create);
        var updated = Assert.Single(log.Items, e => e.Action == AuditAction.Update);
        Assert.All(new[] { created, updated }, entry =>
        {
            Assert.Equal(manager.UserName, entry.UserName);
            Assert.Equal(platform.Id, entry.PlatformId);
            Assert.Contains("\"MobileE164\":\"***\"", entry.Details, StringComparison.Ordinal);
            foreach (var mobile in new[] { first, second })
            {
                Assert.DoesNotContain(mobile, entry.Details, StringComparison.Ordinal);
                Assert.DoesNotContain(mobile[3..], entry.Details, StringComparison.Ordinal);
            }
        });
        Assert.Contains(request.Name, created.Details, StringComparison.Ordinal);
        Assert.Contains("婚姻家庭", updated.Details, StringComparison.Ordinal);
        Assert.DoesNotContain(request.Name, updated.Details, StringComparison.Ordinal);

        // The agent list shows the mobile masked; the contact endpoint shows it in full and is audited.
        Assert.Equal($"{second[..3]}****{second[^4..]}", (await manager.GetOkAsync<AgentDto>($"/api/agents/{agent.Id}")).MobileMasked);
        Assert.Equal(second, (await manager.GetOkAsync<AgentContactDto>($"/api/agents/{agent.Id}/contact")).Mobile);
        var read = Assert.Single((await admin.GetOkAsync<AuditPage>($"/api/audit?action=ReadPersonalData&entityType=Agent&entityId={agent.Id}")).Items);
        Assert.Equal(manager.UserName, read.UserName);

        // An editor who never saw the full number keeps it without reading it: no new read in the log.
        await manager.PutOkAsync<AgentDto>($"/api/agents/{agent.Id}", request with { Mobile = null, KeepMobile = true, Expertise = "合同纠纷" });
        Assert.Equal($"{second[..3]}****{second[^4..]}", (await manager.GetOkAsync<AgentDto>($"/api/agents/{agent.Id}")).MobileMasked);
        Assert.Single((await admin.GetOkAsync<AuditPage>($"/api/audit?action=ReadPersonalData&entityType=Agent&entityId={agent.Id}")).Items);
    }

    [Theory, DatabaseData]
    public async Task Only_administrators_see_the_audit_log(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();

        foreach (var role in LawlineRoles.All.Where(r => r != LawlineRoles.Administrator))
        {
            using var user = await factory.CreateUserAndSignInAsync(admin, platform.Id, role);
            Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/audit")).StatusCode);
        }
        Assert.True((await admin.GetOkAsync<AuditPage>("/api/audit")).Total > 0);
    }

    [Theory, DatabaseData]
    public async Task Sign_ins_are_audited(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var user = await admin.CreateUserAsync(platform.Id, LawlineRoles.Supervisor);
        using var anonymous = factory.Anonymous();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/auth/token", new TokenRequest(user.UserName, "Wrong-Pass-0000"))).StatusCode);
        using var signedIn = await factory.SignInAsync(user.UserName, TestData.UserPassword);

        var log = await admin.GetOkAsync<AuditPage>($"/api/audit?entityType=User&entityId={user.Id}");
        Assert.Contains(log.Items, e => e.Action == AuditAction.SignInFailed);
        Assert.Contains(log.Items, e => e.Action == AuditAction.TokenIssued);
        Assert.All(log.Items, e => Assert.DoesNotContain(TestData.UserPassword, e.Details ?? string.Empty, StringComparison.Ordinal));
    }
}
