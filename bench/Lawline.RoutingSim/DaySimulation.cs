using System.Diagnostics;
using Lawline.Server.Routing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lawline.RoutingSim;

/// <summary>How the simulation moves the fake clock.</summary>
internal enum ClockStepping
{
    /// <summary>To the next simulation event or the router's next timer, whichever is first: every decision at its own due time.</summary>
    Exact,

    /// <summary>Straight to the next simulation event: router timers due in between fire late, at that event's time.</summary>
    Naive,
}

/// <summary>
/// A discrete-event simulation of one day around the real <see cref="CallRouter"/>. The simulation plays the call
/// flow and the people: callers arrive, agents log in and out by the roster, phones ring and are picked up (or ring
/// out), callers talk and hang up, impatient callers abandon. The router decides everything else — which agent gets
/// which call, when overflow thresholds pass, when wrap-up ends — on its own <see cref="TimeProvider"/> timer.
/// </summary>
internal sealed class DaySimulation
{
    private readonly BeijingDay _day;
    private readonly RoutingSetup _setup;
    private readonly ClockStepping _stepping;
    private readonly SimulationClock _clock = new(BeijingDay.DayStart);
    private readonly CallRouter _router;
    private readonly PriorityQueue<SimulationEvent, (long Ticks, long Sequence)> _agenda = new();
    private readonly CallerRuntime[] _callers;
    private readonly Dictionary<CallId, CallerRuntime> _byCallId = [];
    private readonly Dictionary<AgentId, AgentRuntime> _agents = [];
    private readonly DateTimeOffset _dayEnd = BeijingDay.DayStart.AddDays(1);
    private readonly DayResult _result;
    private readonly Dictionary<QueueId, QueueDefinition> _queueDefinitions;
    private readonly Dictionary<AgentId, AgentDefinition> _agentDefinitions;
    private readonly Dictionary<PlatformId, PlatformId?> _parents;
    private long _sequence;

    private DaySimulation(BeijingDay day, RoutingSetup setup, IReadOnlyList<CallerSpec> callers, ClockStepping stepping)
    {
        _day = day;
        _setup = setup;
        _stepping = stepping;
        _router = new CallRouter(_clock, NullLogger<CallRouter>.Instance);
        _callers = [.. callers.Select(c => new CallerRuntime(c, Segment(day, c)))];
        foreach (var caller in _callers)
        {
            _byCallId[caller.Id] = caller;
        }

        foreach (var seat in day.SeatList)
        {
            _agents[seat.AgentId] = new AgentRuntime(seat, BeijingDay.DayStart);
        }

        _result = new DayResult(setup.Name);
        _queueDefinitions = setup.Configuration.Queues.ToDictionary(q => q.QueueId);
        _agentDefinitions = setup.Configuration.Agents.ToDictionary(a => a.AgentId);
        _parents = setup.Configuration.Platforms.ToDictionary(p => p.PlatformId, p => p.ParentId);
    }

    public static DayResult Run(BeijingDay day, RoutingSetup setup, IReadOnlyList<CallerSpec> callers, ClockStepping stepping)
    {
        var simulation = new DaySimulation(day, setup, callers, stepping);
        var started = Stopwatch.GetTimestamp();
        simulation.Simulate();
        simulation._result.WallTime = Stopwatch.GetElapsedTime(started);
        return simulation._result;
    }

    private void Simulate()
    {
        _router.Configure(_setup.Configuration);
        for (var hour = 0; hour < 24; hour++)
        {
            Schedule(BeijingDay.DayStart.AddHours(hour), new SimulationEvent(EventKind.ShiftChange, hour, default, 0));
        }

        foreach (var caller in _callers)
        {
            Schedule(BeijingDay.DayStart + caller.Spec.Arrival, new SimulationEvent(EventKind.Arrival, caller.Spec.Index, default, 0));
        }

        while (true)
        {
            DateTimeOffset? nextEvent = _agenda.TryPeek(out _, out var key) ? new DateTimeOffset(key.Ticks, TimeSpan.Zero) : null;
            var nextTimer = _clock.NextTimerDue;
            if (nextEvent is null && nextTimer is null)
            {
                break;
            }

            // The router's timer first when it is due before the next event (or with no event left); at a tie the
            // timer runs first too, as Advance runs it before this loop handles the event.
            var timerFirst = nextEvent is null || (_stepping == ClockStepping.Exact && nextTimer < nextEvent);
            if (timerFirst)
            {
                _clock.AdvanceTo(nextTimer!.Value);
                _result.TimerSteps++;
                Drain();
                continue;
            }

            _clock.AdvanceTo(nextEvent!.Value);
            Drain();
            var simulationEvent = _agenda.Dequeue();
            _result.Events++;
            Handle(simulationEvent);
            Drain();
        }

        Finish();
        _router.Dispose();
    }

