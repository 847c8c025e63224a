using Lawline.Server.Routing;
using static Lawline.Server.Tests.Routing.Routes;

namespace Lawline.Server.Tests.Routing;

public sealed class QueueInformationTests
{
    [Fact]
    public void Position_and_expected_wait_use_the_default_handle_time_until_the_queue_has_history()
    {
        using var s = new RouterScenario(Config([Queue("labour", City, "labour")],
            [Agent(1, City, ("labour", 3)), Agent(2, City, ("labour", 3))]) with { DefaultHandleTime = TimeSpan.FromMinutes(6) });
        s.Enqueue("c1", "labour");

        // Nobody staffed: no estimate, but the position is known.
        Assert.Null(s.Router.ExpectedWait(new CallId("c1")));
        Assert.Equal(1, s.Router.PositionOf(new CallId("c1")));

        s.Ready(1, 2);
        s.Enqueue("c2", "labour");
        s.Enqueue("c3", "labour");
        s.Enqueue("c4", "labour");
        Assert.Equal(2, s.Router.PositionOf(new CallId("c4")));

        // Two staffed agents, both busy: 2 × 6 min ÷ 2.
        Assert.Equal(TimeSpan.FromMinutes(6), s.Router.ExpectedWait(new CallId("c4")));
        Assert.Null(s.Router.ExpectedWait(new CallId("c1")));
        Assert.Null(s.Router.PositionOf(new CallId("c1")));
    }

    [Fact]
    public void Expected_wait_after_history_is_position_times_average_handle_time_over_staffed_agents()
    {
        using var s = new RouterScenario(Config([Queue("labour", City, "labour")],
            [Agent(1, City, ("labour", 3)), Agent(2, City, ("labour", 3))]) with { WrapUp = TimeSpan.FromSeconds(30) });
        s.Ready(1);
        s.Enqueue("c1", "labour");
        var first = Assert.Single(s.Offers());
        s.Router.Answered(first.CallId, first.AgentId);
        s.Advance(TimeSpan.FromMinutes(4));
        s.Router.CallEnded(first.AgentId);
        s.Router.SetNotReady(first.AgentId, NotReadyReason.Break);
        s.Advance(30);

        s.Ready(1);
        s.Enqueue("c2", "labour");
        var second = Assert.Single(s.Offers());
        s.Router.Answered(second.CallId, second.AgentId);
        s.Advance(TimeSpan.FromMinutes(8));
        s.Router.CallEnded(second.AgentId);
        s.Advance(30);

        // AHT = (4.5 + 8.5) / 2 = 6.5 min; agent 1 ready again, agent 2 on a break: one staffed agent.
        s.Ready(2);
        s.Router.SetNotReady(new AgentId(2), NotReadyReason.Break);
        s.Enqueue("c3", "labour");
        var third = Assert.Single(s.Offers());
        s.Router.Answered(third.CallId, third.AgentId);
        s.Enqueue("c4", "labour");
        s.Enqueue("c5", "labour");
        Assert.Equal(TimeSpan.FromMinutes((4.5 + 8.5) / 2 * 2), s.Router.ExpectedWait(new CallId("c5")));
    }

    [Fact]
    public void Announcements_are_due_at_the_configured_interval_with_the_current_position()
    {
        var rules = new OverflowRules { AnnounceEvery = TimeSpan.FromSeconds(30) };
        using var s = new RouterScenario(Config([Queue("labour", City, "labour", rules)], [Agent(1, City, ("labour", 3))]));
        s.Enqueue("c1", "labour");
        s.Advance(10);
        s.Enqueue("c2", "labour");
        Assert.Equal(2, s.Drain().OfType<CallQueued>().Last().Position);

        s.Advance(20);
        var first = Assert.Single(s.Drain().OfType<AnnouncementDue>());
        Assert.Equal((new CallId("c1"), 1), (first.CallId, first.Position));
        Assert.Null(first.ExpectedWait);

        s.Router.Abandon(new CallId("c1"));
        s.Advance(10);
        var second = Assert.Single(s.Drain().OfType<AnnouncementDue>());
        Assert.Equal((new CallId("c2"), 1), (second.CallId, second.Position));

        s.Advance(30);
        Assert.Single(s.Drain().OfType<AnnouncementDue>());
    }

