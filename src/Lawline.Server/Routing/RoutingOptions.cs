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

    /// <summary>How often a waiting caller hears their position and expected wait (0: never).</summary>
    [Range(0, 3600)]
    public int AnnounceEverySeconds { get; set; } = 60;

    /// <summary>From this wait on, the caller is offered "press 1 to be called back, keeping your place" (0: never).</summary>
    [Range(0, 3600)]
    public int CallbackOfferAfterSeconds { get; set; } = 90;

    /// <summary>
    /// The outbound trunk (a name from <c>Sip:Trunks</c>) for callbacks to citizens and for remote seats on mobiles;
    /// the first configured trunk when empty.
    /// </summary>
    public string? OutboundTrunk { get; set; }

    /// <summary>
    /// A caller who hangs up after waiting at least this long for an agent (queued or ringing) gets a callback task
    /// (未接来电回拨), when the number can be dialled (0: never). Shorter waits are usually misdials.
    /// </summary>
    [Range(0, 3600)]
    public int AbandonedCallbackAfterSeconds { get; set; } = 5;

    /// <summary>Ratings that open a mandatory callback task (回访) for the platform's supervisors.</summary>
    public List<CallRating> CallbackRatings { get; set; } = [CallRating.BasicallySatisfied, CallRating.Dissatisfied];

    /// <summary>A number that called within this many hours is a repeat caller and queues ahead (0: off).</summary>
    [Range(0, 24 * 30)]
    public int RepeatCallerWindowHours { get; set; } = 24;

    /// <summary>The longest voicemail message (电话留言) before the line is closed.</summary>
    [Range(10, 600)]
    public int VoicemailMaxSeconds { get; set; } = 120;

    /// <summary>
    /// Outside numbers the desktop offers as one-click escalations (转接), by the name shown: the 12345 government hotline
    /// and 110 by default; a platform adds its legal aid centre or court.
    /// </summary>
    public Dictionary<string, string> EscalationNumbers { get; set; } = new(StringComparer.Ordinal) { ["12345"] = "12345", ["110"] = "110" };

    /// <summary>Record every answered call (stereo: caller left, agent right).</summary>
    public bool RecordCalls { get; set; } = true;

    /// <summary>Keep the caller for the satisfaction survey when the agent hangs up first.</summary>
    public bool Survey { get; set; } = true;

    /// <summary>Recordings directory, relative to the data directory unless absolute.</summary>
    [Required]
    public string RecordingsDirectory { get; set; } = "recordings";
}
