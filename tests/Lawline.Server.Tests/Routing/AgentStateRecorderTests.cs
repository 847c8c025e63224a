using Lawline.Server.Agents;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Routing;

/// <summary>
/// The agent state log: the real router of the app, driven as the call flow and the desktop drive it, and the rows
/// the recorder writes from its events — what attendance and not-ready reports are computed from.
/// </summary>
public sealed class AgentStateRecorderTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    [Theory, DatabaseData]
    public async Task Every_state_change_is_logged_in_order_with_its_reason_time_and_platform(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        var (platform, agent) = await SeedAgentAsync(factory);
        var router = factory.Services.GetRequiredService<CallRouter>();
        var id = new AgentId(agent.Id);
        router.Configure(ConfigurationFor(platform.Id, agent.Id));
        var t0 = WholeSecond(factory);

        router.SetReady(id);
        factory.Clock.Advance(TimeSpan.FromSeconds(60));
        router.SetNotReady(id, NotReadyReason.Break);
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        router.SetNotReady(id, NotReadyReason.Training);
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        router.LogOut(id);

        var rows = await RowsAsync(factory, agent.Id, expected: 4);
        Assert.Equal(
            [
                (AgentState.Offline, AgentState.Ready, (NotReadyReason?)null, t0),
                (AgentState.Ready, AgentState.NotReady, NotReadyReason.Break, t0.AddSeconds(60)),
                (AgentState.NotReady, AgentState.NotReady, NotReadyReason.Training, t0.AddSeconds(660)),
                (AgentState.NotReady, AgentState.Offline, null, t0.AddSeconds(720)),
            ],
            rows.Select(r => (r.From, r.To, r.Reason, r.At)));
        Assert.All(rows, r => Assert.Equal(platform.Id, r.PlatformId));
        Assert.All(rows, r => Assert.Null(r.CallId));
    }

    [Theory, DatabaseData]
    public async Task A_call_is_logged_with_its_id_from_ringing_to_wrap_up(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        var (platform, agent) = await SeedAgentAsync(factory);
        var router = factory.Services.GetRequiredService<CallRouter>();
        var id = new AgentId(agent.Id);
        var queue = new QueueId($"{platform.Id}:LABOR");
        router.Configure(ConfigurationFor(platform.Id, agent.Id) with
        {
            Queues = [new QueueDefinition(queue, new PlatformId(platform.Id), "LABOR", false, OverflowRules.None)],
        });
        var call = "leg-" + Guid.NewGuid().ToString("N")[..8];

        router.SetReady(id);
        router.Enqueue(new CallId(call), queue, CallPriority.Normal, "+8613912345678");
        Assert.True(router.Answered(new CallId(call), id));
        factory.Clock.Advance(TimeSpan.FromMinutes(7));
        Assert.True(router.CallEnded(id));
        factory.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(router.WrapUpDone(id));

        var rows = await RowsAsync(factory, agent.Id, expected: 5);
        Assert.Equal(
            [
                (AgentState.Ready, (string?)null),
                (AgentState.Ringing, call),
                (AgentState.Talking, call),
                (AgentState.WrapUp, call),
                (AgentState.Ready, null),
            ],
            rows.Select(r => (r.To, r.CallId)));
        Assert.Equal(TimeSpan.FromSeconds(420), rows[3].At - rows[2].At);
    }

    [Fact]
    public async Task An_agent_the_database_does_not_know_is_skipped_without_losing_the_others()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        var (platform, agent) = await SeedAgentAsync(factory);
        var router = factory.Services.GetRequiredService<CallRouter>();
        const int Stranger = 987_654_321;
        var configuration = ConfigurationFor(platform.Id, agent.Id);
        router.Configure(configuration with
        {
            Agents = [new AgentDefinition(new AgentId(Stranger), new PlatformId(platform.Id), new Dictionary<string, int>()), .. configuration.Agents],
        });

        // One batch holds both: the stranger's row would break the foreign key of the whole insert.
        router.SetReady(new AgentId(Stranger));
        router.SetReady(new AgentId(agent.Id));

        var row = Assert.Single(await RowsAsync(factory, agent.Id, expected: 1));
        Assert.Equal(AgentState.Ready, row.To);
        Assert.Empty(await RowsNowAsync(factory, Stranger));
    }

    [Fact]
    public async Task What_is_still_buffered_when_the_server_stops_is_written_before_it_exits()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        int agentId;
        var factory = await LawlineFactory.StartAsync(database, ownsDatabase: false);
        try
        {
            var (platform, agent) = await SeedAgentAsync(factory);
            agentId = agent.Id;
            var router = factory.Services.GetRequiredService<CallRouter>();
            router.Configure(ConfigurationFor(platform.Id, agent.Id));

            // SQLite writers queue on the write gate: holding it keeps the recorder's batch waiting while the host stops.
            var gate = factory.Services.GetRequiredService<DatabaseWriteGate>().Gate!;
            await gate.WaitAsync();
            router.SetReady(new AgentId(agentId));
            router.SetNotReady(new AgentId(agentId), NotReadyReason.Meeting);
            router.LogOut(new AgentId(agentId));
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            var stopping = factory.DisposeAsync().AsTask();
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.False(stopping.IsCompleted, "the server stopped without waiting for the buffered state changes");
            gate.Release();
            await stopping;
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }

        await using var again = await LawlineFactory.StartAsync(database, ownsDatabase: false);
        var rows = await RowsAsync(again, agentId, expected: 3);
        Assert.Equal([AgentState.Ready, AgentState.NotReady, AgentState.Offline], rows.Select(r => r.To));
        Assert.Equal(NotReadyReason.Meeting, rows[1].Reason);
    }

    internal static RoutingConfiguration ConfigurationFor(int platformId, int agentId) => new(
        [new PlatformNode(new PlatformId(platformId), null)],
        [],
        [new AgentDefinition(new AgentId(agentId), new PlatformId(platformId), new Dictionary<string, int> { ["LABOR"] = 3 })]);

    private static async Task<(PlatformDto Platform, AgentDto Agent)> SeedAgentAsync(LawlineFactory factory)
    {
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);
        return (platform, await admin.CreateAgentAsync(platform.Id, firm.Id));
    }

    /// <summary>Moves the app's clock to the next whole second: PostgreSQL keeps microseconds, the fake clock has ticks.</summary>
    internal static DateTimeOffset WholeSecond(LawlineFactory factory)
    {
        var now = factory.Clock.GetUtcNow();
        factory.Clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond - now.UtcTicks % TimeSpan.TicksPerSecond));
        return factory.Clock.GetUtcNow();
    }

    /// <summary>The agent's rows in the order written, once there are <paramref name="expected"/> of them (the recorder writes in the background).</summary>
    internal static async Task<List<AgentStateLog>> RowsAsync(LawlineFactory factory, int agentId, int expected)
    {
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(15);
        while (true)
        {
            var rows = await RowsNowAsync(factory, agentId);
            if (rows.Count >= expected)
            {
                return rows;
            }

            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"Expected {expected} state log rows for agent {agentId}, found {rows.Count}: "
                    + string.Join(", ", rows.Select(r => $"{r.From}→{r.To}")));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private static async Task<List<AgentStateLog>> RowsNowAsync(LawlineFactory factory, int agentId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.AgentStateLogs.AsNoTracking().Where(r => r.AgentId == agentId).OrderBy(r => r.Id).ToListAsync();
    }
}
