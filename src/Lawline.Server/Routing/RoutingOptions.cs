using System.ComponentModel.DataAnnotations;

namespace Lawline.Server.Routing;

/// <summary>How calls flow from the engine to the platforms (section <c>Routing</c>).</summary>
public sealed class RoutingOptions
{
    public const string Section = "Routing";

    /// <summary>
    /// Dialed number → platform code (e.g. "02712348" → "wuhan"). A number not listed goes to the first active top
    /// platform of the matching kind (12348 or 12368 in the number), else to the first top platform.
    /// </summary>
    public Dictionary<string, string> DialedNumbers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long an agent's phone rings before the call is offered to the next agent.</summary>
    [Range(5, 120)]
    public int RingTimeoutSeconds { get; set; } = 20;

    /// <summary>话后整理: time after a call before the agent is offered the next one.</summary>
    [Range(0, 600)]
    public int WrapUpSeconds { get; set; } = 30;

    /// <summary>Default overflow rules of every queue (seconds of waiting; agents above which the main platform pulls).</summary>
    public int OverflowToGeneralAfterSeconds { get; set; } = 60;

    public int OverflowToParentAfterSeconds { get; set; } = 90;

    public int PullSubPlatformAgentsAbove { get; set; } = 5;

    /// <summary>Record every answered call (stereo: caller left, agent right).</summary>
    public bool RecordCalls { get; set; } = true;

    /// <summary>Keep the caller for the satisfaction survey when the agent hangs up first.</summary>
    public bool Survey { get; set; } = true;

    /// <summary>Recordings directory, relative to the data directory unless absolute.</summary>
    [Required]
    public string RecordingsDirectory { get; set; } = "recordings";
}
