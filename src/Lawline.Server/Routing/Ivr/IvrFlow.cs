using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lawline.Server.Routing.Ivr;

/// <summary>
/// A platform's IVR as data: numbered format version, the node the call starts at, and the nodes. Stored as
/// JSON (see <see cref="IvrFlowJson"/>) so administrators can edit it without a release.
/// </summary>
public sealed record IvrFlow(int Version, string Start, IReadOnlyList<IvrNode> Nodes)
{
    /// <summary>The only format version this build reads and writes.</summary>
    public const int CurrentVersion = 1;

    public IvrNode? Find(string? id) => id is null ? null : Nodes.FirstOrDefault(n => n.Id == id);
}

/// <summary>One step of a flow. Prompts are names in the <see cref="PromptLibrary"/> (a WAV per platform).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(PlayNode), "play")]
[JsonDerivedType(typeof(MenuNode), "menu")]
[JsonDerivedType(typeof(OfficeHoursCheckNode), "officeHoursCheck")]
[JsonDerivedType(typeof(QueueNode), "queue")]
[JsonDerivedType(typeof(VoicemailNode), "voicemail")]
[JsonDerivedType(typeof(CallbackRequestNode), "callbackRequest")]
[JsonDerivedType(typeof(SelfServiceNode), "selfService")]
[JsonDerivedType(typeof(HangupNode), "hangup")]
public abstract record IvrNode(string Id);

/// <summary>Plays a prompt (a key stops it and is kept for the next menu: type-ahead), then goes on.</summary>
public sealed record PlayNode(string Id, string Prompt, string Next) : IvrNode(Id);

/// <summary>
/// Plays a prompt and waits for one key. A key without an option, or no key within <see cref="TimeoutSeconds"/>,
/// plays <see cref="InvalidPrompt"/> and repeats the menu up to <see cref="MaxRetries"/> times, then goes to <see cref="OnFail"/>.
/// </summary>
public sealed record MenuNode(
    string Id,
    string Prompt,
    IReadOnlyDictionary<string, string> Options,
    string OnFail,
    int TimeoutSeconds = 5,
    int MaxRetries = 2,
    string? InvalidPrompt = null) : IvrNode(Id);

/// <summary>Branches on the platform's office hours (weekly spans, holidays, adjusted working days) in its time zone.</summary>
public sealed record OfficeHoursCheckNode(string Id, string Open, string Closed) : IvrNode(Id);

/// <summary>Ends the IVR: the router queues the call for the skill (a code of the skill catalogue, e.g. LABOR).</summary>
public sealed record QueueNode(string Id, string Skill, int? Priority = null, string? Prompt = null) : IvrNode(Id);

/// <summary>Ends the IVR after the prompt: the caller leaves a message (电话留言).</summary>
public sealed record VoicemailNode(string Id, string Prompt) : IvrNode(Id);

/// <summary>Ends the IVR after the prompt: a callback (回拨) is booked for the caller's number.</summary>
public sealed record CallbackRequestNode(string Id, string Prompt) : IvrNode(Id);

public enum SelfServiceKind
{
    /// <summary>Office hours and addresses, told by the prompt itself; the caller goes on to <see cref="SelfServiceNode.Next"/>.</summary>
    OfficeHoursAndAddress,

    /// <summary>An SMS with the nearest legal aid centre: recorded as a request (the SMS is sent by the integration), then on to next.</summary>
    LegalAidSms,

    /// <summary>Case progress for 12368 (query code and password): ends the IVR so the courts feature can run the query, then resume at next.</summary>
    CaseQuery,
}

public sealed record SelfServiceNode(string Id, SelfServiceKind Kind, string Prompt, string Next) : IvrNode(Id);

/// <summary>Plays an optional goodbye and ends the IVR; the caller of the runner hangs up.</summary>
public sealed record HangupNode(string Id, string? Prompt = null) : IvrNode(Id);

/// <summary>Reads and writes flows as JSON: camelCase, "type" names the node kind, Chinese left readable.</summary>
public static class IvrFlowJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // An administrator may write "type" anywhere in a node, not only first.
        AllowOutOfOrderMetadataProperties = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static string Write(IvrFlow flow) => JsonSerializer.Serialize(flow, Options);

    /// <summary>Parses a flow; malformed JSON becomes an <see cref="IvrFlowError"/> on "json" rather than an exception.</summary>
    public static IvrFlow? TryRead(string json, out IvrFlowError? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(json))
        {
            error = new IvrFlowError("json", "The flow is empty.");
            return null;
        }
        try
        {
            var flow = JsonSerializer.Deserialize<IvrFlow>(json, Options);
            if (flow is null)
            {
                error = new IvrFlowError("json", "The flow is empty (null).");
            }
            return flow;
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : string.Empty;
            error = new IvrFlowError("json", $"The flow is not valid JSON for the IVR format{where}: {e.Message}");
            return null;
        }
        catch (NotSupportedException e)
        {
            error = new IvrFlowError("json", $"The flow cannot be read: {e.Message}");
            return null;
        }
    }
}
