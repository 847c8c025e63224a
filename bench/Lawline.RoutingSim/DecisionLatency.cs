using System.Diagnostics;
using Lawline.Server.Routing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lawline.RoutingSim;

/// <summary>
/// The router's own decision time at a size beyond any one city: 1,000 agents on 10 platforms (a main platform and
/// 9 sub-platforms) with 5 skill queues each, 50 queues, with the overflow rules of the day simulation. Each router
/// call is timed alone with <see cref="Stopwatch.GetTimestamp"/>; reading the event channel and the driver's own
/// bookkeeping are outside the timed region. Calls arrive in proportion to the agents who can take them (a random
/// agent's random skill on its platform), so queues grow evenly instead of piling up where agents are scarce.
/// <para>
/// Phases after a warm-up: <b>loaded</b> keeps about 95 % of agents ringing or talking, so arrivals are often
/// dispatched inside <see cref="CallRouter.Enqueue"/>; <b>saturated</b> keeps about 5,000 calls waiting (100 a queue
/// on average), so every freed agent takes the next call inside <see cref="CallRouter.WrapUpDone"/> and every
/// arrival joins a long queue; <b>gated burst</b> (a fresh router) is the worst case of the dispatch scan: only
/// main-platform agents are ready, and 5,000 sub-platform calls arrive within 25 s, before the 45 s parent threshold
/// lets those agents take them, so every arrival's dispatch walks every waiting call and finds nobody eligible.
/// </para>
/// <para>
/// Each loop iteration also times a fixed piece of arithmetic of about half a microsecond ("fixed work"): its
/// maximum shows this machine's own pauses (the thread descheduled, a GC), which reach every operation's maximum too;
/// an operation that takes longer is proportionally more likely to be hit by one.
/// </para>
/// </summary>
internal sealed class DecisionLatency
{
    private const int Platforms = 10;
    private const int AgentsPerPlatform = 100;
    private static readonly string[] Skills = ["GENERAL", "LABOR", "FAMILY", "CONTRACT", "CONSUMER"];

    private readonly Random _random;
    private readonly SimulationClock _clock = new(BeijingDay.DayStart.AddHours(9));
    private readonly CallRouter _router;
    private readonly List<AgentDefinition> _agents;
    private readonly IndexedSet<CallId> _waiting = new();
    private readonly IndexedSet<AgentId> _talking = new();
    private readonly List<(CallId Call, AgentId Agent)> _ringing = [];
    private readonly List<(AgentId Agent, int ReadyAtOperation)> _missed = [];
    private Samples _samples = new();
    private int _nextCall;
    private int _operation;
    private ulong _sink;

    private DecisionLatency(int seed)
    {
        _random = new Random(seed);
        _router = new CallRouter(_clock, NullLogger<CallRouter>.Instance);
        var configuration = Build(_random);
        _agents = [.. configuration.Agents];
        var started = Stopwatch.GetTimestamp();
        _router.Configure(configuration);
        ConfigureTime = Stopwatch.GetElapsedTime(started);
    }

    public TimeSpan ConfigureTime { get; }

    public static LatencyReport Run(int seed, int operationsPerPhase)
    {
        var started = Stopwatch.GetTimestamp();
        var bench = new DecisionLatency(seed);
        foreach (var agent in bench._agents)
        {
            bench._router.SetReady(agent.AgentId);
        }

        bench.Drain();

        // Warm-up: the JIT reaches its optimised tier and the pools and queues fill; measurements discarded.
        bench.Phase(operationsPerPhase / 2, busyTarget: 950, waitingTarget: null);
        var loaded = bench.Phase(operationsPerPhase, busyTarget: 950, waitingTarget: null);
        var saturated = bench.Phase(operationsPerPhase, busyTarget: null, waitingTarget: 5000);
        bench._router.Dispose();

        var burst = new DecisionLatency(seed);
        var gated = burst.GatedBurst(calls: 5000, over: TimeSpan.FromSeconds(25));
        burst._router.Dispose();
        return new LatencyReport(bench.ConfigureTime, [("loaded", loaded), ("saturated", saturated), ("gated burst", gated)], Stopwatch.GetElapsedTime(started));
    }

