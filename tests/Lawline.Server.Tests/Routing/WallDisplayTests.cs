using System.Collections.Concurrent;
using System.Net;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Routing.Live;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Routing;

/// <summary>
/// Display links (大屏令牌) for wall screens: supervisors create, list and revoke them within their platforms, and a
/// screen with one connects to the routing hub (<c>?display_token=…</c>) and receives its platforms' events only.
/// </summary>
public sealed class WallDisplayTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    private const string Displays = "/api/routing/wall-displays";

    [Fact]
    public async Task A_supervisor_creates_a_link_shown_once_lists_it_without_the_token_and_revokes_it_and_another_platform_cannot_touch_it()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var a = await admin.CreatePlatformAsync();
        var b = await admin.CreatePlatformAsync();
        using var supervisorA = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Supervisor);
        using var supervisorB = await factory.CreateUserAndSignInAsync(admin, b.Id, LawlineRoles.Supervisor);

        var created = await supervisorA.PostOkAsync<CreatedWallDisplay>(Displays, new CreateWallDisplayRequest("值班大厅大屏", a.Id, 30));
        Assert.Equal(43, created.Token.Length);
        Assert.EndsWith("/wall/" + created.Token, created.Url);
        Assert.Equal((a.Id, "值班大厅大屏", WallDisplayStatus.Active), (created.Display.PlatformId, created.Display.Name, created.Display.Status));
        Assert.Equal(factory.Clock.GetUtcNow().AddDays(30), created.Display.ExpiresAt);

        // Only the hash is kept; the list never shows the token again.
        var stored = await factory.WithDatabaseAsync(db => db.WallDisplays.IgnoreQueryFilters().SingleAsync(d => d.Id == created.Display.Id));
        Assert.Equal(WallDisplay.HashOf(created.Token), stored.TokenHash);
        Assert.DoesNotContain(created.Token, stored.TokenHash);
        var listed = await supervisorA.GetAsync(Displays);
        Assert.DoesNotContain(created.Token, await listed.Content.ReadAsStringAsync());
        Assert.Contains((await supervisorA.GetOkAsync<List<WallDisplayDto>>(Displays)), d => d.Id == created.Display.Id);

        // The token works: a screen connects to the hub with it.
        await using (var screen = await ConnectAsync(factory, created.Token))
        {
            Assert.Equal(HubConnectionState.Connected, screen.Connection.State);
            Assert.Equal([RoutingHub.PlatformGroup(a.Id)], screen.Groups);
        }

        // Another platform's supervisor neither sees nor revokes it, nor creates one for a platform they do not see.
        Assert.DoesNotContain(await supervisorB.GetOkAsync<List<WallDisplayDto>>(Displays), d => d.Id == created.Display.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisorB.Http.DeleteAsync($"{Displays}/{created.Display.Id}")).StatusCode);
        await ApiClient.ReadFieldErrorAsync(await supervisorB.PostAsync(Displays, new CreateWallDisplayRequest("别人的大屏", a.Id)), "platformId");
        await ApiClient.ReadFieldErrorAsync(await supervisorA.PostAsync(Displays, new CreateWallDisplayRequest(" ", a.Id)), "name");
        using var lawyer = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Agent);
        Assert.Equal(HttpStatusCode.Forbidden, (await lawyer.GetAsync(Displays)).StatusCode);

        // Revoked: the hub refuses the token at negotiate, and the audit log has the creation and the revocation.
        var revoked = await ApiClient.ReadAsync<WallDisplayDto>(await supervisorA.Http.DeleteAsync($"{Displays}/{created.Display.Id}"), HttpStatusCode.OK);
        Assert.Equal(WallDisplayStatus.Revoked, revoked.Status);
        using var anonymous = factory.Anonymous();
        var negotiate = await anonymous.PostAsync($"/hubs/routing/negotiate?negotiateVersion=1&display_token={Uri.EscapeDataString(created.Token)}", null);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
        await using var refused = Build(factory, created.Token, HttpTransportType.WebSockets);
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => refused.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        var audit = await factory.WithDatabaseAsync(db => db.AuditEntries.IgnoreQueryFilters()
            .Where(e => e.EntityType == nameof(WallDisplay) && e.EntityId == created.Display.Id.ToString())
            .Select(e => new { e.Action, e.UserName }).ToListAsync());
        Assert.Contains(audit, e => e.Action == AuditAction.Create && e.UserName == supervisorA.UserName);
        Assert.Contains(audit, e => e.Action == AuditAction.Update && e.UserName == supervisorA.UserName);

        // A made-up token and an API call with a display token get nowhere either.
        var unknown = await anonymous.PostAsync("/hubs/routing/negotiate?negotiateVersion=1&display_token=not-a-token", null);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var other = await supervisorA.PostOkAsync<CreatedWallDisplay>(Displays, new CreateWallDisplayRequest("走廊大屏", a.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/routing/wallboard?display_token={other.Token}")).StatusCode);
    }

    [Fact]
    public async Task A_wall_screen_receives_its_platform_s_events_and_not_a_sibling_platform_s()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var (_, districtA, districtB) = await admin.CreateCityWithDistrictsAsync();
        var firmA = await admin.CreateLawFirmAsync(districtA.Id);
        var firmB = await admin.CreateLawFirmAsync(districtB.Id);
        var agentA = await admin.CreateAgentAsync(districtA.Id, firmA.Id);
        var agentB = await admin.CreateAgentAsync(districtB.Id, firmB.Id);
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, districtA.Id, LawlineRoles.Supervisor);
        var display = await supervisor.PostOkAsync<CreatedWallDisplay>(Displays, new CreateWallDisplayRequest("区大屏", districtA.Id));

        await using var screen = await ConnectAsync(factory, display.Token);
        Assert.Equal([RoutingHub.PlatformGroup(districtA.Id)], screen.Groups);
        var states = Record<AgentStateMessage>(screen.Connection, "agentState");
        var queue = Record<QueueMessage>(screen.Connection, "queue");
        var router = factory.Services.GetRequiredService<CallRouter>();
        var configurationA = AgentStateRecorderTests.ConfigurationFor(districtA.Id, agentA.Id);
        var configurationB = AgentStateRecorderTests.ConfigurationFor(districtB.Id, agentB.Id);
        // A queue per district whose skill neither lawyer has: the callers stay queued.
        var queueA = RoutingDirectory.QueueFor(districtA.Id, "FAMILY");
        var queueB = RoutingDirectory.QueueFor(districtB.Id, "FAMILY");
        router.Configure(configurationA with
        {
            Platforms = [.. configurationA.Platforms, .. configurationB.Platforms],
            Agents = [.. configurationA.Agents, .. configurationB.Agents],
            Queues =
            [
                new QueueDefinition(queueA, new PlatformId(districtA.Id), "FAMILY", false, OverflowRules.None),
                new QueueDefinition(queueB, new PlatformId(districtB.Id), "FAMILY", false, OverflowRules.None),
            ],
        });

        router.SetReady(new AgentId(agentB.Id));
        router.SetReady(new AgentId(agentA.Id));
        var callB = new CallId("leg-" + Guid.NewGuid().ToString("N")[..8]);
        var callA = new CallId("leg-" + Guid.NewGuid().ToString("N")[..8]);
        router.Enqueue(callB, queueB, CallPriority.Normal, Unique.Mobile());
        router.Enqueue(callA, queueA, CallPriority.Normal, Unique.Mobile());

        await Wait.UntilAsync(() => states.Any(m => m.AgentId == agentA.Id) && queue.Any(m => m.QueueId == queueA.Value),
            "the screen never saw its platform's agent go ready and its caller queue");
        Assert.Contains(states, m => (m.AgentId, m.PlatformId, m.To) == (agentA.Id, districtA.Id, "Ready"));
        // Sends are in order: the sibling's messages went out before the screen's own.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.DoesNotContain(states, m => m.AgentId == agentB.Id);
        Assert.DoesNotContain(queue, m => m.QueueId == queueB.Value || m.PlatformId == districtB.Id);
        Assert.All(queue, m => Assert.True(m.CallerNumber is null || m.CallerNumber.Contains('*', StringComparison.Ordinal)));
        router.Abandon(callA);
        router.Abandon(callB);
        router.LogOut(new AgentId(agentA.Id));
        router.LogOut(new AgentId(agentB.Id));
    }

    private sealed class Screen(HubConnection connection, List<string> groups) : IAsyncDisposable
    {
        public HubConnection Connection => connection;

        public List<string> Groups => groups;

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    private static ConcurrentQueue<T> Record<T>(HubConnection connection, string method)
    {
        var seen = new ConcurrentQueue<T>();
        connection.On<T>(method, seen.Enqueue);
        return seen;
    }

    private static async Task<Screen> ConnectAsync(LawlineFactory factory, string token)
    {
        var connection = Build(factory, token, HttpTransportType.WebSockets);
        var subscribed = new TaskCompletionSource<List<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = connection.On<List<string>>("subscribed", groups => subscribed.TrySetResult(groups));
        await connection.StartAsync();
        var groups = await subscribed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        return new Screen(connection, groups);
    }

    /// <summary>A wall screen's client: no sign-in, the display token in the query string of every request.</summary>
    private static HubConnection Build(LawlineFactory factory, string token, HttpTransportType transport)
    {
        var server = factory.Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/routing?display_token=" + Uri.EscapeDataString(token)), options =>
            {
                options.Transports = transport;
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.WebSocketFactory = (context, cancellationToken)
                    => new ValueTask<System.Net.WebSockets.WebSocket>(server.CreateWebSocketClient().ConnectAsync(context.Uri, cancellationToken));
            })
            .Build();
    }
}
