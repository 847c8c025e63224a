using Lawline.Server.Platforms;
using Lawline.Sip.Calls;

namespace Lawline.Server.Routing.Ivr;

/// <summary>What the runner needs to know about the call and its platform.</summary>
public sealed record IvrCallContext(string PlatformCode, OfficeHours OfficeHours, string TimeZone = IvrCallContext.ChinaStandardTime)
{
    public const string ChinaStandardTime = "Asia/Shanghai";

    /// <summary>Where to start instead of the flow's start, e.g. the resume point after a case query.</summary>
    public string? StartAt { get; init; }
}

/// <summary>How the IVR ended; the caller of the runner acts on it (queue, record a message, book a callback...).</summary>
public abstract record IvrOutcome
{
    /// <summary>Queue the call for a skill (code of the skill catalogue) with a priority (0 normal).</summary>
    public sealed record Queue(string SkillCode, int Priority) : IvrOutcome;

    /// <summary>Record a message (电话留言) after the prompt; it becomes a callback task.</summary>
    public sealed record Voicemail : IvrOutcome;

    /// <summary>The caller asked to be called back (回拨).</summary>
    public sealed record Callback : IvrOutcome;

    /// <summary>A self-service the IVR cannot finish itself (a case query); resume the flow at <paramref name="ResumeAt"/> afterwards.</summary>
    public sealed record SelfServiceRequested(SelfServiceKind Kind, string ResumeAt) : IvrOutcome;

    /// <summary>The caller hung up in the IVR (abandoned in IVR); <paramref name="AtNode"/> is where.</summary>
    public sealed record HungUp(string? AtNode) : IvrOutcome;

    /// <summary>The flow ended at a hang-up node: the runner's caller hangs up.</summary>
    public sealed record Completed : IvrOutcome;
}

public enum IvrStepKind
{
    /// <summary>A prompt node was played (or cut short by a key).</summary>
    Played,

    /// <summary>A menu key that led somewhere.</summary>
    Chosen,

    /// <summary>A menu key without an option.</summary>
    Invalid,

    /// <summary>No key within the menu's timeout.</summary>
    NoInput,

    /// <summary>The menu gave up after its retries and went to its fail node.</summary>
    Failed,

    Open,
    Closed,

    /// <summary>A self-service was given or requested.</summary>
    SelfService,

    /// <summary>A terminal node (queue, voicemail, callback, hang-up).</summary>
    Ended,

    HungUp,
}

/// <summary>One step of the IVR path, for the call record: the node, the keys pressed there, and when.</summary>
public sealed record IvrStep(string NodeId, IvrStepKind Kind, string? Digits, DateTimeOffset At);

public sealed record IvrResult(IvrOutcome Outcome, IReadOnlyList<IvrStep> Path, IReadOnlyList<SelfServiceKind> Requests)
{
    /// <summary>The keys the caller pressed, in order, as the call record shows them ("1", "59", ...).</summary>
    public string Digits => string.Concat(Path.Select(s => s.Digits));
}

/// <summary>
/// Runs a flow on one answered leg through <see cref="ICallControl"/> only. Prompts play with barge-in: a key
/// stops the prompt and counts as the answer to the menu that follows (type-ahead), so regular callers need
/// not listen to the whole greeting.
/// </summary>
public sealed partial class IvrRunner(PromptLibrary prompts, TimeProvider clock, ILogger<IvrRunner> logger)
{
    private readonly PromptLibrary prompts = prompts;
    private readonly TimeProvider clock = clock;
    private readonly ILogger<IvrRunner> logger = logger;

    // A flow's loops all pass through menus (the validator sees to it), so this is only a guard against a
    // caller who keeps choosing a self-service branch forever.
    private const int MaxSteps = 500;

    // After a prompt node, a key pressed while it played is already buffered; a short wait picks it up
    // without delaying a caller who pressed nothing.
    private static readonly TimeSpan TypeAheadCheck = TimeSpan.FromMilliseconds(30);

