namespace Lawline.Server.Routing;

public enum AgentState
{
    Offline,
    Ready,

    /// <summary>A call has been offered to the agent and their phone rings.</summary>
    Ringing,
    Talking,

    /// <summary>话后整理: the call has ended and the agent finishes the work order.</summary>
    WrapUp,
    NotReady,
}

public enum NotReadyReason
{
    Break,
    Training,
    Meeting,

    /// <summary>Set by the router when the agent let an offered call ring out.</summary>
    Missed,
    Other,
}

/// <summary>Why an agent was chosen for a call: the tier of the queue's rules that made them eligible.</summary>
public enum OfferReason
{
    /// <summary>The agent has the queue's skill on the queue's platform.</summary>
    Skill,

    /// <summary>A general seat of the platform, after the queue's <see cref="OverflowRules.OverflowToGeneralAfter"/>.</summary>
    OverflowGeneral,

    /// <summary>An agent of the parent platform, after <see cref="OverflowRules.OverflowToParentPlatformAfter"/>.</summary>
    OverflowParent,

    /// <summary>A sub-platform's agent, pulled in while the queue is over <see cref="OverflowRules.PullSubPlatformAgentsAbove"/>.</summary>
    PulledSubPlatform,
}

/// <summary>How a call stopped waiting in its queue.</summary>
public enum QueueExit
{
    Answered,
    Abandoned,

    /// <summary>The flow took the call out (voicemail, transfer, a merged callback request).</summary>
    Removed,

    /// <summary>A callback that expired (<see cref="CallbackExpired"/>).</summary>
    Expired,
}

public enum CallbackExpiry
{
    ClosingTime,
    AttemptsExhausted,
}

/// <summary>Everything the router decides or observes, in the order it happened.</summary>
public abstract record RoutingEvent(DateTimeOffset At);

/// <summary>
/// An agent's state changed; attendance and occupancy KPIs are computed from these. <paramref name="Reason"/>
/// is set when <paramref name="To"/> is <see cref="AgentState.NotReady"/>; <paramref name="Call"/> when the
/// change concerns a call (ringing, talking, wrap-up, a missed call).
/// </summary>
public sealed record AgentStateChanged(AgentId AgentId, AgentState From, AgentState To, NotReadyReason? Reason, CallId? Call, DateTimeOffset At) : RoutingEvent(At);

public sealed record CallQueued(CallId CallId, QueueId QueueId, CallPriority Priority, int Position, DateTimeOffset At) : RoutingEvent(At);

/// <summary>
/// The decision: ring <paramref name="AgentId"/> with <paramref name="CallId"/>. For a callback
/// (<paramref name="IsCallback"/>) the flow places an outbound call to <paramref name="CallerNumber"/> for the
/// agent instead of bridging a waiting caller. The flow reports back with <see cref="CallRouter.Answered"/>,
/// <see cref="CallRouter.RingNoAnswer"/> or, for callbacks, <see cref="CallRouter.CallbackFailed"/>.
/// </summary>
public sealed record OfferCall(
    CallId CallId,
    AgentId AgentId,
    QueueId QueueId,
    OfferReason Reason,
    bool IsCallback,
    string CallerNumber,
    TimeSpan Waited,
    DateTimeOffset At) : RoutingEvent(At);

public sealed record CallLeftQueue(CallId CallId, QueueId QueueId, QueueExit Exit, TimeSpan Waited, DateTimeOffset At) : RoutingEvent(At);

/// <summary>The caller has waited <see cref="OverflowRules.CallbackOfferAfter"/>: the IVR may offer "press 1 to be called back".</summary>
public sealed record CallbackOfferAvailable(CallId CallId, QueueId QueueId, DateTimeOffset At) : RoutingEvent(At);

/// <summary>The caller has waited <see cref="OverflowRules.MaxWait"/>. The call stays queued until the flow removes it or turns it into a callback.</summary>
public sealed record MaxWaitReached(CallId CallId, QueueId QueueId, TimeSpan Waited, DateTimeOffset At) : RoutingEvent(At);

/// <summary>Time to tell a waiting caller their place; <paramref name="ExpectedWait"/> is null when no agent is staffed.</summary>
public sealed record AnnouncementDue(CallId CallId, QueueId QueueId, int Position, TimeSpan? ExpectedWait, DateTimeOffset At) : RoutingEvent(At);

/// <summary>
/// A callback is pending for <paramref name="CallerNumber"/>. When <paramref name="MergedFrom"/> is set, the
/// request (a waiting call or a voicemail) was folded into the existing callback <paramref name="CallId"/>.
/// </summary>
public sealed record CallbackScheduled(CallId CallId, QueueId QueueId, string CallerNumber, CallId? MergedFrom, DateTimeOffset? ExpiresAt, DateTimeOffset At) : RoutingEvent(At);

/// <summary>An attempt failed; the callback keeps its place and may be offered again from <paramref name="NotBefore"/>.</summary>
public sealed record CallbackRetryScheduled(CallId CallId, QueueId QueueId, int Attempts, DateTimeOffset NotBefore, DateTimeOffset At) : RoutingEvent(At);

/// <summary>A callback that will not be made: it is past the closing time, or every attempt failed. A supervisor follows up.</summary>
public sealed record CallbackExpired(CallId CallId, QueueId QueueId, string CallerNumber, int Attempts, CallbackExpiry Reason, DateTimeOffset At) : RoutingEvent(At);

/// <summary>What <see cref="CallRouter.RequestCallback"/> and <see cref="CallRouter.ScheduleCallback"/> did.</summary>
public sealed record CallbackRequestResult(CallId CallbackId, bool Merged);

/// <summary>A queue as a wallboard shows it.</summary>
public sealed record QueueSnapshot(
    QueueId QueueId,
    PlatformId PlatformId,
    string SkillCode,
    int Waiting,
    int WaitingCallbacks,
    int Ringing,
    TimeSpan LongestWait,
    int ReadyAgents,
    int StaffedAgents,
    int AnsweredToday,
    int AbandonedToday);

/// <summary>
/// An agent's routing state; <paramref name="IdleSince"/> orders ready agents (longest idle first). While the agent
/// is busy (ringing, talking, wrap-up), <paramref name="Pending"/> is what they asked for meanwhile — not ready
/// (<paramref name="PendingReason"/>) or offline — and takes effect when wrap-up ends; null means ready again.
/// </summary>
public sealed record AgentStatus(
    AgentId AgentId,
    AgentState State,
    NotReadyReason? Reason,
    DateTimeOffset Since,
    DateTimeOffset IdleSince,
    CallId? Call,
    AgentState? Pending = null,
    NotReadyReason? PendingReason = null);
