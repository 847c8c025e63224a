namespace Lawline.Sip.Transactions;

/// <summary>RFC 3261 §17.1.1.1 and Table 4 base timer values.</summary>
public sealed record SipTimerSettings
{
    /// <summary>RTT estimate, 500 ms by default.</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Maximum retransmit interval for non-INVITE requests and INVITE responses, 4 s.</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Maximum duration a message remains in the network, 5 s.</summary>
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Timer D: wait for response retransmissions over UDP, at least 32 s.</summary>
    public TimeSpan TimerD { get; init; } = TimeSpan.FromSeconds(32);

    public TimeSpan SixtyFourT1 => T1 * 64;
}