    public async Task<IvrResult> RunAsync(ICallControl calls, CallLegId leg, IvrFlow flow, IvrCallContext context, CancellationToken cancellationToken)
    {
        var run = new Run(this, calls, leg, context, cancellationToken);
        var node = flow.Find(context.StartAt) ?? flow.Find(flow.Start)
            ?? throw new InvalidOperationException($"The flow's start node '{flow.Start}' does not exist; validate flows before running them.");
        string? typeAhead = null;
        for (var step = 0; step < MaxSteps; step++)
        {
            if (run.Ended)
            {
                return run.HungUp(node.Id);
            }
            switch (node)
            {
                case PlayNode play:
                    if (typeAhead is null)
                    {
                        await run.PlayAsync(play.Prompt);
                        typeAhead = await run.TypeAheadAsync();
                    }
                    run.Step(play.Id, IvrStepKind.Played, null);
                    node = flow.Find(play.Next)!;
                    break;

                case MenuNode menu:
                    var (next, hungUp) = await RunMenuAsync(run, menu, typeAhead);
                    typeAhead = null;
                    if (hungUp)
                    {
                        return run.HungUp(menu.Id);
                    }
                    node = flow.Find(next)!;
                    break;

                case OfficeHoursCheckNode check:
                    var open = IsOpen(context);
                    run.Step(check.Id, open ? IvrStepKind.Open : IvrStepKind.Closed, null);
                    node = flow.Find(open ? check.Open : check.Closed)!;
                    break;

                case SelfServiceNode self:
                    if (typeAhead is null)
                    {
                        await run.PlayAsync(self.Prompt);
                        typeAhead = self.Kind == SelfServiceKind.CaseQuery ? null : await run.TypeAheadAsync();
                    }
                    run.Step(self.Id, IvrStepKind.SelfService, null);
                    run.Requests.Add(self.Kind);
                    if (self.Kind == SelfServiceKind.CaseQuery)
                    {
                        return run.End(new IvrOutcome.SelfServiceRequested(self.Kind, self.Next));
                    }
                    node = flow.Find(self.Next)!;
                    break;

                case QueueNode queue:
                    await run.PlayOptionalAsync(queue.Prompt);
                    run.Step(queue.Id, IvrStepKind.Ended, null);
                    return run.Ended ? run.HungUp(queue.Id) : run.End(new IvrOutcome.Queue(queue.Skill, queue.Priority ?? 0));

                case VoicemailNode voicemail:
                    await run.PlayAsync(voicemail.Prompt, bargeIn: false);
                    run.Step(voicemail.Id, IvrStepKind.Ended, null);
                    return run.Ended ? run.HungUp(voicemail.Id) : run.End(new IvrOutcome.Voicemail());

                case CallbackRequestNode callback:
                    // The request stands even if the caller hangs up during the confirmation.
                    await run.PlayAsync(callback.Prompt, bargeIn: false);
                    run.Step(callback.Id, IvrStepKind.Ended, null);
                    return run.End(new IvrOutcome.Callback());

                case HangupNode hangup:
                    await run.PlayOptionalAsync(hangup.Prompt, bargeIn: false);
                    run.Step(hangup.Id, IvrStepKind.Ended, null);
                    return run.End(new IvrOutcome.Completed());

                default:
                    throw new InvalidOperationException($"Node '{node.Id}' of type {node.GetType().Name} cannot be run.");
            }
            if (node is null)
            {
                throw new InvalidOperationException("The flow leads to a node that does not exist; validate flows before running them.");
            }
        }
        Log.TooManySteps(logger, leg.Value, MaxSteps);
        return run.End(new IvrOutcome.Completed());
    }

    private static async Task<(string? Next, bool HungUp)> RunMenuAsync(Run run, MenuNode menu, string? typeAhead)
    {
        var timeout = TimeSpan.FromSeconds(menu.TimeoutSeconds);
        for (var attempt = 0; ; attempt++)
        {
            DigitResult result;
            if (attempt == 0 && typeAhead is not null)
            {
                result = new DigitResult(typeAhead, DigitCollectionOutcome.Complete);
            }
            else
            {
                await run.PlayAsync(menu.Prompt);
                result = await run.CollectAsync(timeout);
            }
            if (result.Outcome == DigitCollectionOutcome.HungUp || run.Ended)
            {
                run.Step(menu.Id, IvrStepKind.HungUp, NullIfEmpty(result.Digits));
                return (null, true);
            }
            var digit = result.Digits.Length > 0 ? result.Digits[..1] : null;
            if (digit is not null && menu.Options.TryGetValue(digit, out var target))
            {
                run.Step(menu.Id, IvrStepKind.Chosen, digit);
                return (target, false);
            }
            run.Step(menu.Id, digit is null ? IvrStepKind.NoInput : IvrStepKind.Invalid, digit);
            if (attempt >= menu.MaxRetries)
            {
                run.Step(menu.Id, IvrStepKind.Failed, null);
                return (menu.OnFail, false);
            }
            if (digit is not null)
            {
                await run.PlayOptionalAsync(menu.InvalidPrompt, bargeIn: false);
            }
        }
    }

