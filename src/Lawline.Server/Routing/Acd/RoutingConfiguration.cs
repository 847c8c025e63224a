namespace Lawline.Server.Routing;

/// <summary>
/// Everything the router routes by, replaced as a whole by <see cref="CallRouter.Configure"/>. Built by the
/// call flow from the platforms, skills, agents and queue settings in the database; the router keeps no
/// other copy.
/// </summary>
public sealed record RoutingConfiguration(
    IReadOnlyList<PlatformNode> Platforms,
    IReadOnlyList<QueueDefinition> Queues,
    IReadOnlyList<AgentDefinition> Agents)
{
    /// <summary>China Standard Time; the platforms this is built for have no daylight saving.</summary>
    public static readonly TimeZoneInfo ChinaStandardTime =
        TimeZoneInfo.CreateCustomTimeZone("Lawline/UTC+08", TimeSpan.FromHours(8), "UTC+08:00", "UTC+08:00");

    // Declared after the time zone: static fields initialise in order and Empty reads it.
    public static readonly RoutingConfiguration Empty = new([], [], []);

    /// <summary>话后整理: how long an agent stays in wrap-up after a call unless the queue says otherwise.</summary>
    public TimeSpan WrapUp { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Handle time (talk + wrap-up) assumed for expected-wait estimates until a queue has answered calls of
    /// its own; 7 minutes is the Beijing 12348 average (81,369 talk hours over 673,951 calls in H1 2024).
    /// </summary>
    public TimeSpan DefaultHandleTime { get; init; } = TimeSpan.FromMinutes(7);

    public PriorityBoosts Priorities { get; init; } = new();

    public CallbackPolicy Callbacks { get; init; } = new();

    /// <summary>Where "today" (queue counters) and the callback closing time are reckoned.</summary>
    public TimeZoneInfo TimeZone { get; init; } = ChinaStandardTime;
}

/// <summary>One node of the platform tree: a district sub-platform's parent is its city main platform.</summary>
public sealed record PlatformNode(PlatformId PlatformId, PlatformId? ParentId);

/// <summary>
/// A queue of one platform for one skill. <paramref name="IsGeneral"/> marks the platform's general queue
/// (综合): its agents are the fallback (综合坐席兜底) of the platform's other queues.
/// </summary>
public sealed record QueueDefinition(QueueId QueueId, PlatformId PlatformId, string SkillCode, bool IsGeneral, OverflowRules Rules)
{
    /// <summary>Wrap-up after calls of this queue, when it differs from <see cref="RoutingConfiguration.WrapUp"/>.</summary>
    public TimeSpan? WrapUp { get; init; }
}

/// <summary>The per-queue routing rules. Every rule is off when null.</summary>
public sealed record OverflowRules
{
    public static readonly OverflowRules None = new();

    /// <summary>After this wait, the agents of the platform's general queue may take the call too.</summary>
    public TimeSpan? OverflowToGeneralAfter { get; init; }

    /// <summary>After this wait, agents of the parent (city main) platform with the skill may take the call.</summary>
    public TimeSpan? OverflowToParentPlatformAfter { get; init; }

    /// <summary>
    /// While more than this many calls wait in this (main platform) queue, agents of the sub-platforms below
    /// with the skill may take its calls, as the Beijing 12368 main platform pulls in court seats.
    /// </summary>
    public int? PullSubPlatformAgentsAbove { get; init; }

    /// <summary>How often a waiting caller hears position and expected wait (<see cref="AnnouncementDue"/>).</summary>
    public TimeSpan? AnnounceEvery { get; init; }

    /// <summary>From this wait on, the caller may press a key to be called back (<see cref="CallbackOfferAvailable"/>).</summary>
    public TimeSpan? CallbackOfferAfter { get; init; }

    /// <summary>The wait after which the flow is told to stop queueing (<see cref="MaxWaitReached"/>): voicemail or callback.</summary>
    public TimeSpan? MaxWait { get; init; }
}

/// <summary>
/// An agent and the skills they may answer, by level 1 (can answer) to 5 (expert); a higher level is offered
/// calls first. A general seat (<paramref name="IsGeneralSeat"/>) answers the platform's general queue even
/// without the general skill listed (at level 1 then).
/// </summary>
public sealed record AgentDefinition(AgentId AgentId, PlatformId PlatformId, IReadOnlyDictionary<string, int> Skills, bool IsGeneralSeat = false);

/// <summary>Caller classes a queue may serve ahead of others.</summary>
public enum CallPriority
{
    Normal,

    /// <summary>重复来电: the same number called again within the repeat window.</summary>
    RepeatCaller,

    /// <summary>专线: elderly callers, migrant workers' wages, women and children.</summary>
    SpecialLine,

    /// <summary>A callback a supervisor marked urgent.</summary>
    UrgentCallback,

    /// <summary>Transferred by a lawyer to another skill: the caller has waited once already.</summary>
    Transferred,
}

/// <summary>
/// Strict ranks: a call with a higher number is always offered before one with a lower number, whatever
/// their waits; equal numbers are served first come, first served. Give two classes the same number to
/// treat them alike.
/// </summary>
public sealed record PriorityBoosts
{
    public int Normal { get; init; }
    public int RepeatCaller { get; init; } = 1;
    public int SpecialLine { get; init; } = 2;
    public int UrgentCallback { get; init; } = 3;
    public int Transferred { get; init; } = 2;

    public int RankOf(CallPriority priority) => priority switch
    {
        CallPriority.RepeatCaller => RepeatCaller,
        CallPriority.SpecialLine => SpecialLine,
        CallPriority.UrgentCallback => UrgentCallback,
        CallPriority.Transferred => Transferred,
        _ => Normal,
    };
}

/// <summary>Queue callbacks (回拨): how often to retry an unreachable caller and until when to try.</summary>
public sealed record CallbackPolicy
{
    /// <summary>After a failed attempt the callback waits this long before it may be offered again (keeping its place).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts before the callback is given up (<see cref="CallbackExpiry.AttemptsExhausted"/>).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>
    /// Local time of day (in <see cref="RoutingConfiguration.TimeZone"/>) at which pending callbacks expire: a
    /// callback requested at 10:00 expires at today's closing time, one left in a voicemail at 20:00 at
    /// tomorrow's. Null: callbacks never expire by time.
    /// </summary>
    public TimeOnly? ClosingTime { get; init; } = new(18, 0);
}
