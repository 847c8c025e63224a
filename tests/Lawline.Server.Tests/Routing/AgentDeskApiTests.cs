using System.Net;
using Lawline.Server.Agents;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Telephony;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Telephony;
using Lawline.Sip;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Routing;

/// <summary>
/// The agent desktop's routing API (<c>/api/routing/me</c>) and the supervisors' view of queues and agents, on the
/// app's real router. The lawyers here work remote seats (calls on their mobile), so they need no phone online.
/// </summary>
public sealed class AgentDeskApiTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    private sealed record Desk(LawlineFactory Factory, ApiClient Admin, PlatformDto Platform, AgentDto Agent, ApiClient Lawyer, CallRouter Router)
    {
        public AgentId Id => new(Agent.Id);
    }

    private async Task<Desk> RemoteLawyerAsync(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);
        var labour = (await admin.GetOkAsync<List<SkillDto>>("/api/skills")).Single(s => s.Code == "LABOR");
        var agent = await admin.PostOkAsync<AgentDto>("/api/agents",
            TestData.DutyLawyer(platform.Id, firm.Id) with { Skills = [new AgentSkillRequest(labour.Id, 3)] });
        await factory.MakeRemoteSeatAsync(agent.Id);
        var lawyer = await SignInLinkedAsync(factory, admin, platform.Id, agent.Id);
        return new Desk(factory, admin, platform, agent, lawyer, factory.Services.GetRequiredService<CallRouter>());
    }

    private static async Task<ApiClient> SignInLinkedAsync(LawlineFactory factory, ApiClient admin, int platformId, int? agentId, string role = LawlineRoles.Agent)
    {
        var user = await admin.PostOkAsync<UserDto>("/api/users",
            new CreateUserRequest(Unique.UserName("lawyer"), "值班律师", TestData.UserPassword, platformId, [role], agentId));
        return await factory.SignInAsync(user.UserName, TestData.UserPassword);
    }

    [Theory, DatabaseData]
    public async Task A_remote_seat_lawyer_goes_ready_takes_a_break_and_logs_out(DatabaseProvider provider)
    {
        var d = await RemoteLawyerAsync(provider);
        var clock = d.Factory.Clock;

        var desk = await d.Lawyer.GetOkAsync<AgentDeskDto>("/api/routing/me");
        Assert.Equal((d.Agent.Id, d.Agent.Name, AgentState.Offline, true), (desk.Agent.AgentId, desk.Agent.Name, desk.Agent.State, desk.Agent.RemoteSeat));
        var queue = Assert.Single(desk.Queues);
        Assert.Equal(("LABOR", "劳动争议", d.Platform.Id), (queue.SkillCode, queue.SkillName, queue.PlatformId));
        Assert.Equal(0, queue.StaffedAgents);

        var ready = await d.Lawyer.PutOkAsync<AgentDeskDto>("/api/routing/me/state", new SetMyStateRequest("ready", null));
        Assert.Equal((AgentState.Ready, (NotReadyReason?)null, clock.GetUtcNow()), (ready.Agent.State, ready.Agent.Reason, ready.Agent.Since));
        Assert.Equal((1, 1), (ready.Queues[0].ReadyAgents, ready.Queues[0].StaffedAgents));

        clock.Advance(TimeSpan.FromSeconds(95));
        Assert.Equal(95, (await d.Lawyer.GetOkAsync<AgentDeskDto>("/api/routing/me")).Agent.SecondsInState);

        var onBreak = await d.Lawyer.PutOkAsync<AgentDeskDto>("/api/routing/me/state", new SetMyStateRequest("notReady", "break"));
        Assert.Equal((AgentState.NotReady, NotReadyReason.Break, 0), (onBreak.Agent.State, onBreak.Agent.Reason, onBreak.Agent.SecondsInState));
        // Not ready is not staffed: the expected wait counts only agents who will take calls.
        Assert.Equal((0, 0), (onBreak.Queues[0].ReadyAgents, onBreak.Queues[0].StaffedAgents));

        var gone = await d.Lawyer.PutOkAsync<AgentDeskDto>("/api/routing/me/state", new SetMyStateRequest("OFFLINE", null));
        Assert.Equal(AgentState.Offline, gone.Agent.State);
        Assert.Equal(AgentState.Offline, d.Router.GetAgent(d.Id)!.State);
    }

    [Theory, DatabaseData]
    public async Task A_change_asked_for_during_a_call_is_accepted_for_after_wrap_up(DatabaseProvider provider)
    {
        var d = await RemoteLawyerAsync(provider);
        await d.Lawyer.PutOkAsync<AgentDeskDto>("/api/routing/me/state", new SetMyStateRequest("ready", null));
        var call = new CallId("leg-" + Guid.NewGuid().ToString("N")[..8]);
        d.Router.Enqueue(call, RoutingDirectory.QueueFor(d.Platform.Id, "LABOR"), CallPriority.Normal, "+8613912345678");

        var ringing = await d.Lawyer.GetOkAsync<AgentDeskDto>("/api/routing/me");
        Assert.Equal((AgentState.Ringing, call.Value, AgentState.Ready), (ringing.Agent.State, ringing.Agent.CallId, ringing.Agent.AfterCall));
        Assert.True(d.Router.Answered(call, d.Id));

        var response = await d.Lawyer.PutAsync("/api/routing/me/state", new SetMyStateRequest("notReady", "meeting"));
        var accepted = await ApiClient.ReadAsync<AgentDeskDto>(response, HttpStatusCode.Accepted);
        Assert.Equal((AgentState.Talking, AgentState.NotReady, NotReadyReason.Meeting),
            (accepted.Agent.State, accepted.Agent.AfterCall, accepted.Agent.AfterCallReason));

        // Wrap-up only exists after the call.
        await ApiClient.ReadProblemAsync(await d.Lawyer.PostAsync("/api/routing/me/wrap-up-done", null), HttpStatusCode.Conflict);
        Assert.True(d.Router.CallEnded(d.Id));
        Assert.Equal(AgentState.WrapUp, (await d.Lawyer.GetOkAsync<AgentDeskDto>("/api/routing/me")).Agent.State);

        var done = await d.Lawyer.PostOkAsync<AgentDeskDto>("/api/routing/me/wrap-up-done", null, HttpStatusCode.OK);
        Assert.Equal((AgentState.NotReady, NotReadyReason.Meeting, (AgentState?)null), (done.Agent.State, done.Agent.Reason, done.Agent.AfterCall));
        var problem = await ApiClient.ReadProblemAsync(await d.Lawyer.PostAsync("/api/routing/me/wrap-up-done", null), HttpStatusCode.Conflict);
        Assert.Contains("not in wrap-up", problem.Detail);
    }

    [Theory, DatabaseData]
    public async Task A_state_request_without_a_valid_state_or_reason_gets_field_errors(DatabaseProvider provider)
    {
        var d = await RemoteLawyerAsync(provider);

        await ApiClient.ReadFieldErrorAsync(await d.Lawyer.PutAsync("/api/routing/me/state", new SetMyStateRequest(null, null)), "state");
        await ApiClient.ReadFieldErrorAsync(await d.Lawyer.PutAsync("/api/routing/me/state", new SetMyStateRequest("sleeping", null)), "state");
        await ApiClient.ReadFieldErrorAsync(await d.Lawyer.PutAsync("/api/routing/me/state", new SetMyStateRequest("1", null)), "state");
        var noReason = await ApiClient.ReadFieldErrorAsync(await d.Lawyer.PutAsync("/api/routing/me/state", new SetMyStateRequest("notReady", null)), "reason");
        Assert.Contains("break, training, meeting or other", noReason.Errors!["reason"][0]);
        // Missed is the router's mark for a call that rang out, not a reason a person gives.
        await ApiClient.ReadFieldErrorAsync(await d.Lawyer.PutAsync("/api/routing/me/state", new SetMyStateRequest("notReady", "missed")), "reason");
        await ApiClient.ReadFieldErrorAsync(await d.Lawyer.SendRawAsync(HttpMethod.Put, "/api/routing/me/state", """{"state":"notReady","reason":""}"""), "reason");

        Assert.Equal(AgentState.Offline, (await d.Lawyer.GetOkAsync<AgentDeskDto>("/api/routing/me")).Agent.State);
    }

    [Theory, DatabaseData]
    public async Task Accounts_without_a_routable_agent_are_told_why(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);
        using var notLinked = await SignInLinkedAsync(factory, admin, platform.Id, null);
        // Admitted, but with neither a phone account nor a remote seat: calls could not reach them.
        var unreachable = await admin.CreateAgentAsync(platform.Id, firm.Id);
        using var linked = await SignInLinkedAsync(factory, admin, platform.Id, unreachable.Id);

        var problem = await ApiClient.ReadProblemAsync(await notLinked.GetAsync("/api/routing/me"), HttpStatusCode.NotFound);
        Assert.Contains("not linked to an agent", problem.Detail);
        await ApiClient.ReadProblemAsync(await notLinked.PutAsync("/api/routing/me/state", new SetMyStateRequest("ready", null)), HttpStatusCode.NotFound);
        problem = await ApiClient.ReadProblemAsync(await linked.GetAsync("/api/routing/me"), HttpStatusCode.NotFound);
        Assert.Contains($"{unreachable.Name} cannot take calls", problem.Detail);

        // Made a remote seat, the same agent can sign in to routing at once (the router is refreshed on demand).
        await factory.MakeRemoteSeatAsync(unreachable.Id);
        Assert.Equal(AgentState.Offline, (await linked.GetOkAsync<AgentDeskDto>("/api/routing/me")).Agent.State);
    }

    [Theory, DatabaseData]
    public async Task A_supervisor_sees_the_queues_and_agents_of_their_platform_only(DatabaseProvider provider)
    {
        var d = await RemoteLawyerAsync(provider);
        var other = await RemoteLawyerAsync(provider);
        using var supervisor = await d.Factory.CreateUserAndSignInAsync(d.Admin, d.Platform.Id, LawlineRoles.Supervisor);
        await d.Lawyer.PutOkAsync<AgentDeskDto>("/api/routing/me/state", new SetMyStateRequest("notReady", "training"));
        await other.Lawyer.GetOkAsync<AgentDeskDto>("/api/routing/me");
        d.Router.Enqueue(new CallId("leg-" + Guid.NewGuid().ToString("N")[..8]), RoutingDirectory.QueueFor(d.Platform.Id, "LABOR"),
            CallPriority.Normal, "+8613912345678");
        d.Factory.Clock.Advance(TimeSpan.FromSeconds(40));

        var agents = await supervisor.GetOkAsync<List<RoutedAgentDto>>("/api/routing/agents");
        var mine = Assert.Single(agents);
        Assert.Equal((d.Agent.Id, d.Agent.Name, d.Platform.Name, AgentState.NotReady, NotReadyReason.Training, 40),
            (mine.AgentId, mine.Name, mine.PlatformName, mine.State, mine.Reason, mine.SecondsInState));
        Assert.Equal([("LABOR", "劳动争议", 3)], mine.Skills.Select(s => (s.Code, s.Name, s.Level)));

        var queues = await supervisor.GetOkAsync<List<QueueDto>>("/api/routing/queues");
        Assert.All(queues, q => Assert.Equal(d.Platform.Id, q.PlatformId));
        Assert.Contains(queues, q => q.IsGeneral && q.SkillName == "综合");
        var labour = Assert.Single(queues, q => q.SkillCode == "LABOR");
        Assert.Equal((1, 40, 0, 0), (labour.Waiting, labour.LongestWaitSeconds, labour.ReadyAgents, labour.StaffedAgents));

        // The administrator (no platform) sees both platforms; a lawyer sees neither list.
        var all = await d.Admin.GetOkAsync<List<RoutedAgentDto>>("/api/routing/agents");
        Assert.Contains(all, a => a.AgentId == other.Agent.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await d.Lawyer.GetAsync("/api/routing/agents")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await d.Lawyer.GetAsync("/api/routing/queues")).StatusCode);
    }

    [Theory, DatabaseData]
    public async Task A_supervisor_sets_an_agent_not_ready_and_logs_them_out_and_the_audit_log_says_who(DatabaseProvider provider)
    {
        var d = await RemoteLawyerAsync(provider);
        var other = await RemoteLawyerAsync(provider);
        using var supervisor = await d.Factory.CreateUserAndSignInAsync(d.Admin, d.Platform.Id, LawlineRoles.Supervisor);
        var url = $"/api/routing/agents/{d.Agent.Id}/state";

        // Logged out, the agent cannot be put to work by someone else.
        var refused = await ApiClient.ReadProblemAsync(await supervisor.PutAsync(url, new SetAgentStateRequest("notReady", "meeting")), HttpStatusCode.Conflict);
        Assert.Contains("logged out", refused.Detail);
        await d.Lawyer.PutOkAsync<AgentDeskDto>("/api/routing/me/state", new SetMyStateRequest("ready", null));

        var set = await supervisor.PutOkAsync<RoutedAgentDto>(url, new SetAgentStateRequest("notReady", "meeting", "班组例会"));
        Assert.Equal((AgentState.NotReady, NotReadyReason.Meeting), (set.State, set.Reason));
        var seen = await d.Lawyer.GetOkAsync<AgentDeskDto>("/api/routing/me");
        Assert.Equal((AgentState.NotReady, NotReadyReason.Meeting), (seen.Agent.State, seen.Agent.Reason));
        var loggedOut = await supervisor.PutOkAsync<RoutedAgentDto>(url, new SetAgentStateRequest("offline", null, "下班"));
        Assert.Equal(AgentState.Offline, loggedOut.State);

        var log = await d.Admin.GetOkAsync<AuditPage>($"/api/audit?entityType=AgentState&entityId={d.Agent.Id}");
        Assert.Equal(2, log.Total);
        Assert.All(log.Items, e => Assert.Equal((supervisor.UserName, d.Platform.Id, AuditAction.Update), (e.UserName, e.PlatformId, e.Action)));
        Assert.Contains("\"To\":\"NotReady\"", log.Items[1].Details);
        Assert.Contains("\"Reason\":\"Meeting\"", log.Items[1].Details);
        Assert.Contains("班组例会", log.Items[1].Details);
        Assert.Contains("\"To\":\"Offline\"", log.Items[0].Details);

        // Only agents make themselves ready; another platform's agent is not this supervisor's to see.
        await ApiClient.ReadFieldErrorAsync(await supervisor.PutAsync(url, new SetAgentStateRequest("ready", null)), "state");
        await ApiClient.ReadFieldErrorAsync(await supervisor.PutAsync(url, new SetAgentStateRequest("notReady", null)), "reason");
        await ApiClient.ReadProblemAsync(await supervisor.PutAsync($"/api/routing/agents/{other.Agent.Id}/state", new SetAgentStateRequest("offline", null)),
            HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, (await d.Lawyer.PutAsync(url, new SetAgentStateRequest("offline", null))).StatusCode);
        Assert.Equal(2, (await d.Admin.GetOkAsync<AuditPage>($"/api/audit?entityType=AgentState&entityId={d.Agent.Id}")).Total);
    }

    [Fact]
    public async Task A_lawyer_whose_phone_is_not_registered_cannot_go_ready_and_is_ready_once_it_registers()
    {
        await using var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Sip:Enabled"] = "true" });
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);
        var agent = await admin.CreateAgentAsync(platform.Id, firm.Id);
        var extension = "6" + Random.Shared.Next(100, 999);
        await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts",
            new CreateSipAccountRequest(platform.Id, extension, "二号席", agent.Id, "phone-secret-42"));
        using var lawyer = await SignInLinkedAsync(factory, admin, platform.Id, agent.Id);

        var refused = await ApiClient.ReadFieldErrorAsync(await lawyer.PutAsync("/api/routing/me/state", new SetMyStateRequest("ready", null)),
            "state", HttpStatusCode.Conflict);
        Assert.Contains($"extension {extension}) is not registered", refused.Detail);
        Assert.Equal(AgentState.Offline, (await lawyer.GetOkAsync<AgentDeskDto>("/api/routing/me")).Agent.State);

        // The phone coming online makes the lawyer ready (the call flow does that); from a break they can be ready again.
        using var phone = new SipTestPhone(factory.Services.GetRequiredService<SipEngine>().LocalEndPoint);
        Assert.Equal(200, (await phone.RegisterAsync(extension, "phone-secret-42")).StatusCode);
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(15);
        while ((await lawyer.GetOkAsync<AgentDeskDto>("/api/routing/me")).Agent.State != AgentState.Ready)
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "the lawyer did not become ready when the phone registered");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        await lawyer.PutOkAsync<AgentDeskDto>("/api/routing/me/state", new SetMyStateRequest("notReady", "break"));
        var back = await lawyer.PutOkAsync<AgentDeskDto>("/api/routing/me/state", new SetMyStateRequest("ready", null));
        Assert.Equal((AgentState.Ready, extension, false), (back.Agent.State, back.Agent.Extension, back.Agent.RemoteSeat));
    }
}
