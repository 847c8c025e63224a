using Lawline.Server.Routing;
using static Lawline.Server.Tests.Routing.Routes;

namespace Lawline.Server.Tests.Routing;

public sealed class RouterDecisionTests
{
    [Fact]
    public void The_longest_idle_ready_agent_gets_the_call()
    {
        using var s = new RouterScenario(Config([Queue("labour", City, "labour")],
            [Agent(1, City, ("labour", 3)), Agent(2, City, ("labour", 3)), Agent(3, City, ("labour", 3))]));
        s.Ready(2);
        s.Advance(10);
        s.Ready(1);
        s.Advance(10);
        s.Ready(3);
        s.Drain();

        s.Enqueue("c1", "labour");
        var first = Assert.Single(s.Offers());
        Assert.Equal(new AgentId(2), first.AgentId);
        Assert.Equal(OfferReason.Skill, first.Reason);

        s.Enqueue("c2", "labour");
        Assert.Equal(new AgentId(1), Assert.Single(s.Offers()).AgentId);
    }

    [Fact]
    public void Idle_time_counts_from_the_end_of_wrap_up()
    {
        using var s = new RouterScenario(Config([Queue("labour", City, "labour")],
            [Agent(1, City, ("labour", 3)), Agent(2, City, ("labour", 3))]));
        s.Ready(1);
        s.Advance(5);
        s.Ready(2);
        s.Enqueue("c1", "labour");
        var offer = Assert.Single(s.Offers());
        Assert.Equal(new AgentId(1), offer.AgentId);

        // Agent 1 was ready first, but has just finished a call: agent 2 has been idle longer now.
        s.Serve(offer, TimeSpan.FromMinutes(5));
        s.Enqueue("c2", "labour");
        Assert.Equal(new AgentId(2), Assert.Single(s.Offers()).AgentId);
    }

    [Fact]
    public void A_higher_skill_level_is_preferred_over_a_longer_idle_time_and_equal_levels_go_by_idle_time()
    {
        using var s = new RouterScenario(Config([Queue("marriage", City, "marriage")],
            [Agent(1, City, ("marriage", 2)), Agent(2, City, ("marriage", 4)), Agent(3, City, ("marriage", 4))]));
        s.Ready(1);
        s.Advance(60);
        s.Ready(3);
        s.Advance(10);
        s.Ready(2);
        s.Drain();

        s.Enqueue("c1", "marriage");
        s.Enqueue("c2", "marriage");
        s.Enqueue("c3", "marriage");
        Assert.Equal([3, 2, 1], s.Offers().Select(o => o.AgentId.Value));
    }

    [Fact]
    public void With_no_eligible_agent_the_call_waits_and_goes_to_the_first_agent_who_becomes_ready()
    {
        using var s = new RouterScenario(Config([Queue("labour", City, "labour"), Queue("contract", City, "contract")],
            [Agent(1, City, ("contract", 5)), Agent(2, City, ("labour", 1))]));
        s.Ready(1);
        s.Enqueue("c1", "labour");
        s.Advance(300);
        Assert.Empty(s.Offers());
        Assert.Equal(1, s.Router.Snapshot(new QueueId("labour"))!.Waiting);
        Assert.Equal(TimeSpan.FromSeconds(300), s.Router.Snapshot(new QueueId("labour"))!.LongestWait);

        s.Ready(2);
        var offer = Assert.Single(s.Offers());
        Assert.Equal((new CallId("c1"), new AgentId(2)), (offer.CallId, offer.AgentId));
        Assert.Equal(TimeSpan.FromSeconds(300), offer.Waited);
        Assert.Equal(AgentState.Ringing, s.StateOf(2));
    }

    [Fact]
    public void A_call_overflows_to_the_general_seats_after_the_configured_wait_and_not_before()
    {
        var rules = new OverflowRules { OverflowToGeneralAfter = TimeSpan.FromSeconds(60) };
        using var s = new RouterScenario(Config(
            [Queue("labour", City, "labour", rules), Queue("general", City, "general", general: true)],
            [Agent(1, City, ("labour", 3)), Agent(2, City, ("general", 2))]));
        s.Ready(2);
        s.Enqueue("c1", "labour");
        s.Advance(59);
        Assert.Empty(s.Offers());

        s.Advance(1);
        var offer = Assert.Single(s.Offers());
        Assert.Equal((new AgentId(2), OfferReason.OverflowGeneral), (offer.AgentId, offer.Reason));
        Assert.Equal(TimeSpan.FromSeconds(60), offer.Waited);
    }