    [Fact]
    public void Reconfiguration_keeps_waiting_calls_in_place_and_applies_new_agents_and_rules()
    {
        using var s = new RouterScenario(Config([Queue("labour", City, "labour"), Queue("general", City, "general", general: true)],
            [Agent(1, City, ("general", 3))]));
        s.Ready(1);
        s.Enqueue("old", "labour");
        s.Advance(90);
        s.Enqueue("new", "labour");
        Assert.Empty(s.Offers());

        // The supervisor turns on general fallback after 60 s: the call that has waited 90 s goes at once.
        var rules = new OverflowRules { OverflowToGeneralAfter = TimeSpan.FromSeconds(60) };
        s.Router.Configure(Config([Queue("labour", City, "labour", rules), Queue("general", City, "general", general: true)],
            [Agent(1, City, ("general", 3)), Agent(2, City, ("labour", 4))]));
        var offer = Assert.Single(s.Offers());
        Assert.Equal((new CallId("old"), new AgentId(1), OfferReason.OverflowGeneral), (offer.CallId, offer.AgentId, offer.Reason));

        // A newly configured agent starts offline, and takes the remaining call when ready.
        Assert.Equal(AgentState.Offline, s.StateOf(2));
        s.Ready(2);
        Assert.Equal((new CallId("new"), new AgentId(2)), s.Offers().Select(o => (o.CallId, o.AgentId)).Single());
        s.Router.Answered(new CallId("new"), new AgentId(2));
        s.Router.Answered(new CallId("old"), new AgentId(1));
        s.Router.CallEnded(new AgentId(1));
        s.Router.WrapUpDone(new AgentId(1));

        // Agent 2 leaves the configuration while talking: gone once the call and wrap-up are over; agent 1 leaves at once.
        s.Router.Configure(Config([Queue("labour", City, "labour")], [Agent(3, City, ("labour", 1))]));
        Assert.Equal(AgentState.Talking, s.StateOf(2));
        Assert.Null(s.Router.GetAgent(new AgentId(1)));
        Assert.Throws<RoutingException>(() => s.Router.SetReady(new AgentId(1)));
        s.Router.CallEnded(new AgentId(2));
        s.Router.WrapUpDone(new AgentId(2));
        Assert.Null(s.Router.GetAgent(new AgentId(2)));
        Assert.Contains(s.Drain().OfType<AgentStateChanged>(), c => c.AgentId == new AgentId(2) && c.To == AgentState.Offline);

        // The general queue held no calls, so it is gone at once.
        Assert.Null(s.Router.Snapshot(new QueueId("general")));
        Assert.Throws<RoutingException>(() => s.Enqueue("x", "general"));
    }

    [Fact]
    public void A_removed_queue_keeps_serving_the_calls_it_holds()
    {
        using var s = new RouterScenario(Config([Queue("labour", City, "labour"), Queue("contract", City, "contract")], [Agent(1, City, ("labour", 3))]));
        s.Enqueue("stays", "labour");
        s.Router.Configure(Config([Queue("contract", City, "contract")], [Agent(1, City, ("labour", 3))]));
        Assert.Throws<RoutingException>(() => s.Enqueue("refused", "labour"));
        Assert.Equal(1, s.Router.PositionOf(new CallId("stays")));

        s.Ready(1);
        Assert.Equal(new CallId("stays"), Assert.Single(s.Offers()).CallId);
        s.Router.Answered(new CallId("stays"), new AgentId(1));
        Assert.Null(s.Router.Snapshot(new QueueId("labour")));
    }
}