    private static RoutingConfiguration Build(Random random)
    {
        var platforms = Enumerable.Range(1, Platforms)
            .Select(p => new PlatformNode(new PlatformId(p), p == 1 ? null : new PlatformId(1)))
            .ToList();
        var queues = (from p in Enumerable.Range(1, Platforms)
                      from skill in Skills
                      select new QueueDefinition(new QueueId($"p{p}-{skill}"), new PlatformId(p), skill, skill == "GENERAL",
                          RoutingSetup.OverflowRules(RoutingSetup.ProposedThresholds, p == 1, skill == "GENERAL")))
            .ToList();
        var agents = new List<AgentDefinition>();
        for (var i = 0; i < Platforms * AgentsPerPlatform; i++)
        {
            var platform = new PlatformId(1 + (i % Platforms));
            var general = random.NextDouble() < 0.15;
            var skills = new Dictionary<string, int>();
            if (general)
            {
                skills["GENERAL"] = 3;
            }

            // One or two specialised skills (a general seat: at most one), levels 1–5.
            var count = general ? random.Next(0, 2) : random.Next(1, 3);
            while (skills.Count < count + (general ? 1 : 0))
            {
                skills.TryAdd(Skills[1 + random.Next(Skills.Length - 1)], 1 + random.Next(5));
            }

            agents.Add(new AgentDefinition(new AgentId(i + 1), platform, skills, general));
        }

        return new RoutingConfiguration(platforms, queues, agents);
    }

    private Samples Phase(int operations, int? busyTarget, int? waitingTarget)
    {
        _samples = new Samples();
        var gcBefore = GC.CollectionCount(0);
        for (var i = 0; i < operations; i++)
        {
            _operation++;
            AdvanceClock(TimeSpan.FromMilliseconds(ArrivalSample.Exponential(_random, 200)));
            AnswerRinging();
            ReturnMissedAgents();

            var busy = _ringing.Count + _talking.Count;
            if (_random.NextDouble() < 0.02 && _waiting.Count > 0)
            {
                Abandon();
            }
            else if ((busyTarget is { } b && busy < b) || (waitingTarget is { } w && _waiting.Count < w) || _talking.Count == 0)
            {
                Enqueue();
            }
            else
            {
                Complete();
            }

            TimeFixedWork();
        }

        _samples.Gen0Collections = GC.CollectionCount(0) - gcBefore;
        _samples.Waiting = _waiting.Count;
        _samples.Busy = _ringing.Count + _talking.Count;
        return _samples;
    }

    /// <summary>Simulated time moves on a little each operation; the router's timer runs at each due time on the way, timed.</summary>
    private void AdvanceClock(TimeSpan by)
    {
        var target = _clock.GetUtcNow() + by;
        while (_clock.NextTimerDue is { } due && due <= target)
        {
            var fired = _clock.Fired;
            var started = Stopwatch.GetTimestamp();
            _clock.AdvanceTo(due);
            var elapsed = Stopwatch.GetTimestamp() - started;
            if (_clock.Fired > fired)
            {
                _samples.Add(Operation.Timer, elapsed);
            }

            Drain();
        }

        _clock.AdvanceTo(target);
        Drain();
    }

    private void Enqueue(QueueId? into = null)
    {
        var call = new CallId($"x{++_nextCall}");
        var queue = into ?? QueueInProportionToAgents();
        var priority = _random.NextDouble() switch
        {
            < 0.90 => CallPriority.Normal,
            < 0.96 => CallPriority.RepeatCaller,
            _ => CallPriority.SpecialLine,
        };
        var number = $"+86139{_nextCall:D8}";
        var started = Stopwatch.GetTimestamp();
        _router.Enqueue(call, queue, priority, number);
        var elapsed = Stopwatch.GetTimestamp() - started;
        _waiting.Add(call);
        var offered = Drain(call);
        _samples.Add(offered ? Operation.EnqueueOffered : Operation.EnqueueWaits, elapsed);
    }

