using Lawline.Server.Routing;
using static Lawline.Server.Tests.Routing.Routes;

namespace Lawline.Server.Tests.Routing;

public sealed class AgentStateTests
{
    private static RoutingConfiguration Labour(TimeSpan? queueWrapUp = null) => Config(
        [Queue("labour", City, "labour") with { WrapUp = queueWrapUp }, Queue("contract", City, "contract")],
        [Agent(1, City, ("labour", 3), ("contract", 3)), Agent(2, City, ("labour", 3), ("contract", 3))]) with { WrapUp = TimeSpan.FromSeconds(30) };

    [Fact]
    public void Every_state_change_is_published_with_its_reason_and_time()
    {
        using var s = new RouterScenario(Labour());
        var t0 = s.Now;
        s.Ready(1);
        s.Advance(60);
        s.Router.SetNotReady(new AgentId(1), NotReadyReason.Break);
        s.Advance(600);
        s.Router.SetNotReady(new AgentId(1), NotReadyReason.Training);
        s.Router.SetNotReady(new AgentId(1), NotReadyReason.Training);
        s.Advance(60);
        s.Router.SetNotReady(new AgentId(1), NotReadyReason.Meeting);
        s.Advance(60);
        s.Router.LogOut(new AgentId(1));

        var changes = s.Drain().OfType<AgentStateChanged>().Select(c => (c.From, c.To, c.Reason, c.At - t0)).ToList();
        Assert.Equal(
            [
                (AgentState.Offline, AgentState.Ready, null, TimeSpan.Zero),
                (AgentState.Ready, AgentState.NotReady, NotReadyReason.Break, TimeSpan.FromSeconds(60)),
                (AgentState.NotReady, AgentState.NotReady, NotReadyReason.Training, TimeSpan.FromSeconds(660)),
                (AgentState.NotReady, AgentState.NotReady, NotReadyReason.Meeting, TimeSpan.FromSeconds(720)),
                (AgentState.NotReady, AgentState.Offline, null, TimeSpan.FromSeconds(780)),
            ],
            changes);
    }

    [Fact]
    public void A_not_ready_agent_is_offered_nothing()
    {
        using var s = new RouterScenario(Labour());
        s.Ready(1);
        s.Router.SetNotReady(new AgentId(1), NotReadyReason.Break);
        s.Enqueue("c1", "labour");
        Assert.Empty(s.Offers());
        s.Ready(1);
        Assert.Equal(new AgentId(1), Assert.Single(s.Offers()).AgentId);
    }

    [Fact]
    public void After_a_call_the_agent_wraps_up_and_is_ready_again_after_the_configured_time()
    {
        using var s = new RouterScenario(Labour());
        s.Ready(1);
        s.Enqueue("c1", "labour");
        s.Enqueue("c2", "labour");
        var offer = Assert.Single(s.Offers());
        s.Router.Answered(offer.CallId, offer.AgentId);
        s.Advance(420);
        Assert.True(s.Router.CallEnded(new AgentId(1)));
        var endedAt = s.Now;
        Assert.Equal(AgentState.WrapUp, s.StateOf(1));

        s.Advance(29);
        Assert.Equal(AgentState.WrapUp, s.StateOf(1));
        Assert.DoesNotContain(s.Drain(), e => e is OfferCall);

        s.Advance(1);
        var events = s.Drain();
        var ready = Assert.Single(events.OfType<AgentStateChanged>(), c => c.To == AgentState.Ready);
        Assert.Equal((AgentState.WrapUp, endedAt.AddSeconds(30)), (ready.From, ready.At));
        Assert.Equal(new CallId("c2"), Assert.Single(events.OfType<OfferCall>()).CallId);
    }

    [Fact]
    public void The_queue_can_set_its_own_wrap_up_time()
    {
        using var s = new RouterScenario(Labour(queueWrapUp: TimeSpan.FromSeconds(120)));
        s.Ready(1);
        s.Enqueue("c1", "labour");
        var offer = Assert.Single(s.Offers());
        s.Router.Answered(offer.CallId, offer.AgentId);
        s.Router.CallEnded(offer.AgentId);
        s.Advance(119);
        Assert.Equal(AgentState.WrapUp, s.StateOf(1));
        s.Advance(1);
        Assert.Equal(AgentState.Ready, s.StateOf(1));
    }

    [Fact]
    public void Wrap_up_done_ends_wrap_up_early_and_the_timer_does_not_fire_later()
    {
        using var s = new RouterScenario(Labour());
        s.Ready(1);
        s.Enqueue("c1", "labour");
        var offer = Assert.Single(s.Offers());
        s.Router.Answered(offer.CallId, offer.AgentId);
        s.Router.CallEnded(offer.AgentId);
        s.Advance(10);
        Assert.True(s.Router.WrapUpDone(new AgentId(1)));
        Assert.Equal(AgentState.Ready, s.StateOf(1));
        Assert.Equal(s.Now, s.Router.GetAgent(new AgentId(1))!.IdleSince);
        s.Router.SetNotReady(new AgentId(1), NotReadyReason.Other);
        s.Drain();

        s.Advance(60);
        Assert.Empty(s.Drain());
        Assert.Equal(AgentState.NotReady, s.StateOf(1));
        Assert.False(s.Router.WrapUpDone(new AgentId(1)));
    }

    [Fact]
    public void Not_ready_chosen_during_a_call_takes_effect_when_wrap_up_ends()
    {
        using var s = new RouterScenario(Labour());
        s.Ready(1);
        s.Enqueue("c1", "labour");
        var offer = Assert.Single(s.Offers());
        s.Router.Answered(offer.CallId, offer.AgentId);
        s.Router.SetNotReady(new AgentId(1), NotReadyReason.Break);
        Assert.Equal(AgentState.Talking, s.StateOf(1));
        s.Router.CallEnded(offer.AgentId);
        s.Advance(30);

        var last = s.Drain().OfType<AgentStateChanged>().Last();
        Assert.Equal((AgentState.WrapUp, AgentState.NotReady, NotReadyReason.Break), (last.From, last.To, last.Reason));
        s.Enqueue("c2", "labour");
        Assert.Empty(s.Offers());
    }

    [Fact]
    public void Ringing_talking_and_wrap_up_are_published_with_the_call()
    {
        using var s = new RouterScenario(Labour());
        s.Ready(1);
        s.Drain();
        s.Enqueue("c1", "labour");
        var events = s.Drain();
        var offer = Assert.Single(events.OfType<OfferCall>());
        s.Router.Answered(offer.CallId, offer.AgentId);
        s.Router.CallEnded(offer.AgentId);
        s.Router.WrapUpDone(offer.AgentId);

        var changes = events.Concat(s.Drain()).OfType<AgentStateChanged>().Select(c => (c.To, c.Call)).ToList();
        CallId? call = new CallId("c1");
        Assert.Equal([(AgentState.Ringing, call), (AgentState.Talking, call), (AgentState.WrapUp, call), (AgentState.Ready, null)], changes);
        Assert.Equal(1, s.Router.Snapshot(new QueueId("labour"))!.AnsweredToday);
    }
}
