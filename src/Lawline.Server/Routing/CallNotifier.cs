using Lawline.Server.Common;

namespace Lawline.Server.Routing;

public enum AgentCallStage
{
    /// <summary>The agent's phone rings with the call (the desktop shows the caller and opens a draft).</summary>
    Ringing,

    /// <summary>The agent answered and is connected to the caller.</summary>
    Connected,

    /// <summary>The agent's part of the call is over (hang-up or transfer); wrap-up follows.</summary>
    Ended,

    /// <summary>The caller rated the service after the agent hung up.</summary>
    Rated,
}

/// <summary>
/// A call as one agent's desktop and the wallboard see it, keyed by the call record (which holds the caller, the IVR
/// path, the skill and the wait). <paramref name="IsCallback"/> marks a callback the platform places.
/// </summary>
public sealed record AgentCallEvent(
    AgentCallStage Stage,
    AgentId AgentId,
    long CallRecordId,
    int PlatformId,
    string CallerNumber,
    string? SkillCode,
    bool IsCallback,
    CallRating? Rating,
    DateTimeOffset At);

/// <summary>In-process notifications of agents' calls for the desktop and the wallboard.</summary>
public sealed class CallNotifier(ILogger<CallNotifier> logger) : Notifier<AgentCallEvent>(logger);
