using Lawline.Server.Routing;

namespace Lawline.RoutingSim;

/// <summary>
/// What one simulated day produced, and the KPIs computed from it with the definitions of design.md:
/// requests for an agent (转人工量) are the calls put into a router queue; a call is answered (接通) when its agent
/// picks up; its wait is from entering the queue to that moment (ring time included).
/// </summary>
internal sealed class DayResult(string setup)
{
    public string Setup { get; } = setup;

    public int Requests { get; private set; }

    public int Answered { get; private set; }

    public int AnsweredInTime { get; private set; }

    public TimeSpan TotalWait { get; private set; }

    public TimeSpan LongestWait { get; private set; }

    public int Abandoned { get; private set; }

    public int AbandonedWhileRinging { get; private set; }

    public int RingNoAnswers { get; set; }

    /// <summary>Every offer the router made, by the rule that made the agent eligible (<see cref="OfferReason"/>).</summary>
    public int[] OffersByReason { get; } = new int[Enum.GetValues<OfferReason>().Length];

    /// <summary>Answered calls by the rule of the offer that was answered.</summary>
    public int[] AnsweredByReason { get; } = new int[Enum.GetValues<OfferReason>().Length];

    /// <summary>Agent time in each <see cref="AgentState"/> during the simulated day (00:00–24:00).</summary>
    public TimeSpan[] TimeInState { get; } = new TimeSpan[Enum.GetValues<AgentState>().Length];

    public GroupResult[] Hours { get; } = [.. Enumerable.Range(0, 24).Select(_ => new GroupResult())];

    /// <summary>By where the caller was routed (the city, or a district while it is open) and skill, whatever the configuration.</summary>
    public SortedDictionary<string, GroupResult> Segments { get; } = new(StringComparer.Ordinal);

    public TimeSpan WallTime { get; set; }

    public long Events { get; set; }

    public long TimerSteps { get; set; }

    public long TimerFires { get; set; }

    public TimeSpan TimerMaxLateness { get; set; }

    public TimeSpan TimerMeanLateness { get; set; }

    /// <summary>接通率 = answered ÷ requests for an agent.</summary>
    public double ConnectionRate => (double)Answered / Requests;

    /// <summary>人工应答及时率 (design.md) = answered within 15 s ÷ answered.</summary>
    public double TimelyAnswerRate => (double)AnsweredInTime / Answered;

    /// <summary>The classic service level: answered within 15 s ÷ requests (an abandoned call counts as missed).</summary>
    public double ServiceLevel => (double)AnsweredInTime / Requests;

    /// <summary>Average speed of answer, seconds, over answered calls.</summary>
    public double AverageSpeedOfAnswer => TotalWait.TotalSeconds / Answered;

    /// <summary>Abandoned (in the queue or while the agent's phone rang) ÷ requests.</summary>
    public double AbandonmentRate => (double)Abandoned / Requests;

    /// <summary>Logged-in time: every state but offline (ready, ringing, talking, wrap-up, not ready).</summary>
    public TimeSpan StaffedTime => TimeInState.Where((_, state) => state != (int)AgentState.Offline).Aggregate(TimeSpan.Zero, (a, b) => a + b);

    /// <summary>Occupancy = (talk + wrap-up) ÷ logged-in time.</summary>
    public double Occupancy => (TimeInState[(int)AgentState.Talking] + TimeInState[(int)AgentState.WrapUp]) / StaffedTime;

    /// <summary>AHT = (talk + wrap-up) ÷ answered, seconds.</summary>
    public double AverageHandleTime => (TimeInState[(int)AgentState.Talking] + TimeInState[(int)AgentState.WrapUp]).TotalSeconds / Answered;

    /// <summary>Share of answered calls that reached their agent through an overflow rule rather than their own skill pool.</summary>
    public double OverflowShare => (double)(Answered - AnsweredByReason[(int)OfferReason.Skill]) / Answered;

    public void RecordRequest(int hour, string segment)
    {
        Requests++;
        Hours[hour].Requests++;
        Segment(segment).Requests++;
    }

    public void RecordAbandon(int hour, string segment, bool whileRinging)
    {
        Abandoned++;
        if (whileRinging)
        {
            AbandonedWhileRinging++;
        }

        Hours[hour].Abandoned++;
        Segment(segment).Abandoned++;
    }

    public void RecordAnswer(int hour, string segment, TimeSpan wait, OfferReason reason, TimeSpan threshold)
    {
        Answered++;
        AnsweredByReason[(int)reason]++;
        TotalWait += wait;
        if (wait > LongestWait)
        {
            LongestWait = wait;
        }

        var inTime = wait <= threshold;
        if (inTime)
        {
            AnsweredInTime++;
        }

        foreach (var group in (ReadOnlySpan<GroupResult>)[Hours[hour], Segment(segment)])
        {
            group.Answered++;
            group.TotalWait += wait;
            if (inTime)
            {
                group.AnsweredInTime++;
            }
        }
    }

    private GroupResult Segment(string segment)
    {
        if (!Segments.TryGetValue(segment, out var group))
        {
            Segments[segment] = group = new GroupResult();
        }

        return group;
    }
}

/// <summary>Requests of one kind (that arrived in one hour, or of one segment) and what became of them.</summary>
internal sealed class GroupResult
{
    public int Requests { get; set; }

    public int Answered { get; set; }

    public int AnsweredInTime { get; set; }

    public int Abandoned { get; set; }

    public TimeSpan TotalWait { get; set; }

    public double ServiceLevel => Requests == 0 ? double.NaN : (double)AnsweredInTime / Requests;

    public double TimelyAnswerRate => Answered == 0 ? double.NaN : (double)AnsweredInTime / Answered;

    public double AverageSpeedOfAnswer => Answered == 0 ? double.NaN : TotalWait.TotalSeconds / Answered;

    public double AbandonmentRate => Requests == 0 ? double.NaN : (double)Abandoned / Requests;
}