    private void Handle(SimulationEvent e)
    {
        var now = _clock.GetUtcNow();
        switch (e.Kind)
        {
            case EventKind.ShiftChange:
                foreach (var agent in _agents.Values)
                {
                    var onDuty = agent.Seat.OnDuty(_day, e.Subject);
                    if (onDuty && !agent.OnDuty)
                    {
                        _router.SetReady(agent.Id);
                    }
                    else if (!onDuty && agent.OnDuty)
                    {
                        // Takes effect after the current call and wrap-up.
                        _router.LogOut(agent.Id);
                    }

                    agent.OnDuty = onDuty;
                }

                break;

            case EventKind.Arrival:
            {
                var caller = _callers[e.Subject];
                var queue = _setup.QueueFor(caller.Spec);
                _router.Enqueue(caller.Id, queue, CallPriority.Normal, caller.Number);
                caller.Phase = CallerPhase.Waiting;
                _result.RecordRequest(caller.Spec.Hour, caller.Segment);
                Schedule(now + caller.Spec.Patience, new SimulationEvent(EventKind.PatienceEnds, caller.Spec.Index, default, 0));
                break;
            }

            case EventKind.PatienceEnds:
            {
                var caller = _callers[e.Subject];
                if (caller.Phase is not (CallerPhase.Waiting or CallerPhase.Ringing))
                {
                    break;
                }

                Require(_router.Abandon(caller.Id), $"the router did not know waiting call {caller.Id}");
                _result.RecordAbandon(caller.Spec.Hour, caller.Segment, caller.Phase == CallerPhase.Ringing);
                caller.Phase = CallerPhase.Abandoned;
                break;
            }

            case EventKind.PickUp:
            {
                var caller = _callers[e.Subject];
                if (caller.Phase != CallerPhase.Ringing || caller.Offers != e.Offer)
                {
                    break;
                }

                Require(_router.Answered(caller.Id, e.Agent), $"the router refused the answer of {caller.Id} by {e.Agent}");
                caller.Phase = CallerPhase.Talking;
                var wait = now - (BeijingDay.DayStart + caller.Spec.Arrival);
                _result.RecordAnswer(caller.Spec.Hour, caller.Segment, wait, caller.LastReason, _day.ServiceLevelThreshold);
                Schedule(now + caller.Spec.Talk, new SimulationEvent(EventKind.HangUp, caller.Spec.Index, e.Agent, 0));
                break;
            }

            case EventKind.RingOut:
            {
                var caller = _callers[e.Subject];
                if (caller.Phase != CallerPhase.Ringing || caller.Offers != e.Offer)
                {
                    break;
                }

                Require(_router.RingNoAnswer(caller.Id, e.Agent), $"the router refused the ring-out of {caller.Id} at {e.Agent}");
                caller.Phase = CallerPhase.Waiting;
                _result.RingNoAnswers++;
                break;
            }

            case EventKind.HangUp:
            {
                var caller = _callers[e.Subject];
                Require(_router.CallEnded(e.Agent), $"agent {e.Agent} was not talking at the end of {caller.Id}");
                caller.Phase = CallerPhase.Done;
                break;
            }

            case EventKind.BackFromMissed:
            {
                var agent = _agents[e.Agent];
                if (agent.OnDuty && agent.State == AgentState.NotReady)
                {
                    _router.SetReady(agent.Id);
                }

                break;
            }
        }
    }

    /// <summary>Reads every decision and state change the router published, and plays the people's side of it.</summary>
    private void Drain()
    {
        while (_router.Events.TryRead(out var routingEvent))
        {
            switch (routingEvent)
            {
                case OfferCall offer:
                {
                    var caller = _byCallId[offer.CallId];
                    Require(caller.Phase == CallerPhase.Waiting, $"{offer.CallId} offered while {caller.Phase}");
                    Require(_agents[offer.AgentId].OnDuty, $"{offer.CallId} offered to {offer.AgentId}, who is off duty");
                    Require(Eligible(offer), $"{offer} is not allowed by the rules of its queue");
                    caller.Phase = CallerPhase.Ringing;
                    caller.Offers++;
                    caller.LastReason = offer.Reason;
                    _result.OffersByReason[(int)offer.Reason]++;
                    var random = caller.OfferRandom;
                    if (random.NextDouble() < _day.RingNoAnswerProbability)
                    {
                        Schedule(offer.At + _day.RingTimeout, new SimulationEvent(EventKind.RingOut, caller.Spec.Index, offer.AgentId, caller.Offers));
                    }
                    else
                    {
                        var (min, max) = _day.RingDelay;
                        var delay = min + ((max - min) * random.NextDouble());
                        Schedule(offer.At + delay, new SimulationEvent(EventKind.PickUp, caller.Spec.Index, offer.AgentId, caller.Offers));
                    }

                    break;
                }

                case AgentStateChanged change:
                {
                    var agent = _agents[change.AgentId];
                    Require(change.From == agent.State, $"{change} but the agent was {agent.State}");
                    Account(agent, change.At);
                    agent.State = change.To;
                    if (change is { To: AgentState.NotReady, Reason: NotReadyReason.Missed })
                    {
                        Schedule(change.At + _day.MissedRecovery, new SimulationEvent(EventKind.BackFromMissed, 0, change.AgentId, 0));
                    }

                    break;
                }
            }
        }
    }

