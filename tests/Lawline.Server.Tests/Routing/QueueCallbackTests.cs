using Lawline.Server.Routing;
using static Lawline.Server.Tests.Routing.Routes;

namespace Lawline.Server.Tests.Routing;

public sealed class QueueCallbackTests
{
    private const string Number = "+8613800138000";

    private static RoutingConfiguration Labour(CallbackPolicy? policy = null) => Config(
        [Queue("labour", City, "labour")],
        [Agent(1, City, ("labour", 3)), Agent(2, City, ("labour", 3))]) with { Callbacks = policy ?? new CallbackPolicy() };

    [Fact]
    public void A_callback_keeps_the_callers_place_and_is_offered_as_a_callback()
    {
        using var s = new RouterScenario(Labour());
        s.Enqueue("first", "labour", number: Number);
        s.Advance(30);
        s.Enqueue("second", "labour");
        s.Advance(30);

        var result = s.Router.RequestCallback(new CallId("first"));
        Assert.Equal(new CallbackRequestResult(new CallId("first"), false), result);
        var scheduled = Assert.Single(s.Drain().OfType<CallbackScheduled>());
        Assert.Equal((Number, (CallId?)null), (scheduled.CallerNumber, scheduled.MergedFrom));
        Assert.Equal(1, s.Router.PositionOf(new CallId("first")));
        Assert.Equal(2, s.Router.PositionOf(new CallId("second")));
        Assert.Equal((1, 1), (s.Router.Snapshot(new QueueId("labour"))!.Waiting, s.Router.Snapshot(new QueueId("labour"))!.WaitingCallbacks));

        s.Ready(1);
        var offer = Assert.Single(s.Offers());
        Assert.Equal((new CallId("first"), true, Number), (offer.CallId, offer.IsCallback, offer.CallerNumber));
        Assert.True(s.Router.Answered(offer.CallId, offer.AgentId));
        Assert.Equal(AgentState.Talking, s.StateOf(1));
    }

    [Fact]
    public void Requests_for_the_same_number_are_merged_into_one_callback()
    {
        using var s = new RouterScenario(Labour());
        s.Enqueue("first", "labour", number: Number);
        s.Router.RequestCallback(new CallId("first"));
        s.Advance(120);
        s.Enqueue("again", "labour", CallPriority.RepeatCaller, number: Number);
        s.Drain();

        var merged = s.Router.RequestCallback(new CallId("again"));
        Assert.Equal(new CallbackRequestResult(new CallId("first"), true), merged);
        var events = s.Drain();
        Assert.Equal(QueueExit.Removed, Assert.Single(events.OfType<CallLeftQueue>()).Exit);
        Assert.Equal(new CallId("again"), Assert.Single(events.OfType<CallbackScheduled>()).MergedFrom);
        Assert.Null(s.Router.PositionOf(new CallId("again")));

        var voicemail = s.Router.ScheduleCallback(new CallId("voicemail-7"), new QueueId("labour"), Number);
        Assert.Equal(new CallbackRequestResult(new CallId("first"), true), voicemail);
        Assert.Equal(1, s.Router.Snapshot(new QueueId("labour"))!.WaitingCallbacks);

        s.Ready(1, 2);
        var offer = Assert.Single(s.Offers());
        Assert.Equal(new CallId("first"), offer.CallId);
        Assert.True(s.Router.Answered(offer.CallId, offer.AgentId));
        Assert.Equal(0, s.Router.Snapshot(new QueueId("labour"))!.WaitingCallbacks);
    }

    [Fact]
    public void Merging_takes_the_higher_priority_and_the_earlier_place()
    {
        using var s = new RouterScenario(Labour());
        s.Enqueue("other", "labour");
        s.Advance(10);
        s.Router.ScheduleCallback(new CallId("voicemail"), new QueueId("labour"), Number);
        s.Enqueue("urgent-same-number", "labour", CallPriority.SpecialLine, number: Number);
        s.Router.RequestCallback(new CallId("urgent-same-number"));

        Assert.Equal(1, s.Router.PositionOf(new CallId("voicemail")));
        Assert.Equal(2, s.Router.PositionOf(new CallId("other")));
    }

