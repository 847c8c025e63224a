using System.Net;
using Lawline.Server.Agents;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Telephony;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Routing;

/// <summary>Who the router may offer calls to, as the directory reads it from the database, and how each is reached.</summary>
public sealed class RoutingDirectoryTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    [Theory, DatabaseData]
    public async Task Agents_with_a_phone_account_and_remote_seats_with_a_mobile_take_calls_and_no_one_else(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);
        var withPhone = await admin.CreateAgentAsync(platform.Id, firm.Id);
        var remoteMobile = Unique.Mobile();
        var remote = await admin.CreateAgentAsync(platform.Id, firm.Id, remoteMobile);
        var remoteWithoutMobile = await admin.PostOkAsync<AgentDto>("/api/agents", TestData.DutyLawyer(platform.Id, firm.Id) with { Mobile = null });
        var suspendedRemote = await admin.CreateAgentAsync(platform.Id, firm.Id);
        var mobileOnly = await admin.CreateAgentAsync(platform.Id, firm.Id);
        var extension = "7" + Random.Shared.Next(100_000, 999_999);
        await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts",
            new CreateSipAccountRequest(platform.Id, extension, "一号席", withPhone.Id, "phone-secret-42"));
        await factory.MakeRemoteSeatAsync(remote.Id);
        await factory.MakeRemoteSeatAsync(remoteWithoutMobile.Id);
        await factory.MakeRemoteSeatAsync(suspendedRemote.Id);
        await admin.PostOkAsync<AgentDto>($"/api/agents/{suspendedRemote.Id}/suspend", new AgentStatusRequest("暂停值班"), HttpStatusCode.OK);

        var directory = factory.Services.GetRequiredService<RoutingDirectory>();
        var configuration = await directory.RefreshAsync(CancellationToken.None);

        var routed = configuration.Agents.Where(a => a.PlatformId.Value == platform.Id).Select(a => a.AgentId.Value).Order().ToList();
        Assert.Equal(new[] { withPhone.Id, remote.Id }.Order(), routed);
        Assert.Equal((extension, (string?)null), (directory.PhoneOf(new AgentId(withPhone.Id)), directory.MobileOf(new AgentId(withPhone.Id))));
        Assert.Equal(((string?)null, "+86" + remoteMobile), (directory.PhoneOf(new AgentId(remote.Id)), directory.MobileOf(new AgentId(remote.Id))));
        Assert.Null(directory.MobileOf(new AgentId(mobileOnly.Id)));
        Assert.Null(directory.MobileOf(new AgentId(suspendedRemote.Id)));
    }
}