    /// <summary>The offer is one the queue's rules allow: the tier named by its reason, with that tier's threshold passed.</summary>
    private bool Eligible(OfferCall offer)
    {
        var queue = _queueDefinitions[offer.QueueId];
        var agent = _agentDefinitions[offer.AgentId];
        PlatformId? ParentOf(PlatformId platform) => _parents[platform];
        bool Has(string skill) => agent.Skills.ContainsKey(skill) || (skill == BeijingDay.General && agent.IsGeneralSeat);
        var rules = queue.Rules;
        return offer.Reason switch
        {
            OfferReason.Skill => agent.PlatformId == queue.PlatformId && Has(queue.SkillCode),
            OfferReason.OverflowGeneral => agent.PlatformId == queue.PlatformId && Has(BeijingDay.General) && offer.Waited >= rules.OverflowToGeneralAfter,
            OfferReason.OverflowParent => agent.PlatformId == ParentOf(queue.PlatformId) && Has(queue.SkillCode) && offer.Waited >= rules.OverflowToParentPlatformAfter,
            OfferReason.PulledSubPlatform => ParentOf(agent.PlatformId) == queue.PlatformId && Has(queue.SkillCode) && rules.PullSubPlatformAgentsAbove is not null,
            _ => false,
        };
    }

    /// <summary>Adds the time since the agent's last change to its state's total, counting only the simulated day.</summary>
    private void Account(AgentRuntime agent, DateTimeOffset at)
    {
        var from = agent.Since < _dayEnd ? agent.Since : _dayEnd;
        var to = at < _dayEnd ? at : _dayEnd;
        if (to > from)
        {
            _result.TimeInState[(int)agent.State] += to - from;
        }

        agent.Since = at;
    }

    private void Finish()
    {
        var now = _clock.GetUtcNow();
        foreach (var agent in _agents.Values)
        {
            Account(agent, now);
        }

        foreach (var caller in _callers)
        {
            Require(caller.Phase is CallerPhase.Done or CallerPhase.Abandoned, $"{caller.Id} ended the day {caller.Phase}");
        }

        Require(_router.Snapshots().All(q => q.Waiting == 0 && q.Ringing == 0), "calls are left in the router's queues");
        _result.TimerFires = _clock.Fired;
        _result.TimerMaxLateness = _clock.MaxLateness;
        _result.TimerMeanLateness = _clock.Fired == 0 ? TimeSpan.Zero : _clock.TotalLateness / _clock.Fired;
    }

    private void Schedule(DateTimeOffset at, SimulationEvent e) => _agenda.Enqueue(e, (at.UtcTicks, ++_sequence));

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Simulation invariant broken: {message}");
        }
    }

    private enum EventKind
    {
        ShiftChange,
        Arrival,
        PatienceEnds,
        PickUp,
        RingOut,
        HangUp,
        BackFromMissed,
    }

    /// <summary>Subject: the hour of a shift change or the caller's index; Offer: which offer of the call a pick-up or ring-out belongs to.</summary>
    private readonly record struct SimulationEvent(EventKind Kind, int Subject, AgentId Agent, int Offer);

    private enum CallerPhase
    {
        NotYet,
        Waiting,
        Ringing,
        Talking,
        Done,
        Abandoned,
    }

    /// <summary>The same for every configuration: "city" or "district" (a district caller while the district is open) and the skill.</summary>
    private static string Segment(BeijingDay day, CallerSpec caller)
        => $"{(caller.District is { } district && day.DistrictOpen(district, caller.Hour) ? "district" : "city")} {caller.Skill}";

    private sealed class CallerRuntime(CallerSpec spec, string segment)
    {
        public CallerSpec Spec { get; } = spec;
        public string Segment { get; } = segment;
        public CallId Id { get; } = new($"c{spec.Index}");
        public string Number { get; } = $"+86138{spec.Index:D8}";
        public Random OfferRandom { get; } = new(spec.OfferSeed);
        public CallerPhase Phase { get; set; } = CallerPhase.NotYet;
        public int Offers { get; set; }
        public OfferReason LastReason { get; set; }
    }

    private sealed class AgentRuntime(Seat seat, DateTimeOffset since)
    {
        public Seat Seat { get; } = seat;
        public AgentId Id => Seat.AgentId;
        public bool OnDuty { get; set; }
        public AgentState State { get; set; } = AgentState.Offline;
        public DateTimeOffset Since { get; set; } = since;
    }
}
