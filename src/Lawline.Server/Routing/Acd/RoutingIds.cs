namespace Lawline.Server.Routing;

/// <summary>
/// A call as the router knows it: the caller's leg id for a live call, or the id of a callback task
/// (voicemail, missed call). The router never interprets it.
/// </summary>
public readonly record struct CallId(string Value)
{
    public override string ToString() => Value;
}

/// <summary>An agent (坐席员 / 值班律师); the value is the agent record's id.</summary>
public readonly record struct AgentId(int Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A platform (平台); the value is the platform record's id.</summary>
public readonly record struct PlatformId(int Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A queue (队列): calls of one platform waiting for one skill.</summary>
public readonly record struct QueueId(string Value)
{
    public override string ToString() => Value;
}