    private bool IsOpen(IvrCallContext context)
    {
        var now = this.clock.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, FindTimeZone(context.TimeZone)).DateTime;
        return context.OfficeHours.IsOpen(local);
    }

    /// <summary>The platform's zone; China Standard Time (UTC+8, no daylight saving) when the id is unknown here.</summary>
    public static TimeZoneInfo FindTimeZone(string? id)
    {
        if (!string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return zone;
        }
        return TimeZoneInfo.TryFindSystemTimeZoneById(IvrCallContext.ChinaStandardTime, out var china)
            ? china
            : TimeZoneInfo.CreateCustomTimeZone("CST", TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private sealed class Run(IvrRunner runner, ICallControl calls, CallLegId leg, IvrCallContext context, CancellationToken cancellationToken)
    {
        private readonly List<IvrStep> path = [];

        public List<SelfServiceKind> Requests { get; } = [];

        public bool Ended => calls.GetLeg(leg) is null or { State: LegState.Ended };

        public void Step(string nodeId, IvrStepKind kind, string? digits) => path.Add(new IvrStep(nodeId, kind, digits, runner.clock.GetUtcNow()));

        public IvrResult End(IvrOutcome outcome) => new(outcome, [.. path], [.. Requests]);

        public IvrResult HungUp(string nodeId)
        {
            if (path.Count == 0 || path[^1].Kind != IvrStepKind.HungUp)
            {
                Step(nodeId, IvrStepKind.HungUp, null);
            }
            return End(new IvrOutcome.HungUp(nodeId));
        }

        public Task PlayOptionalAsync(string? prompt, bool bargeIn = true) => prompt is null ? Task.CompletedTask : PlayAsync(prompt, bargeIn);

        public async Task PlayAsync(string prompt, bool bargeIn = true)
        {
            if (Ended)
            {
                return;
            }
            var file = runner.prompts.Resolve(context.PlatformCode, prompt);
            if (file is null)
            {
                // A missing recording must not break the call: the menu still listens for keys.
                Log.PromptMissing(runner.logger, prompt, context.PlatformCode);
                return;
            }
            try
            {
                await calls.PlayFileAsync(leg, file, loop: false, stopOnDigit: bargeIn, cancellationToken);
            }
            catch (InvalidOperationException) when (Ended)
            {
                // The leg ended while the prompt started; the caller sees HungUp.
            }
        }

        public async Task<DigitResult> CollectAsync(TimeSpan timeout)
        {
            try
            {
                return await calls.CollectDigitsAsync(leg, new CollectDigitsOptions
                {
                    MaxDigits = 1,
                    FirstDigitTimeout = timeout,
                    InterDigitTimeout = timeout,
                    IncludeBufferedDigits = true,
                }, cancellationToken);
            }
            catch (InvalidOperationException) when (Ended)
            {
                return new DigitResult(string.Empty, DigitCollectionOutcome.HungUp);
            }
        }

        public async Task<string?> TypeAheadAsync()
        {
            if (Ended)
            {
                return null;
            }
            var result = await CollectAsync(TypeAheadCheck);
            return result.Outcome == DigitCollectionOutcome.Complete ? result.Digits : null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "IVR prompt '{Prompt}' has no WAV for platform {Platform} nor a default; skipped")]
        public static partial void PromptMissing(ILogger logger, string prompt, string platform);

        [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "IVR on leg {Leg} stopped after {Steps} steps")]
        public static partial void TooManySteps(ILogger logger, string leg, int steps);
    }
}
