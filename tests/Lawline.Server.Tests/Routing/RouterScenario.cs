using Lawline.Server.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lawline.Server.Tests.Routing;

/// <summary>A router on a fake clock that starts at 09:00 Beijing time, and helpers to build configurations and read events.</summary>
internal sealed class RouterScenario : IDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 3, 3, 9, 0, 0, TimeSpan.FromHours(8));

    public RouterScenario(RoutingConfiguration configuration)
    {
        Router = new CallRouter(Clock, NullLogger<CallRouter>.Instance);
        Router.Configure(configuration);
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public CallRouter Router { get; }

    public DateTimeOffset Now => Clock.GetUtcNow();

    public void Dispose() => Router.Dispose();

    public void Advance(TimeSpan by) => Clock.Advance(by);

    public void Advance(int seconds) => Clock.Advance(TimeSpan.FromSeconds(seconds));

    /// <summary>Everything published since the last call.</summary>
    public List<RoutingEvent> Drain()
    {
        var events = new List<RoutingEvent>();
        while (Router.Events.TryRead(out var e))
        {
            events.Add(e);
        }

        return events;
    }

    public List<OfferCall> Offers() => [.. Drain().OfType<OfferCall>()];

    public void Ready(params int[] agents)
    {
        foreach (var agent in agents)
        {
            Router.SetReady(new AgentId(agent));
        }
    }

    public void Enqueue(string call, string queue, CallPriority priority = CallPriority.Normal, string? number = null)
        => Router.Enqueue(new CallId(call), new QueueId(queue), priority, number ?? $"+86138{call.GetHashCode() & 0xFFFFFF:D8}");

    public AgentState StateOf(int agent) => Router.GetAgent(new AgentId(agent))!.State;

    /// <summary>Offered → answered → hung up → wrap-up done: the agent is ready again with a fresh idle time.</summary>
    public void Serve(OfferCall offer, TimeSpan talk)
    {
        Assert.True(Router.Answered(offer.CallId, offer.AgentId));
        Advance(talk);
        Assert.True(Router.CallEnded(offer.AgentId));
        Assert.True(Router.WrapUpDone(offer.AgentId));
    }
}

/// <summary>Small builders for routing configurations.</summary>
internal static class Routes
{
    public const int City = 1;
    public const int District = 2;
    public const int OtherDistrict = 3;

    public static readonly PlatformNode[] Tree = [new(new(City), null), new(new(District), new(City)), new(new(OtherDistrict), new(City))];

    public static QueueDefinition Queue(string id, int platform, string skill, OverflowRules? rules = null, bool general = false)
        => new(new QueueId(id), new PlatformId(platform), skill, general, rules ?? OverflowRules.None);

    public static AgentDefinition Agent(int id, int platform, params (string Skill, int Level)[] skills)
        => new(new AgentId(id), new PlatformId(platform), skills.ToDictionary(s => s.Skill, s => s.Level));

    public static AgentDefinition GeneralSeat(int id, int platform)
        => new(new AgentId(id), new PlatformId(platform), new Dictionary<string, int>(), IsGeneralSeat: true);

    public static RoutingConfiguration Config(IEnumerable<QueueDefinition> queues, IEnumerable<AgentDefinition> agents)
        => new(Tree, [.. queues], [.. agents]);
}