    /// <summary>The queue of a random agent's random skill on that agent's platform.</summary>
    private QueueId QueueInProportionToAgents()
    {
        var agent = _agents[_random.Next(_agents.Count)];
        var skill = agent.Skills.Keys.ElementAt(_random.Next(agent.Skills.Count));
        return new QueueId($"p{agent.PlatformId.Value}-{skill}");
    }

    private Samples GatedBurst(int calls, TimeSpan over)
    {
        _samples = new Samples();
        foreach (var agent in _agents.Where(a => a.PlatformId.Value == 1))
        {
            _router.SetReady(agent.AgentId);
        }

        Drain();
        var subPlatformQueues = _agents.Where(a => a.PlatformId.Value != 1)
            .SelectMany(a => a.Skills.Keys.Select(skill => new QueueId($"p{a.PlatformId.Value}-{skill}")))
            .ToList();
        var gcBefore = GC.CollectionCount(0);
        for (var i = 0; i < calls; i++)
        {
            _clock.Advance(over / calls);
            Drain();
            Enqueue(subPlatformQueues[_random.Next(subPlatformQueues.Count)]);
            TimeFixedWork();
        }

        // The threshold passes: the timer hands the oldest calls to the waiting main-platform agents.
        for (var i = 0; i < 60; i++)
        {
            AdvanceClock(TimeSpan.FromSeconds(1));
            AnswerRinging();
        }

        _samples.Gen0Collections = GC.CollectionCount(0) - gcBefore;
        _samples.Waiting = _waiting.Count;
        _samples.Busy = _ringing.Count + _talking.Count;

        // The scan's own cost, less exposed to the machine's pauses than a percentile: the median of the last tenth.
        var last = _samples.Of(Operation.EnqueueWaits).TakeLast(calls / 10).Order().ToList();
        var median = last[last.Count / 2] * 1_000_000.0 / Stopwatch.Frequency;
        _samples.Note = FormattableString.Invariant($"The dispatch scan grows with the calls waiting: Enqueue with {calls * 9 / 10:N0}–{calls:N0} calls waiting, median {median:0} µs.");
        return _samples;
    }

    /// <summary>About a microsecond of arithmetic, timed like a router call: the machine's own noise.</summary>
    private void TimeFixedWork()
    {
        var started = Stopwatch.GetTimestamp();
        var x = (ulong)_operation;
        for (var i = 0; i < 300; i++)
        {
            x = (x * 6364136223846793005UL) + 1442695040888963407UL;
        }

        var elapsed = Stopwatch.GetTimestamp() - started;
        _sink ^= x;
        _samples.Add(Operation.FixedWork, elapsed);
    }

    private void Complete()
    {
        var agent = _talking.RemoveAt(_random.Next(_talking.Count));
        var started = Stopwatch.GetTimestamp();
        _router.CallEnded(agent);
        var elapsed = Stopwatch.GetTimestamp() - started;
        _samples.Add(Operation.CallEnded, elapsed);
        Drain();

        started = Stopwatch.GetTimestamp();
        _router.WrapUpDone(agent);
        elapsed = Stopwatch.GetTimestamp() - started;
        var offers = _ringing.Count;
        Drain();
        _samples.Add(_ringing.Count > offers ? Operation.WrapUpDoneOffered : Operation.WrapUpDoneIdle, elapsed);
    }

    private void Abandon()
    {
        var call = _waiting.RemoveAt(_random.Next(_waiting.Count));
        var started = Stopwatch.GetTimestamp();
        _router.Abandon(call);
        var elapsed = Stopwatch.GetTimestamp() - started;
        _samples.Add(Operation.Abandon, elapsed);
        Drain();
    }