    [Fact]
    public void A_failed_callback_is_retried_after_the_delay_keeping_its_place_until_attempts_run_out()
    {
        using var s = new RouterScenario(Labour(new CallbackPolicy { RetryDelay = TimeSpan.FromMinutes(5), MaxAttempts = 2, ClosingTime = null }));
        s.Router.ScheduleCallback(new CallId("cb"), new QueueId("labour"), Number);
        s.Ready(1);
        var offer = Assert.Single(s.Offers());
        Assert.True(offer.IsCallback);

        Assert.True(s.Router.CallbackFailed(offer.CallId, offer.AgentId));
        var retry = Assert.Single(s.Drain().OfType<CallbackRetryScheduled>());
        Assert.Equal((1, s.Now.AddMinutes(5)), (retry.Attempts, retry.NotBefore));
        Assert.Equal(AgentState.Ready, s.StateOf(1));

        // A live call that came later is served during the delay; the callback is still ahead of later calls.
        s.Enqueue("live", "labour");
        var live = Assert.Single(s.Offers());
        Assert.Equal(new CallId("live"), live.CallId);
        s.Serve(live, TimeSpan.FromSeconds(30));
        s.Enqueue("later", "labour");
        s.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(31));
        Assert.Equal(new CallId("later"), Assert.Single(s.Offers()).CallId);
        s.Ready(2);
        Assert.Empty(s.Offers());

        s.Advance(1);
        var second = Assert.Single(s.Offers());
        Assert.Equal((new CallId("cb"), new AgentId(2)), (second.CallId, second.AgentId));

        s.Router.CallbackFailed(second.CallId, second.AgentId);
        var expired = Assert.Single(s.Drain().OfType<CallbackExpired>());
        Assert.Equal((CallbackExpiry.AttemptsExhausted, 2, Number), (expired.Reason, expired.Attempts, expired.CallerNumber));
        Assert.Null(s.Router.PositionOf(new CallId("cb")));

        // The number is free again for a new callback.
        Assert.False(s.Router.ScheduleCallback(new CallId("cb-2"), new QueueId("labour"), Number).Merged);
    }

    [Fact]
    public void Pending_callbacks_expire_at_the_closing_time_and_a_callback_left_after_closing_lasts_until_the_next_day()
    {
        using var s = new RouterScenario(Labour(new CallbackPolicy { ClosingTime = new TimeOnly(18, 0) }));
        s.Router.ScheduleCallback(new CallId("morning"), new QueueId("labour"), Number);
        var closing = new DateTimeOffset(2025, 3, 3, 18, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal(closing, Assert.Single(s.Drain().OfType<CallbackScheduled>()).ExpiresAt);

        s.Advance(closing - s.Now - TimeSpan.FromSeconds(1));
        Assert.Empty(s.Drain());
        s.Advance(1);
        var expired = Assert.Single(s.Drain().OfType<CallbackExpired>());
        Assert.Equal((new CallId("morning"), CallbackExpiry.ClosingTime, closing), (expired.CallId, expired.Reason, expired.At));

        s.Advance(TimeSpan.FromHours(2));
        s.Router.ScheduleCallback(new CallId("evening-voicemail"), new QueueId("labour"), Number);
        Assert.Equal(closing.AddDays(1), Assert.Single(s.Drain().OfType<CallbackScheduled>()).ExpiresAt);
        s.Advance(TimeSpan.FromHours(14));
        s.Ready(1);
        Assert.Equal(new CallId("evening-voicemail"), Assert.Single(s.Offers()).CallId);
    }

    [Fact]
    public void The_callback_offer_and_the_maximum_wait_are_signalled_at_their_thresholds()
    {
        var rules = new OverflowRules { CallbackOfferAfter = TimeSpan.FromSeconds(60), MaxWait = TimeSpan.FromMinutes(10) };
        using var s = new RouterScenario(Config([Queue("labour", City, "labour", rules)], []));
        s.Enqueue("c1", "labour");
        s.Advance(59);
        Assert.DoesNotContain(s.Drain(), e => e is CallbackOfferAvailable);
        s.Advance(1);
        Assert.Equal(s.Now, Assert.Single(s.Drain().OfType<CallbackOfferAvailable>()).At);

        s.Advance(TimeSpan.FromMinutes(9));
        var maxWait = Assert.Single(s.Drain().OfType<MaxWaitReached>());
        Assert.Equal(TimeSpan.FromMinutes(10), maxWait.Waited);
        Assert.Equal(1, s.Router.PositionOf(new CallId("c1")));
    }
}
