namespace Lawline.Server.Routing;

/// <summary>
/// The ready agents who may take calls of one kind: those of one platform with one skill, or (for pulling
/// agents in) those of every platform below one platform with one skill. Kept sorted so that choosing an
/// agent is a tree lookup, not a scan: higher skill level first, then longest idle, then agent id so the
/// order is total.
/// </summary>
internal sealed class AgentPool
{
    private readonly SortedSet<ReadyEntry> _ready = new(ReadyOrder.Instance);

    public int ReadyCount => _ready.Count;

    /// <summary>Members logged in (ready, ringing, talking or in wrap-up), for expected-wait estimates.</summary>
    public int Staffed { get; set; }

    public AgentRuntime? Best => _ready.Count == 0 ? null : _ready.Min.Agent;

    public void Add(AgentRuntime agent, int level) => _ready.Add(new ReadyEntry(level, agent.IdleSince.UtcTicks, agent));

    public void Remove(AgentRuntime agent, int level) => _ready.Remove(new ReadyEntry(level, agent.IdleSince.UtcTicks, agent));

    internal readonly record struct ReadyEntry(int Level, long IdleSinceTicks, AgentRuntime Agent);

    private sealed class ReadyOrder : IComparer<ReadyEntry>
    {
        public static readonly ReadyOrder Instance = new();

        public int Compare(ReadyEntry x, ReadyEntry y)
        {
            var c = y.Level.CompareTo(x.Level);
            if (c != 0)
            {
                return c;
            }

            c = x.IdleSinceTicks.CompareTo(y.IdleSinceTicks);
            return c != 0 ? c : x.Agent.Id.Value.CompareTo(y.Agent.Id.Value);
        }
    }
}

internal readonly record struct PoolKey(PlatformId Platform, string Skill, bool BelowPlatform);

internal readonly record struct PoolMembership(AgentPool Pool, int Level);

internal sealed class AgentRuntime(AgentDefinition definition, DateTimeOffset now)
{
    public AgentDefinition Definition { get; set; } = definition;
    public AgentId Id => Definition.AgentId;
    public AgentState State { get; set; } = AgentState.Offline;
    public NotReadyReason? Reason { get; set; }
    public DateTimeOffset Since { get; set; } = now;
    public DateTimeOffset IdleSince { get; set; } = now;

    /// <summary>The pools this agent belongs to under the current configuration.</summary>
    public List<PoolMembership> Pools { get; } = [];

    /// <summary>What the agent asked for while busy, applied when wrap-up ends: NotReady(reason) or Offline.</summary>
    public AgentState? Pending { get; set; }
    public NotReadyReason? PendingReason { get; set; }

    /// <summary>Removed from the configuration while busy: goes offline and is forgotten once the call is done.</summary>
    public bool Retired { get; set; }

    public QueuedCall? Offered { get; set; }
    public CallId? Call { get; set; }
    public QueueRuntime? CallQueue { get; set; }
    public DateTimeOffset TalkStartedAt { get; set; }
    public int TimerVersion { get; set; }
    public DateTimeOffset WrapUpEndsAt { get; set; }

    public static bool IsStaffed(AgentState state) => state is AgentState.Ready or AgentState.Ringing or AgentState.Talking or AgentState.WrapUp;
}

internal enum CallState
{
    Waiting,
    Offered,
}

/// <summary>A live caller waiting in a queue, or a callback task keeping a caller's place.</summary>
internal sealed class QueuedCall(CallId id, QueueRuntime queue, CallPriority priority, string callerNumber, DateTimeOffset enqueuedAt, long sequence)
{
    public CallId Id { get; } = id;
    public QueueRuntime Queue { get; set; } = queue;
    public CallPriority Priority { get; set; } = priority;

    /// <summary>The boost under the configuration the call is sorted by; changes only while the call is out of the waiting set.</summary>
    public int Rank { get; set; }
    public string CallerNumber { get; } = callerNumber;

    /// <summary>The place in the queue: a re-offered call or a callback keeps it.</summary>
    public DateTimeOffset EnqueuedAt { get; set; } = enqueuedAt;
    public long Sequence { get; } = sequence;
    public CallState State { get; set; } = CallState.Waiting;
    public AgentRuntime? OfferedTo { get; set; }

    public bool IsCallback { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? NotBefore { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }

    public bool CallbackOfferSignalled { get; set; }
    public bool MaxWaitSignalled { get; set; }
    public DateTimeOffset? NextAnnouncement { get; set; }
    public int TimerVersion { get; set; }
}

/// <summary>Queue order: higher boost first, then first come first served, then arrival order as a tie-break.</summary>
internal sealed class CallOrder : IComparer<QueuedCall>
{
    public static readonly CallOrder Instance = new();

    public int Compare(QueuedCall? x, QueuedCall? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        var c = y!.Rank.CompareTo(x!.Rank);
        if (c != 0)
        {
            return c;
        }

        c = x.EnqueuedAt.UtcTicks.CompareTo(y.EnqueuedAt.UtcTicks);
        return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
    }
}

internal sealed class QueueRuntime(QueueDefinition definition)
{
    private const int HandleTimeSamples = 50;
    private readonly Queue<TimeSpan> _handleTimes = new();
    private TimeSpan _handleTimeSum;

    public QueueDefinition Definition { get; set; } = definition;
    public QueueId Id => Definition.QueueId;
    public SortedSet<QueuedCall> Waiting { get; } = new(CallOrder.Instance);
    public int Offered { get; set; }

    /// <summary>Removed from the configuration: takes no new calls, keeps serving the ones it has.</summary>
    public bool Retired { get; set; }

    public AgentPool SkillPool { get; set; } = null!;
    public AgentPool? GeneralPool { get; set; }
    public AgentPool? ParentPool { get; set; }
    public AgentPool? SubPlatformPool { get; set; }

    public int AnsweredToday { get; set; }
    public int AbandonedToday { get; set; }

    public bool AnyReady => SkillPool.ReadyCount > 0
        || GeneralPool?.ReadyCount > 0
        || ParentPool?.ReadyCount > 0
        || SubPlatformPool?.ReadyCount > 0;

    public TimeSpan? AverageHandleTime => _handleTimes.Count == 0 ? null : _handleTimeSum / _handleTimes.Count;

    public void RecordHandleTime(TimeSpan handleTime)
    {
        _handleTimes.Enqueue(handleTime);
        _handleTimeSum += handleTime;
        if (_handleTimes.Count > HandleTimeSamples)
        {
            _handleTimeSum -= _handleTimes.Dequeue();
        }
    }
}