    /// <summary>Every ringing phone is picked up, except one in a hundred that rings out (the agent goes not-ready, the call returns).</summary>
    private void AnswerRinging()
    {
        foreach (var (call, agent) in _ringing.ToList())
        {
            _ringing.Remove((call, agent));
            if (_random.NextDouble() < 0.01)
            {
                var started = Stopwatch.GetTimestamp();
                _router.RingNoAnswer(call, agent);
                var elapsed = Stopwatch.GetTimestamp() - started;
                _samples.Add(Operation.RingNoAnswer, elapsed);
                _waiting.Add(call);
                _missed.Add((agent, _operation + 50));
            }
            else
            {
                var started = Stopwatch.GetTimestamp();
                _router.Answered(call, agent);
                var elapsed = Stopwatch.GetTimestamp() - started;
                _samples.Add(Operation.Answered, elapsed);
                _talking.Add(agent);
            }

            Drain();
        }
    }

    private void ReturnMissedAgents()
    {
        for (var i = _missed.Count - 1; i >= 0; i--)
        {
            if (_missed[i].ReadyAtOperation > _operation)
            {
                continue;
            }

            var agent = _missed[i].Agent;
            _missed.RemoveAt(i);
            var started = Stopwatch.GetTimestamp();
            _router.SetReady(agent);
            var elapsed = Stopwatch.GetTimestamp() - started;
            _samples.Add(Operation.SetReady, elapsed);
            Drain();
        }
    }

    /// <summary>Reads the router's events; true when one of them offered <paramref name="call"/>.</summary>
    private bool Drain(CallId? call = null)
    {
        var offered = false;
        while (_router.Events.TryRead(out var routingEvent))
        {
            if (routingEvent is OfferCall offer)
            {
                _waiting.Remove(offer.CallId);
                _ringing.Add((offer.CallId, offer.AgentId));
                offered |= offer.CallId == call;
            }
        }

        return offered;
    }

    public enum Operation
    {
        EnqueueOffered,
        EnqueueWaits,
        WrapUpDoneOffered,
        WrapUpDoneIdle,
        CallEnded,
        Answered,
        RingNoAnswer,
        SetReady,
        Abandon,
        Timer,
        FixedWork,
    }

    public sealed class Samples
    {
        private readonly List<long>[] _ticks = [.. Enum.GetValues<Operation>().Select(_ => new List<long>())];

        public int Gen0Collections { get; set; }

        public int Waiting { get; set; }

        public int Busy { get; set; }

        public string? Note { get; set; }

        public void Add(Operation operation, long ticks) => _ticks[(int)operation].Add(ticks);

        public IReadOnlyList<long> Of(Operation operation) => _ticks[(int)operation];

        /// <summary>Every timed router call, without the fixed-work control.</summary>
        public IReadOnlyList<long> RouterCalls => [.. _ticks.Where((_, i) => i != (int)Operation.FixedWork).SelectMany(t => t)];
    }

    /// <summary>A list with O(1) add, remove and random pick, for the driver's bookkeeping.</summary>
    private sealed class IndexedSet<T>
        where T : notnull
    {
        private readonly List<T> _items = [];
        private readonly Dictionary<T, int> _index = [];

        public int Count => _items.Count;

        public void Add(T item)
        {
            if (_index.TryAdd(item, _items.Count))
            {
                _items.Add(item);
            }
        }

        public T RemoveAt(int position)
        {
            var item = _items[position];
            Remove(item);
            return item;
        }

        public void Remove(T item)
        {
            if (!_index.Remove(item, out var position))
            {
                return;
            }

            var last = _items[^1];
            _items.RemoveAt(_items.Count - 1);
            if (position < _items.Count)
            {
                _items[position] = last;
                _index[last] = position;
            }
        }
    }
}