    [Fact]
    public void After_the_overflow_wait_a_ready_specialised_seat_is_still_preferred_to_a_general_seat()
    {
        var rules = new OverflowRules { OverflowToGeneralAfter = TimeSpan.FromSeconds(30) };
        using var s = new RouterScenario(Config(
            [Queue("labour", City, "labour", rules), Queue("general", City, "general", general: true)],
            [Agent(1, City, ("labour", 1)), GeneralSeat(2, City)]));
        s.Ready(2);
        s.Enqueue("c1", "labour");
        s.Advance(10);
        s.Ready(1);
        Assert.Equal((new AgentId(1), OfferReason.Skill), s.Offers().Select(o => (o.AgentId, o.Reason)).Single());

        // A general seat without the general skill listed still backs the queue up.
        s.Enqueue("c2", "labour");
        s.Advance(30);
        Assert.Equal((new AgentId(2), OfferReason.OverflowGeneral), s.Offers().Select(o => (o.AgentId, o.Reason)).Single());
    }

    [Fact]
    public void A_district_call_overflows_to_the_city_main_platform_after_the_wait()
    {
        var rules = new OverflowRules { OverflowToParentPlatformAfter = TimeSpan.FromSeconds(45) };
        using var s = new RouterScenario(Config(
            [Queue("hd-labour", District, "labour", rules), Queue("bj-labour", City, "labour")],
            [Agent(1, District, ("contract", 3)), Agent(2, City, ("labour", 2)), Agent(3, City, ("contract", 5)), Agent(4, OtherDistrict, ("labour", 5))]));
        s.Ready(1, 2, 3, 4);
        s.Enqueue("c1", "hd-labour");
        s.Advance(44);
        Assert.Empty(s.Offers());

        s.Advance(1);
        var offer = Assert.Single(s.Offers());
        Assert.Equal((new AgentId(2), OfferReason.OverflowParent), (offer.AgentId, offer.Reason));
    }

    [Fact]
    public void The_main_platform_pulls_sub_platform_agents_only_while_more_calls_wait_than_the_threshold()
    {
        var rules = new OverflowRules { PullSubPlatformAgentsAbove = 2 };
        using var s = new RouterScenario(Config(
            [Queue("main-case", City, "case-query", rules)],
            [Agent(1, City, ("case-query", 3)), Agent(2, District, ("case-query", 2)), Agent(3, District, ("labour", 5))]));
        s.Ready(1);
        s.Enqueue("c1", "main-case");
        Assert.Equal(new AgentId(1), Assert.Single(s.Offers()).AgentId);

        s.Ready(2);
        s.Enqueue("c2", "main-case");
        s.Enqueue("c3", "main-case");
        Assert.Empty(s.Offers());
        Assert.Equal(AgentState.Ready, s.StateOf(2));

        s.Enqueue("c4", "main-case");
        var pulled = Assert.Single(s.Offers());
        Assert.Equal((new CallId("c2"), new AgentId(2), OfferReason.PulledSubPlatform), (pulled.CallId, pulled.AgentId, pulled.Reason));
    }

    [Fact]
    public void Boosted_priorities_are_served_first_and_equal_priorities_first_come_first_served()
    {
        using var s = new RouterScenario(Config([Queue("labour", City, "labour")],
            [Agent(1, City, ("labour", 3))]) with { Priorities = new PriorityBoosts { RepeatCaller = 5, SpecialLine = 10, UrgentCallback = 20 } });
        s.Enqueue("normal-1", "labour");
        s.Advance(1);
        s.Enqueue("special-1", "labour", CallPriority.SpecialLine);
        s.Advance(1);
        s.Enqueue("normal-2", "labour");
        s.Advance(1);
        s.Enqueue("repeat-1", "labour", CallPriority.RepeatCaller);
        s.Advance(1);
        s.Enqueue("special-2", "labour", CallPriority.SpecialLine);
        s.Drain();
        Assert.Equal(2, s.Router.PositionOf(new CallId("special-2")));
        Assert.Equal(5, s.Router.PositionOf(new CallId("normal-2")));

        var served = new List<string>();
        s.Ready(1);
        for (var i = 0; i < 5; i++)
        {
            var offer = Assert.Single(s.Offers());
            served.Add(offer.CallId.Value);
            s.Serve(offer, TimeSpan.FromMinutes(1));
        }

        Assert.Equal(["special-1", "special-2", "repeat-1", "normal-1", "normal-2"], served);
    }

