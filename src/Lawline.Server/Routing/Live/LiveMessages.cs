namespace Lawline.Server.Routing.Live;

// What the routing hub sends (JSON, camelCase as the SignalR JSON protocol writes it). Enums are their names, as in
// the HTTP API. Caller numbers are always masked: outside clients are displays and toolbars.

/// <summary><c>agentState</c>: an agent's routing state changed.</summary>
public sealed record AgentStateMessage(int AgentId, int? PlatformId, string From, string To, string? Reason, string? CallId, DateTimeOffset At);

/// <summary>
/// <c>queue</c>: a call joined or left a queue, or a callback was scheduled or expired. <see cref="Kind"/> is
/// <c>queued</c>, <c>left</c>, <c>callbackScheduled</c> or <c>callbackExpired</c>.
/// </summary>
public sealed record QueueMessage(
    string Kind,
    string QueueId,
    int? PlatformId,
    string CallId,
    int? Position,
    string? Exit,
    double? WaitedSeconds,
    string? CallerNumber,
    DateTimeOffset At);

/// <summary><c>call</c>: an agent's call rang, connected, ended or was rated.</summary>
public sealed record CallMessage(
    string Stage,
    int AgentId,
    long CallRecordId,
    int PlatformId,
    string CallerNumber,
    string? SkillCode,
    bool IsCallback,
    DateTimeOffset At);
