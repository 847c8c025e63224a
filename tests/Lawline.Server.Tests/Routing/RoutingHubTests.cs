using System.Collections.Concurrent;
using System.Net;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Routing.Live;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Routing;

/// <summary>
/// The routing hub (<c>/hubs/routing</c>) that wallboards and desktop toolbars outside the app connect to: real SignalR
/// clients against the real app, the app's own router driven as the desk drives it.
/// </summary>
public sealed class RoutingHubTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    [Fact]
    public async Task A_supervisor_sees_their_platforms_agents_change_state_and_a_supervisor_of_another_platform_does_not()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var a = await admin.CreatePlatformAsync();
        var b = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(a.Id);
        var agent = await admin.CreateAgentAsync(a.Id, firm.Id);
        using var supervisorA = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Supervisor);
        using var supervisorB = await factory.CreateUserAndSignInAsync(admin, b.Id, LawlineRoles.Supervisor);
        // A browser-style WebSocket (token in the query string) and a long-polling client (token in the header).
        await using var hubA = await ConnectAsync(factory, supervisorA, HttpTransportType.WebSockets);
        await using var hubB = await ConnectAsync(factory, supervisorB, HttpTransportType.LongPolling);
        var seenByA = Record<AgentStateMessage>(hubA, "agentState");
        var seenByB = Record<AgentStateMessage>(hubB, "agentState");
        var router = factory.Services.GetRequiredService<CallRouter>();
        var id = new AgentId(agent.Id);
        router.Configure(AgentStateRecorderTests.ConfigurationFor(a.Id, agent.Id));

        router.SetReady(id);
        router.SetNotReady(id, NotReadyReason.Break);

        await Wait.UntilAsync(() => seenByA.Count(m => m.AgentId == agent.Id) >= 2, "supervisor A never saw the agent go ready and on a break");
        Assert.Equal(
            [(a.Id, "Offline", "Ready", (string?)null), (a.Id, "Ready", "NotReady", "Break")],
            seenByA.Where(m => m.AgentId == agent.Id).Select(m => ((int)m.PlatformId!, m.From, m.To, m.Reason)));
        // Sends are in order: whatever B would have been sent for A's agent was sent before A's second message.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.DoesNotContain(seenByB, m => m.AgentId == agent.Id);
    }

    [Fact]
    public async Task An_agent_sees_their_own_state_and_calls_and_caller_numbers_are_masked()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);
        var mine = await admin.CreateAgentAsync(platform.Id, firm.Id);
        var colleague = await admin.CreateAgentAsync(platform.Id, firm.Id);
        var user = await admin.PostOkAsync<UserDto>("/api/users",
            new CreateUserRequest(Unique.UserName("lawyer"), "值班律师", TestData.UserPassword, platform.Id, [LawlineRoles.Agent], mine.Id));
        using var lawyer = await factory.SignInAsync(user.UserName, TestData.UserPassword);
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Supervisor);
        await using var lawyerHub = await ConnectAsync(factory, lawyer, HttpTransportType.WebSockets);
        await using var supervisorHub = await ConnectAsync(factory, supervisor, HttpTransportType.WebSockets);
        var lawyerStates = Record<AgentStateMessage>(lawyerHub, "agentState");
        var lawyerCalls = Record<CallMessage>(lawyerHub, "call");
        var supervisorCalls = Record<CallMessage>(supervisorHub, "call");
        var router = factory.Services.GetRequiredService<CallRouter>();
        var configuration = AgentStateRecorderTests.ConfigurationFor(platform.Id, mine.Id);
        router.Configure(configuration with
        {
            Agents = [.. configuration.Agents, .. AgentStateRecorderTests.ConfigurationFor(platform.Id, colleague.Id).Agents],
        });

        router.SetReady(new AgentId(colleague.Id));
        router.SetReady(new AgentId(mine.Id));
        await factory.Services.GetRequiredService<CallNotifier>().PublishAsync(new AgentCallEvent(
            AgentCallStage.Ringing, new AgentId(mine.Id), 4711, platform.Id, "+8613812345678", "LABOR", false, null, factory.Clock.GetUtcNow()));

        await Wait.UntilAsync(() => !lawyerCalls.IsEmpty && !supervisorCalls.IsEmpty, "the ringing call never reached the lawyer and the supervisor");
        var state = Assert.Single(lawyerStates);
        Assert.Equal((mine.Id, "Ready"), (state.AgentId, state.To));
        Assert.All([.. lawyerCalls, .. supervisorCalls], call =>
            Assert.Equal((mine.Id, 4711L, "Ringing", "138****5678"), (call.AgentId, call.CallRecordId, call.Stage, call.CallerNumber)));
    }

    [Fact]
    public async Task A_connection_without_credentials_is_refused()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);

        using var anonymous = factory.Anonymous();
        var negotiate = await anonymous.PostAsync("/hubs/routing/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);

        await using var hub = Build(factory, token: null, HttpTransportType.WebSockets);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static ConcurrentQueue<T> Record<T>(HubConnection connection, string method)
    {
        var seen = new ConcurrentQueue<T>();
        connection.On<T>(method, seen.Enqueue);
        return seen;
    }

    private static async Task<HubConnection> ConnectAsync(LawlineFactory factory, ApiClient user, HttpTransportType transport)
    {
        var connection = Build(factory, user.Http.DefaultRequestHeaders.Authorization!.Parameter!, transport);
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = connection.On<List<string>>("subscribed", _ => subscribed.TrySetResult());
        await connection.StartAsync();
        // Messages flow once the hub has put the connection in its groups, which it says.
        await subscribed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        return connection;
    }

    private static HubConnection Build(LawlineFactory factory, string? token, HttpTransportType transport)
    {
        var server = factory.Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/routing"), options =>
            {
                options.Transports = transport;
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.AccessTokenProvider = () => Task.FromResult(token);
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    // As a browser connects: a WebSocket carries no Authorization header, the token is in the query.
                    var uri = new UriBuilder(context.Uri);
                    if (token is not null)
                    {
                        uri.Query = uri.Query.TrimStart('?') + "&access_token=" + Uri.EscapeDataString(token);
                    }
                    return await server.CreateWebSocketClient().ConnectAsync(uri.Uri, cancellationToken);
                };
            })
            .Build();
    }
}