    [Fact]
    public void Ring_no_answer_makes_the_agent_not_ready_missed_and_the_call_keeps_its_place_ahead_of_later_calls()
    {
        using var s = new RouterScenario(Config([Queue("labour", City, "labour")],
            [Agent(1, City, ("labour", 3)), Agent(2, City, ("labour", 3))]));
        s.Ready(1);
        s.Enqueue("early", "labour");
        Assert.Equal(new AgentId(1), Assert.Single(s.Offers()).AgentId);
        s.Advance(5);
        s.Enqueue("later", "labour");
        s.Advance(25);
        s.Drain();

        Assert.True(s.Router.RingNoAnswer(new CallId("early"), new AgentId(1)));
        var change = Assert.Single(s.Drain().OfType<AgentStateChanged>());
        Assert.Equal((AgentState.Ringing, AgentState.NotReady, NotReadyReason.Missed, new CallId("early"), s.Now),
            (change.From, change.To, change.Reason, change.Call, change.At));
        Assert.Equal(1, s.Router.PositionOf(new CallId("early")));
        Assert.Equal(2, s.Router.PositionOf(new CallId("later")));

        s.Ready(2);
        var offer = Assert.Single(s.Offers());
        Assert.Equal((new CallId("early"), new AgentId(2)), (offer.CallId, offer.AgentId));
        Assert.Equal(TimeSpan.FromSeconds(30), offer.Waited);

        // A late report about the old offer changes nothing.
        Assert.False(s.Router.Answered(new CallId("early"), new AgentId(1)));
    }

    [Fact]
    public void Ring_no_answer_offers_the_call_to_the_next_ready_agent_at_once()
    {
        using var s = new RouterScenario(Config([Queue("labour", City, "labour")],
            [Agent(1, City, ("labour", 3)), Agent(2, City, ("labour", 3))]));
        s.Ready(1, 2);
        s.Enqueue("c1", "labour");
        Assert.Equal(new AgentId(1), Assert.Single(s.Offers()).AgentId);

        s.Router.RingNoAnswer(new CallId("c1"), new AgentId(1));
        Assert.Equal(new AgentId(2), Assert.Single(s.Offers()).AgentId);
        Assert.Equal(AgentState.NotReady, s.StateOf(1));
    }

    [Fact]
    public void Abandon_removes_a_waiting_call_and_a_ringing_agent_is_ready_again_with_their_idle_time_kept()
    {
        using var s = new RouterScenario(Config([Queue("labour", City, "labour")],
            [Agent(1, City, ("labour", 3)), Agent(2, City, ("labour", 3))]));
        s.Enqueue("gone", "labour");
        s.Advance(20);
        Assert.True(s.Router.Abandon(new CallId("gone")));
        var left = Assert.Single(s.Drain().OfType<CallLeftQueue>());
        Assert.Equal((QueueExit.Abandoned, TimeSpan.FromSeconds(20)), (left.Exit, left.Waited));
        Assert.Null(s.Router.PositionOf(new CallId("gone")));
        Assert.False(s.Router.Abandon(new CallId("gone")));

        s.Ready(1);
        Assert.Empty(s.Offers());
        s.Advance(10);
        s.Ready(2);
        var idleSince = s.Router.GetAgent(new AgentId(1))!.IdleSince;
        s.Enqueue("hung-up-while-ringing", "labour");
        Assert.Equal(new AgentId(1), Assert.Single(s.Offers()).AgentId);
        s.Advance(3);
        s.Router.Abandon(new CallId("hung-up-while-ringing"));
        Assert.Equal(AgentState.Ready, s.StateOf(1));
        Assert.Equal(idleSince, s.Router.GetAgent(new AgentId(1))!.IdleSince);

        var snapshot = s.Router.Snapshot(new QueueId("labour"))!;
        Assert.Equal((0, 2, 0), (snapshot.Waiting, snapshot.AbandonedToday, snapshot.AnsweredToday));

        s.Enqueue("next", "labour");
        Assert.Equal(new AgentId(1), Assert.Single(s.Offers()).AgentId);
    }
}
