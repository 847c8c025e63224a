using System.Threading.Channels;
using Lawline.Sip.Calls;
using Lawline.Sip.Media;

namespace Lawline.Server.Tests.Routing.Ivr;

/// <summary>What the scripted caller does when a prompt plays.</summary>
internal abstract record CallerAction
{
    /// <summary>Presses keys while the prompt plays: a barge-in prompt stops at once (type-ahead).</summary>
    public sealed record PressDuring(string Digits) : CallerAction;

    /// <summary>Listens to the whole prompt, then presses keys.</summary>
    public sealed record PressAfter(string Digits) : CallerAction;

    /// <summary>Hangs up while the prompt plays.</summary>
    public sealed record HangUp : CallerAction;
}

/// <summary>
/// A fake <see cref="ICallControl"/> for the IVR's fast logic tests: a caller scripted per prompt name
/// ("when main-menu plays, press 1"). Silence is the default: a collection with nothing pressed times out.
/// The real engine is exercised by <see cref="IvrEngineTests"/>.
/// </summary>
internal sealed class ScriptedCaller : ICallControl
{
    private readonly Dictionary<string, Queue<CallerAction>> script = [];
    private readonly Queue<char> buffered = new();

    public ScriptedCaller(CallLegId? leg = null) => Leg = leg ?? new CallLegId("leg-1");

    public CallLegId Leg { get; }

    public bool HungUp { get; private set; }

    /// <summary>Prompt names in the order played, with whether a key could stop them and whether one did.</summary>
    public List<(string Prompt, bool StopOnDigit, bool Barged)> Played { get; } = [];

    public List<CollectDigitsOptions> Collections { get; } = [];

    public IEnumerable<string> PromptsPlayed => Played.Select(p => p.Prompt);

    public ScriptedCaller When(string prompt, params CallerAction[] actions)
    {
        if (!script.TryGetValue(prompt, out var queue))
        {
            script[prompt] = queue = new Queue<CallerAction>();
        }
        foreach (var action in actions)
        {
            queue.Enqueue(action);
        }
        return this;
    }

    public Task PlayFileAsync(CallLegId leg, string path, bool loop = false, bool stopOnDigit = false, CancellationToken cancellationToken = default)
    {
        if (HungUp)
        {
            throw new InvalidOperationException($"Call leg {leg} does not exist or has ended.");
        }
        Assert.True(File.Exists(path), $"The runner played a missing file: {path}");
        var prompt = Path.GetFileNameWithoutExtension(path);
        var barged = false;
        if (script.TryGetValue(prompt, out var queue) && queue.TryDequeue(out var action))
        {
            switch (action)
            {
                case CallerAction.PressDuring during:
                    Press(during.Digits);
                    barged = stopOnDigit;
                    break;
                case CallerAction.PressAfter after:
                    Press(after.Digits);
                    break;
                case CallerAction.HangUp:
                    HungUp = true;
                    break;
            }
        }
        Played.Add((prompt, stopOnDigit, barged));
        return Task.CompletedTask;
    }

    public Task<DigitResult> CollectDigitsAsync(CallLegId leg, CollectDigitsOptions options, CancellationToken cancellationToken = default)
    {
        Collections.Add(options);
        if (!options.IncludeBufferedDigits)
        {
            buffered.Clear();
        }
        var digits = string.Empty;
        while (digits.Length < options.MaxDigits && buffered.TryDequeue(out var digit))
        {
            digits += digit;
        }
        var outcome = digits.Length == options.MaxDigits ? DigitCollectionOutcome.Complete
            : HungUp ? DigitCollectionOutcome.HungUp
            : DigitCollectionOutcome.Timeout;
        return Task.FromResult(new DigitResult(digits, outcome));
    }

    public CallLegInfo? GetLeg(CallLegId leg) => HungUp || leg != Leg
        ? null
        : new CallLegInfo(leg, LegDirection.Inbound, LegState.Answered, "13800138000", null, false, false, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    private void Press(string digits)
    {
        foreach (var digit in digits)
        {
            buffered.Enqueue(digit);
        }
    }

    // Not used by the IVR.
    public ChannelReader<CallEvent> Events => Channel.CreateUnbounded<CallEvent>().Reader;

    public Task RingAsync(CallLegId leg, bool earlyMedia = false, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task AnswerAsync(CallLegId leg, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task PlayAsync(CallLegId leg, IAudioFrameSource source, bool stopOnDigit = false, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public void StopPlayback(CallLegId leg)
    {
    }

    public Task<OriginateResult> OriginateAsync(OriginateRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task BridgeAsync(CallLegId a, CallLegId b, bool hangUpTogether = true) => throw new NotSupportedException();

    public Task UnbridgeAsync(CallLegId leg) => throw new NotSupportedException();

    public Task StartRecordingAsync(CallLegId leg, string path) => throw new NotSupportedException();

    public Task StopRecordingAsync(CallLegId leg) => throw new NotSupportedException();

    public Task HoldAsync(CallLegId leg) => throw new NotSupportedException();

    public Task ResumeAsync(CallLegId leg) => throw new NotSupportedException();

    public Task<OriginateResult> TransferAsync(CallLegId leg, OriginateTarget target, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task HangupAsync(CallLegId leg, HangupCause cause = HangupCause.Normal)
    {
        HungUp = true;
        return Task.CompletedTask;
    }

    public IReadOnlyList<CallLegInfo> ActiveLegs() => HungUp ? [] : [GetLeg(Leg)!];
}
