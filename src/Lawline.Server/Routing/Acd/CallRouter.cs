using System.Threading.Channels;

namespace Lawline.Server.Routing;

/// <summary>An operation the router's state does not allow: an unknown queue or agent, a call id used twice.</summary>
public sealed class RoutingException(string message) : InvalidOperationException(message);

/// <summary>
/// The ACD: which waiting call goes to which ready agent. Pure in-memory logic with no SIP and no database.
/// The call flow tells it what happened (a call queued, an agent answered, a phone rang out) and reads its
/// decisions (<see cref="OfferCall"/>) and every state change from <see cref="Events"/>, in order.
/// <para>
/// It dispatches by itself whenever something changes (an agent becomes ready, a call is queued or returns,
/// a wait threshold passes), so decisions never wait for a poll. Thresholds, wrap-up ends, retry delays and
/// closing times share one <see cref="TimeProvider"/> timer armed for the earliest of them.
/// </para>
/// <para>
/// One lock guards the state: a decision takes microseconds, and events are written inside it so readers see
/// them in the order the state changed.
/// </para>
/// <para>
/// Race-prone notifications from the flow (<see cref="Answered"/>, <see cref="RingNoAnswer"/>,
/// <see cref="Abandon"/>...) return false when the call is no longer where the flow thought — the caller
/// hung up while the agent answered — instead of throwing; mistakes in the flow's own bookkeeping (an unknown
/// queue or agent, a call id queued twice) throw <see cref="RoutingException"/>.
/// </para>
/// </summary>
public sealed partial class CallRouter : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private readonly ILogger<CallRouter> _logger;
    private readonly Channel<RoutingEvent> _events = Channel.CreateUnbounded<RoutingEvent>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly ITimer _timer;
    private readonly PriorityQueue<TimerItem, long> _timers = new();
    private long? _armedFor;

    private RoutingConfiguration _config = RoutingConfiguration.Empty;
    private Dictionary<QueueId, QueueRuntime> _queues = [];
    private readonly Dictionary<AgentId, AgentRuntime> _agents = [];
    private readonly Dictionary<CallId, QueuedCall> _calls = [];

    // Queue callbacks by caller number: one pending callback per number, whatever asked for it.
    private readonly Dictionary<string, QueuedCall> _callbacksByNumber = new(StringComparer.Ordinal);
    private int _readyAgents;
    private long _sequence;
    private DateOnly _today;

    public CallRouter(TimeProvider clock, ILogger<CallRouter> logger)
    {
        _clock = clock;
        _logger = logger;
        _timer = clock.CreateTimer(static state => ((CallRouter)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _today = Today(clock.GetUtcNow());
    }

    /// <summary>What the router routes by now: the last <see cref="Configure"/>d configuration (empty until then).</summary>
    public RoutingConfiguration Configuration => Volatile.Read(ref _config);

    /// <summary>Decisions and state changes, in the order they happened. Unbounded: the call flow must keep reading.</summary>
    public ChannelReader<RoutingEvent> Events => _events.Reader;

    public void Dispose() => _timer.Dispose();

    // ---------------------------------------------------------------- configuration

    /// <summary>
    /// Replaces queues, agents and the platform tree at once. Agents keep their state; new agents start
    /// offline; a removed agent goes offline now, or when their current call and wrap-up end. Waiting calls keep
    /// their places and are judged by the new rules from now on; a removed queue takes no new calls but still
    /// serves the ones it holds.
    /// </summary>
    public void Configure(RoutingConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Validate(configuration);
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var parents = new Dictionary<PlatformId, PlatformId?>();
            foreach (var platform in configuration.Platforms)
            {
                parents[platform.PlatformId] = platform.ParentId;
            }

            var generalSkill = new Dictionary<PlatformId, string>();
            foreach (var queue in configuration.Queues.Where(q => q.IsGeneral))
            {
                generalSkill.TryAdd(queue.PlatformId, queue.SkillCode);
            }

            var pools = new Dictionary<PoolKey, AgentPool>();
            AgentPool Pool(PlatformId platform, string skill, bool below)
            {
                var key = new PoolKey(platform, skill, below);
                if (!pools.TryGetValue(key, out var pool))
                {
                    pools[key] = pool = new AgentPool();
                }

                return pool;
            }

            string GeneralSkillOf(PlatformId platform) => generalSkill.GetValueOrDefault(platform, GeneralSeatSkill);

            // Agents: drop the ones no longer configured (or retire them until their call is done), then
            // rebuild every pool from scratch; the old pools are simply discarded.
            var definitions = configuration.Agents.ToDictionary(a => a.AgentId);
            foreach (var agent in _agents.Values.ToList())
            {
                if (definitions.ContainsKey(agent.Id))
                {
                    continue;
                }

                if (agent.State is AgentState.Ringing or AgentState.Talking or AgentState.WrapUp)
                {
                    agent.Retired = true;
                    agent.Pools.Clear();
                }
                else
                {
                    if (agent.State != AgentState.Offline)
                    {
                        Transition(agent, AgentState.Offline, null, null, now);
                    }

                    _agents.Remove(agent.Id);
                }
            }

            _readyAgents = 0;
            foreach (var definition in configuration.Agents)
            {
                if (!_agents.TryGetValue(definition.AgentId, out var agent))
                {
                    _agents[definition.AgentId] = agent = new AgentRuntime(definition, now);
                }

                agent.Definition = definition;
                agent.Retired = false;
                agent.Pools.Clear();
                var ancestors = Ancestors(definition.PlatformId, parents);
                void Join(string skill, int level)
                {
                    agent.Pools.Add(new PoolMembership(Pool(definition.PlatformId, skill, false), level));
                    foreach (var ancestor in ancestors)
                    {
                        agent.Pools.Add(new PoolMembership(Pool(ancestor, skill, true), level));
                    }
                }

                foreach (var (skill, level) in definition.Skills)
                {
                    Join(skill, level);
                }

                var general = GeneralSkillOf(definition.PlatformId);
                if (definition.IsGeneralSeat && !definition.Skills.ContainsKey(general))
                {
                    Join(general, 1);
                }

                foreach (var membership in agent.Pools)
                {
                    if (agent.State == AgentState.Ready)
                    {
                        membership.Pool.Add(agent, membership.Level);
                    }

                    if (AgentRuntime.IsStaffed(agent.State))
                    {
                        membership.Pool.Staffed++;
                    }
                }

                if (agent.State == AgentState.Ready)
                {
                    _readyAgents++;
                }
            }

            // Queues: keep the runtime (and so the waiting calls) of every queue still configured.
            var queues = new Dictionary<QueueId, QueueRuntime>();
            void Bind(QueueRuntime queue)
            {
                var definition = queue.Definition;
                queue.SkillPool = Pool(definition.PlatformId, definition.SkillCode, false);
                var general = GeneralSkillOf(definition.PlatformId);
                queue.GeneralPool = definition.IsGeneral || general == definition.SkillCode ? null : Pool(definition.PlatformId, general, false);
                queue.ParentPool = parents.GetValueOrDefault(definition.PlatformId) is { } parent ? Pool(parent, definition.SkillCode, false) : null;
                queue.SubPlatformPool = Pool(definition.PlatformId, definition.SkillCode, true);
                queues[definition.QueueId] = queue;
            }

            foreach (var definition in configuration.Queues)
            {
                if (!_queues.TryGetValue(definition.QueueId, out var queue))
                {
                    queue = new QueueRuntime(definition);
                }

                queue.Definition = definition;
                queue.Retired = false;
                Bind(queue);
            }

            foreach (var queue in _queues.Values.Where(q => !queues.ContainsKey(q.Id) && (q.Waiting.Count > 0 || q.Offered > 0)))
            {
                queue.Retired = true;
                Bind(queue);
            }

            Volatile.Write(ref _config, configuration);
            _queues = queues;

            // Boosts may have changed: re-sort every queue under the new ranks (a call's rank is part of its key).
            foreach (var queue in _queues.Values)
            {
                var waiting = queue.Waiting.ToList();
                queue.Waiting.Clear();
                foreach (var call in waiting)
                {
                    call.Rank = configuration.Priorities.RankOf(call.Priority);
                    queue.Waiting.Add(call);
                }
            }

            // A copy: scheduling may expire a callback past its closing time, which removes it.
            foreach (var call in _calls.Values.ToList())
            {
                call.Rank = configuration.Priorities.RankOf(call.Priority);
                if (call.State == CallState.Waiting)
                {
                    ScheduleCall(call, now);
                }
            }

            Log.Configured(_logger, _queues.Count, _agents.Count, configuration.Platforms.Count);
            Dispatch(now);
            ArmTimer(now);
        }
    }

    /// <summary>The pool key of general seats on a platform that has no general queue (<see cref="AgentDefinition.IsGeneralSeat"/>).</summary>
    internal const string GeneralSeatSkill = "\u0000general-seat";

    private static void Validate(RoutingConfiguration configuration)
    {
        if (configuration.Queues.GroupBy(q => q.QueueId).FirstOrDefault(g => g.Count() > 1) is { } queue)
        {
            throw new ArgumentException($"Queue {queue.Key} is defined twice.", nameof(configuration));
        }

        if (configuration.Agents.GroupBy(a => a.AgentId).FirstOrDefault(g => g.Count() > 1) is { } agent)
        {
            throw new ArgumentException($"Agent {agent.Key} is defined twice.", nameof(configuration));
        }

        foreach (var definition in configuration.Agents)
        {
            if (definition.Skills.FirstOrDefault(s => s.Value is < 1 or > 5) is { Key: not null } skill)
            {
                throw new ArgumentException($"Agent {definition.AgentId}: skill level {skill.Value} for {skill.Key} is outside 1..5.", nameof(configuration));
            }
        }

        if (configuration.Callbacks.MaxAttempts < 1)
        {
            throw new ArgumentException("Callbacks need at least one attempt.", nameof(configuration));
        }
    }

    private static List<PlatformId> Ancestors(PlatformId platform, Dictionary<PlatformId, PlatformId?> parents)
    {
        var ancestors = new List<PlatformId>();
        var current = parents.GetValueOrDefault(platform);

        // A misconfigured cycle must not hang the router: no real tree is deeper than province → city → district.
        while (current is { } id && ancestors.Count < 16 && id != platform && !ancestors.Contains(id))
        {
            ancestors.Add(id);
            current = parents.GetValueOrDefault(id);
        }

        return ancestors;
    }

    // ---------------------------------------------------------------- agents

    /// <summary>
    /// The agent is ready for calls (logging in from offline, or back from not-ready). While the agent is busy
    /// it cancels an earlier not-ready or log-out request, so wrap-up ends in ready again.
    /// </summary>
    public void SetReady(AgentId agentId)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var agent = Agent(agentId);
            switch (agent.State)
            {
                case AgentState.Offline or AgentState.NotReady:
                    agent.IdleSince = now;
                    Transition(agent, AgentState.Ready, null, null, now);
                    Dispatch(now);
                    ArmTimer(now);
                    break;
                case AgentState.Ringing or AgentState.Talking or AgentState.WrapUp:
                    agent.Pending = null;
                    agent.PendingReason = null;
                    break;
            }
        }
    }

    /// <summary>Not ready for a reason; while busy (ringing, talking, wrap-up) it takes effect when wrap-up ends.</summary>
    public void SetNotReady(AgentId agentId, NotReadyReason reason)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var agent = Agent(agentId);
            if (agent.State is AgentState.Ringing or AgentState.Talking or AgentState.WrapUp)
            {
                agent.Pending = AgentState.NotReady;
                agent.PendingReason = reason;
            }
            else if (agent.State != AgentState.NotReady || agent.Reason != reason)
            {
                Transition(agent, AgentState.NotReady, reason, null, now);
            }
        }
    }

    /// <summary>Logs the agent out; while busy it takes effect when wrap-up ends.</summary>
    public void LogOut(AgentId agentId)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var agent = Agent(agentId);
            if (agent.State is AgentState.Ringing or AgentState.Talking or AgentState.WrapUp)
            {
                agent.Pending = AgentState.Offline;
                agent.PendingReason = null;
            }
            else if (agent.State != AgentState.Offline)
            {
                Transition(agent, AgentState.Offline, null, null, now);
            }
        }
    }

    /// <summary>The agent hung up or the caller did: talking → wrap-up, ready again after the queue's wrap-up time.</summary>
    public bool CallEnded(AgentId agentId)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var agent = Agent(agentId);
            if (agent.State != AgentState.Talking)
            {
                return false;
            }

            var wrapUp = agent.CallQueue?.Definition.WrapUp ?? _config.WrapUp;
            Transition(agent, AgentState.WrapUp, null, agent.Call, now);
            agent.TimerVersion++;
            agent.WrapUpEndsAt = now + wrapUp;
            if (wrapUp <= TimeSpan.Zero)
            {
                EndWrapUp(agent, now);
                Dispatch(now);
            }
            else
            {
                _timers.Enqueue(new TimerItem(null, agent, agent.TimerVersion), agent.WrapUpEndsAt.UtcTicks);
            }

            ArmTimer(now);
            return true;
        }
    }

    /// <summary>The agent finished the work order before the wrap-up time ran out.</summary>
    public bool WrapUpDone(AgentId agentId)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var agent = Agent(agentId);
            if (agent.State != AgentState.WrapUp)
            {
                return false;
            }

            EndWrapUp(agent, now);
            Dispatch(now);
            ArmTimer(now);
            return true;
        }
    }

    public AgentStatus? GetAgent(AgentId agentId)
    {
        lock (_gate)
        {
            return _agents.TryGetValue(agentId, out var a)
                ? new AgentStatus(a.Id, a.State, a.Reason, a.Since, a.IdleSince, a.Offered?.Id ?? a.Call, a.Pending, a.PendingReason)
                : null;
        }
    }

    // ---------------------------------------------------------------- calls

    /// <summary>Queues a caller; the router offers the call as soon as an eligible agent is ready (maybe at once).</summary>
    public void Enqueue(CallId callId, QueueId queueId, CallPriority priority, string callerNumber)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (!_queues.TryGetValue(queueId, out var queue) || queue.Retired)
            {
                throw new RoutingException($"There is no queue {queueId}.");
            }

            if (_calls.ContainsKey(callId))
            {
                throw new RoutingException($"Call {callId} is already queued.");
            }

            var call = new QueuedCall(callId, queue, priority, callerNumber, now, ++_sequence) { Rank = _config.Priorities.RankOf(priority) };
            _calls[callId] = call;
            queue.Waiting.Add(call);
            Publish(new CallQueued(callId, queueId, priority, Position(call), now));
            ScheduleCall(call, now);
            Dispatch(now);
            ArmTimer(now);
        }
    }

    /// <summary>The caller hung up while waiting or ringing; a ringing agent is ready again with their idle time kept.</summary>
    public bool Abandon(CallId callId) => Drop(callId, QueueExit.Abandoned);

    /// <summary>The flow took the call out of the queue (voicemail, transfer); like <see cref="Abandon"/> but not counted as abandoned.</summary>
    public bool Remove(CallId callId) => Drop(callId, QueueExit.Removed);

    /// <summary>The offered agent answered (for a callback: the caller answered the agent's outbound call).</summary>
    public bool Answered(CallId callId, AgentId agentId)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (!TryGetOffered(callId, agentId, out var call, out var agent))
            {
                return false;
            }

            var queue = call.Queue;
            Forget(call);
            queue.Offered--;
            RollDay(now);
            queue.AnsweredToday++;
            agent.Offered = null;
            agent.Call = callId;
            agent.CallQueue = queue;
            agent.TalkStartedAt = now;
            Transition(agent, AgentState.Talking, null, callId, now);
            Publish(new CallLeftQueue(callId, queue.Id, QueueExit.Answered, now - call.EnqueuedAt, now));
            RemoveIfDrained(queue);
            return true;
        }
    }

    /// <summary>
    /// The agent let the call ring out: the agent goes not-ready (missed) and the call goes back to its place
    /// in the queue — by its original queue time, ahead of calls that came later — and to the next agent.
    /// </summary>
    public bool RingNoAnswer(CallId callId, AgentId agentId)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (!TryGetOffered(callId, agentId, out var call, out var agent))
            {
                return false;
            }

            agent.Offered = null;
            Log.RangOut(_logger, agentId, callId);
            if (agent.Retired || agent.Pending == AgentState.Offline)
            {
                Release(agent, now, freshIdle: false);
            }
            else
            {
                agent.Pending = null;
                agent.PendingReason = null;
                Transition(agent, AgentState.NotReady, NotReadyReason.Missed, callId, now);
            }

            Requeue(call, now);
            Dispatch(now);
            ArmTimer(now);
            return true;
        }
    }

    /// <summary>1-based place among the calls waiting for the same queue (priority considered); null when not waiting.</summary>
    public int? PositionOf(CallId callId)
    {
        lock (_gate)
        {
            return _calls.TryGetValue(callId, out var call) && call.State == CallState.Waiting ? Position(call) : null;
        }
    }

    /// <summary>
    /// A simple estimate for the announcement: position × the queue's average handle time (talk + wrap-up over
    /// its last 50 answered calls; <see cref="RoutingConfiguration.DefaultHandleTime"/> before it has any) ÷ the
    /// staffed agents eligible for the call now. Null when the call is not waiting or nobody eligible is staffed
    /// (the IVR then announces the position only).
    /// </summary>
    public TimeSpan? ExpectedWait(CallId callId)
    {
        lock (_gate)
        {
            return _calls.TryGetValue(callId, out var call) && call.State == CallState.Waiting ? ExpectedWait(call, _clock.GetUtcNow()) : null;
        }
    }

    public QueueSnapshot? Snapshot(QueueId queueId)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            RollDay(now);
            return _queues.TryGetValue(queueId, out var queue) ? Snapshot(queue, now) : null;
        }
    }

    public IReadOnlyList<QueueSnapshot> Snapshots()
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            RollDay(now);
            return [.. _queues.Values.Select(q => Snapshot(q, now))];
        }
    }

    // ---------------------------------------------------------------- callbacks

    /// <summary>
    /// The waiting caller pressed the callback key: the call becomes a callback that keeps its place and the
    /// flow may hang up. If the number already has a pending callback, this call is folded into it (taking the
    /// better place and priority of the two) and leaves the queue. Null when the call is not waiting or has no
    /// number to call back.
    /// </summary>
    public CallbackRequestResult? RequestCallback(CallId callId)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (!_calls.TryGetValue(callId, out var call) || call.State != CallState.Waiting || string.IsNullOrWhiteSpace(call.CallerNumber))
            {
                return null;
            }

            if (call.IsCallback)
            {
                return new CallbackRequestResult(call.Id, false);
            }

            if (_callbacksByNumber.TryGetValue(call.CallerNumber, out var existing))
            {
                call.Queue.Waiting.Remove(call);
                Forget(call);
                Publish(new CallLeftQueue(call.Id, call.Queue.Id, QueueExit.Removed, now - call.EnqueuedAt, now));
                RemoveIfDrained(call.Queue);
                Merge(existing, call.EnqueuedAt, call.Priority, call.Id, now);
                ArmTimer(now);
                return new CallbackRequestResult(existing.Id, true);
            }

            call.IsCallback = true;
            call.ExpiresAt = ClosingAfter(now);
            call.NextAnnouncement = null;
            _callbacksByNumber[call.CallerNumber] = call;
            Publish(new CallbackScheduled(call.Id, call.Queue.Id, call.CallerNumber, null, call.ExpiresAt, now));
            ScheduleCall(call, now);
            ArmTimer(now);
            return new CallbackRequestResult(call.Id, false);
        }
    }

    /// <summary>
    /// A callback task that does not come from a waiting call (a voicemail, a missed call): it queues now, or is
    /// merged into the pending callback for the same number. The flow should pass numbers in one normal form
    /// (E.164) so that duplicates are recognised.
    /// </summary>
    public CallbackRequestResult ScheduleCallback(CallId callbackId, QueueId queueId, string callerNumber, CallPriority priority = CallPriority.Normal)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callerNumber);
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (_callbacksByNumber.TryGetValue(callerNumber, out var existing))
            {
                Merge(existing, now, priority, callbackId, now);
                ArmTimer(now);
                return new CallbackRequestResult(existing.Id, true);
            }

            if (!_queues.TryGetValue(queueId, out var queue) || queue.Retired)
            {
                throw new RoutingException($"There is no queue {queueId}.");
            }

            if (_calls.ContainsKey(callbackId))
            {
                throw new RoutingException($"Call {callbackId} is already queued.");
            }

            var call = new QueuedCall(callbackId, queue, priority, callerNumber, now, ++_sequence)
            {
                Rank = _config.Priorities.RankOf(priority),
                IsCallback = true,
                ExpiresAt = ClosingAfter(now),
            };
            _calls[callbackId] = call;
            _callbacksByNumber[callerNumber] = call;
            queue.Waiting.Add(call);
            Publish(new CallbackScheduled(callbackId, queueId, callerNumber, null, call.ExpiresAt, now));
            ScheduleCall(call, now);
            Dispatch(now);
            ArmTimer(now);
            return new CallbackRequestResult(callbackId, false);
        }
    }

    /// <summary>
    /// The callback's outbound call did not reach the caller. The agent is ready again; the callback keeps its
    /// place but waits <see cref="CallbackPolicy.RetryDelay"/>, or expires when attempts are used up or the
    /// closing time has passed.
    /// </summary>
    public bool CallbackFailed(CallId callId, AgentId agentId)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (!TryGetOffered(callId, agentId, out var call, out var agent) || !call.IsCallback)
            {
                return false;
            }

            agent.Offered = null;
            Release(agent, now, freshIdle: true);
            call.Attempts++;
            var policy = _config.Callbacks;
            if (call.Attempts >= policy.MaxAttempts || call.ExpiresAt <= now)
            {
                call.Queue.Offered--;
                call.State = CallState.Waiting;
                call.OfferedTo = null;
                Expire(call, call.Attempts >= policy.MaxAttempts ? CallbackExpiry.AttemptsExhausted : CallbackExpiry.ClosingTime, now);
            }
            else
            {
                call.NotBefore = now + policy.RetryDelay;
                Requeue(call, now);
                Publish(new CallbackRetryScheduled(callId, call.Queue.Id, call.Attempts, call.NotBefore.Value, now));
            }

            Dispatch(now);
            ArmTimer(now);
            return true;
        }
    }

    // ---------------------------------------------------------------- the decision

    /// <summary>
    /// Offers calls while some waiting call has an eligible ready agent: each round takes the first call in
    /// global order (boost, then queue time) that has one. Queues whose pools have nobody ready are skipped
    /// without looking at their calls, and a queue is left as soon as its calls rank behind the best found.
    /// </summary>
    private void Dispatch(DateTimeOffset now)
    {
        while (_readyAgents > 0)
        {
            QueuedCall? bestCall = null;
            AgentRuntime? bestAgent = null;
            var bestReason = OfferReason.Skill;
            foreach (var queue in _queues.Values)
            {
                if (queue.Waiting.Count == 0 || !queue.AnyReady)
                {
                    continue;
                }

                foreach (var call in queue.Waiting)
                {
                    if (bestCall is not null && CallOrder.Instance.Compare(call, bestCall) >= 0)
                    {
                        break;
                    }

                    if (call.NotBefore > now)
                    {
                        continue;
                    }

                    if (Choose(call, now, out var reason) is { } agent)
                    {
                        (bestCall, bestAgent, bestReason) = (call, agent, reason);
                        break;
                    }
                }
            }

            if (bestCall is null)
            {
                return;
            }

            Offer(bestCall, bestAgent!, bestReason, now);
        }
    }

    /// <summary>
    /// The best ready agent for a call, tier by tier: specialised seats of the queue's platform first; then,
    /// as the queue's rules allow, the platform's general seats, the parent platform's seats, and the
    /// sub-platforms' seats. Within a tier the pool's order decides: skill level, then longest idle.
    /// </summary>
    private static AgentRuntime? Choose(QueuedCall call, DateTimeOffset now, out OfferReason reason)
    {
        var queue = call.Queue;
        var rules = queue.Definition.Rules;
        var waited = now - call.EnqueuedAt;
        if (queue.SkillPool.Best is { } skilled)
        {
            reason = OfferReason.Skill;
            return skilled;
        }

        if (rules.OverflowToGeneralAfter is { } general && waited >= general && queue.GeneralPool?.Best is { } generalSeat)
        {
            reason = OfferReason.OverflowGeneral;
            return generalSeat;
        }

        if (rules.OverflowToParentPlatformAfter is { } parent && waited >= parent && queue.ParentPool?.Best is { } parentSeat)
        {
            reason = OfferReason.OverflowParent;
            return parentSeat;
        }

        if (rules.PullSubPlatformAgentsAbove is { } threshold && queue.Waiting.Count > threshold && queue.SubPlatformPool?.Best is { } subSeat)
        {
            reason = OfferReason.PulledSubPlatform;
            return subSeat;
        }

        reason = default;
        return null;
    }

    private void Offer(QueuedCall call, AgentRuntime agent, OfferReason reason, DateTimeOffset now)
    {
        var queue = call.Queue;
        queue.Waiting.Remove(call);
        queue.Offered++;
        call.State = CallState.Offered;
        call.OfferedTo = agent;
        call.TimerVersion++;
        agent.Offered = call;
        Transition(agent, AgentState.Ringing, null, call.Id, now);
        var waited = now - call.EnqueuedAt;
        Publish(new OfferCall(call.Id, agent.Id, queue.Id, reason, call.IsCallback, call.CallerNumber, waited, now));
        Log.Offering(_logger, call.Id, queue.Id, agent.Id, reason, waited);
    }

    // ---------------------------------------------------------------- helpers (under the lock)

    // A retired agent (removed from the configuration while busy) is still known until their call is done.
    private AgentRuntime Agent(AgentId agentId)
        => _agents.TryGetValue(agentId, out var agent) ? agent : throw new RoutingException($"There is no agent {agentId}.");

    private bool TryGetOffered(CallId callId, AgentId agentId, out QueuedCall call, out AgentRuntime agent)
    {
        if (_calls.TryGetValue(callId, out call!) && call.State == CallState.Offered && call.OfferedTo is { } offeredTo && offeredTo.Id == agentId)
        {
            agent = offeredTo;
            return true;
        }

        agent = null!;
        return false;
    }

    private void Transition(AgentRuntime agent, AgentState to, NotReadyReason? reason, CallId? call, DateTimeOffset now)
    {
        var from = agent.State;
        if (from == AgentState.Ready && to != AgentState.Ready)
        {
            foreach (var membership in agent.Pools)
            {
                membership.Pool.Remove(agent, membership.Level);
            }

            _readyAgents--;
        }

        if (AgentRuntime.IsStaffed(from) != AgentRuntime.IsStaffed(to))
        {
            var delta = AgentRuntime.IsStaffed(to) ? 1 : -1;
            foreach (var membership in agent.Pools)
            {
                membership.Pool.Staffed += delta;
            }
        }

        agent.State = to;
        agent.Reason = to == AgentState.NotReady ? reason : null;
        agent.Since = now;

        // IdleSince is set by the caller before becoming ready: the pools sort by it.
        if (to == AgentState.Ready && from != AgentState.Ready)
        {
            foreach (var membership in agent.Pools)
            {
                membership.Pool.Add(agent, membership.Level);
            }

            _readyAgents++;
        }

        Publish(new AgentStateChanged(agent.Id, from, to, agent.Reason, call, now));
    }

    /// <summary>The agent has no call any more: ready (fresh idle time, or the kept one after a call they never got), or what they asked for meanwhile.</summary>
    private void Release(AgentRuntime agent, DateTimeOffset now, bool freshIdle)
    {
        var pending = agent.Pending;
        var pendingReason = agent.PendingReason;
        agent.Pending = null;
        agent.PendingReason = null;
        if (agent.Retired || pending == AgentState.Offline)
        {
            Transition(agent, AgentState.Offline, null, null, now);
            if (agent.Retired)
            {
                _agents.Remove(agent.Id);
            }
        }
        else if (pending == AgentState.NotReady)
        {
            Transition(agent, AgentState.NotReady, pendingReason, null, now);
        }
        else
        {
            if (freshIdle)
            {
                agent.IdleSince = now;
            }

            Transition(agent, AgentState.Ready, null, null, now);
        }
    }

    private void EndWrapUp(AgentRuntime agent, DateTimeOffset now)
    {
        agent.TimerVersion++;
        agent.CallQueue?.RecordHandleTime(now - agent.TalkStartedAt);
        agent.Call = null;
        agent.CallQueue = null;
        Release(agent, now, freshIdle: true);
    }

    private bool Drop(CallId callId, QueueExit exit)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (!_calls.TryGetValue(callId, out var call))
            {
                return false;
            }

            var queue = call.Queue;
            if (call.State == CallState.Waiting)
            {
                queue.Waiting.Remove(call);
            }
            else
            {
                queue.Offered--;
                var agent = call.OfferedTo!;
                agent.Offered = null;
                Release(agent, now, freshIdle: false);
            }

            Forget(call);
            if (exit == QueueExit.Abandoned)
            {
                RollDay(now);
                queue.AbandonedToday++;
            }

            Publish(new CallLeftQueue(callId, queue.Id, exit, now - call.EnqueuedAt, now));
            RemoveIfDrained(queue);
            Dispatch(now);
            ArmTimer(now);
            return true;
        }
    }

    /// <summary>Back into the waiting set under its old key, so it keeps its place.</summary>
    private void Requeue(QueuedCall call, DateTimeOffset now)
    {
        call.Queue.Offered--;
        call.State = CallState.Waiting;
        call.OfferedTo = null;
        call.Queue.Waiting.Add(call);
        ScheduleCall(call, now);
    }

    private void Forget(QueuedCall call)
    {
        _calls.Remove(call.Id);
        call.TimerVersion++;
        if (_callbacksByNumber.TryGetValue(call.CallerNumber, out var callback) && callback == call)
        {
            _callbacksByNumber.Remove(call.CallerNumber);
        }
    }

    private void RemoveIfDrained(QueueRuntime queue)
    {
        if (queue.Retired && queue.Waiting.Count == 0 && queue.Offered == 0)
        {
            _queues.Remove(queue.Id);
        }
    }

    /// <summary>Folds a second request for the same number into the pending callback: the earlier place and the higher priority win.</summary>
    private void Merge(QueuedCall callback, DateTimeOffset enqueuedAt, CallPriority priority, CallId from, DateTimeOffset now)
    {
        var rank = _config.Priorities.RankOf(priority);
        var waiting = callback.State == CallState.Waiting;
        if (waiting)
        {
            callback.Queue.Waiting.Remove(callback);
        }

        if (enqueuedAt < callback.EnqueuedAt)
        {
            callback.EnqueuedAt = enqueuedAt;
        }

        if (rank > callback.Rank)
        {
            callback.Rank = rank;
            callback.Priority = priority;
        }

        if (waiting)
        {
            callback.Queue.Waiting.Add(callback);
            ScheduleCall(callback, now);
        }

        Publish(new CallbackScheduled(callback.Id, callback.Queue.Id, callback.CallerNumber, from, callback.ExpiresAt, now));
        Dispatch(now);
    }

    private void Expire(QueuedCall call, CallbackExpiry reason, DateTimeOffset now)
    {
        if (call.State == CallState.Waiting)
        {
            call.Queue.Waiting.Remove(call);
        }

        Forget(call);
        Log.CallbackExpired(_logger, call.Id, call.Queue.Id, reason, call.Attempts);
        Publish(new CallbackExpired(call.Id, call.Queue.Id, call.CallerNumber, call.Attempts, reason, now));
        Publish(new CallLeftQueue(call.Id, call.Queue.Id, QueueExit.Expired, now - call.EnqueuedAt, now));
        RemoveIfDrained(call.Queue);
    }

    /// <summary>When a callback requested now would expire (the next closing time); null when callbacks never expire by time.</summary>
    public DateTimeOffset? CallbackClosingTime()
    {
        lock (_gate)
        {
            return ClosingAfter(_clock.GetUtcNow());
        }
    }

    private DateTimeOffset? ClosingAfter(DateTimeOffset now)
    {
        if (_config.Callbacks.ClosingTime is not { } closing)
        {
            return null;
        }

        var zone = _config.TimeZone;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var at = local.Date + closing.ToTimeSpan();
        var candidate = new DateTimeOffset(at, zone.GetUtcOffset(at));
        if (candidate <= now)
        {
            at = at.AddDays(1);
            candidate = new DateTimeOffset(at, zone.GetUtcOffset(at));
        }

        return candidate;
    }

    private static int Position(QueuedCall call)
    {
        var position = 1;
        foreach (var other in call.Queue.Waiting)
        {
            if (other == call)
            {
                break;
            }

            position++;
        }

        return position;
    }

    private TimeSpan? ExpectedWait(QueuedCall call, DateTimeOffset now)
    {
        var queue = call.Queue;
        var rules = queue.Definition.Rules;
        var waited = now - call.EnqueuedAt;
        var staffed = queue.SkillPool.Staffed;
        if (rules.OverflowToGeneralAfter <= waited)
        {
            staffed += queue.GeneralPool?.Staffed ?? 0;
        }

        if (rules.OverflowToParentPlatformAfter <= waited)
        {
            staffed += queue.ParentPool?.Staffed ?? 0;
        }

        if (rules.PullSubPlatformAgentsAbove < queue.Waiting.Count)
        {
            staffed += queue.SubPlatformPool?.Staffed ?? 0;
        }

        if (staffed == 0)
        {
            return null;
        }

        var handleTime = queue.AverageHandleTime ?? _config.DefaultHandleTime;
        return handleTime * Position(call) / staffed;
    }

    private QueueSnapshot Snapshot(QueueRuntime queue, DateTimeOffset now)
    {
        int waiting = 0, callbacks = 0;
        var longest = TimeSpan.Zero;
        foreach (var call in queue.Waiting)
        {
            if (call.IsCallback)
            {
                callbacks++;
                continue;
            }

            waiting++;
            if (now - call.EnqueuedAt > longest)
            {
                longest = now - call.EnqueuedAt;
            }
        }

        var definition = queue.Definition;
        return new QueueSnapshot(queue.Id, definition.PlatformId, definition.SkillCode, waiting, callbacks, queue.Offered, longest,
            queue.SkillPool.ReadyCount, queue.SkillPool.Staffed, queue.AnsweredToday, queue.AbandonedToday);
    }

    private DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, _config.TimeZone).DateTime);

    private void RollDay(DateTimeOffset now)
    {
        var today = Today(now);
        if (today == _today)
        {
            return;
        }

        _today = today;
        foreach (var queue in _queues.Values)
        {
            queue.AnsweredToday = 0;
            queue.AbandonedToday = 0;
        }
    }

    private void Publish(RoutingEvent routingEvent) => _events.Writer.TryWrite(routingEvent);

    private static partial class Log
    {
        [LoggerMessage(7101, LogLevel.Debug, "Offering {CallId} from queue {QueueId} to agent {AgentId} ({Reason}) after {Waited}")]
        public static partial void Offering(ILogger logger, CallId callId, QueueId queueId, AgentId agentId, OfferReason reason, TimeSpan waited);

        [LoggerMessage(7102, LogLevel.Information, "Agent {AgentId} let {CallId} ring out: not ready (missed); the call keeps its place")]
        public static partial void RangOut(ILogger logger, AgentId agentId, CallId callId);

        [LoggerMessage(7103, LogLevel.Information, "Callback {CallId} in queue {QueueId} expired ({Reason}) after {Attempts} attempt(s)")]
        public static partial void CallbackExpired(ILogger logger, CallId callId, QueueId queueId, CallbackExpiry reason, int attempts);

        [LoggerMessage(7104, LogLevel.Information, "Routing configured: {Queues} queues, {Agents} agents, {Platforms} platforms")]
        public static partial void Configured(ILogger logger, int queues, int agents, int platforms);

        [LoggerMessage(7105, LogLevel.Error, "The routing timer failed")]
        public static partial void TimerFailed(ILogger logger, Exception exception);
    }
}
