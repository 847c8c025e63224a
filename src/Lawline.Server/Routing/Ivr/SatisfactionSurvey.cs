using Lawline.Sip.Calls;

namespace Lawline.Server.Routing.Ivr;

/// <summary>满意 / 基本满意 / 不满意, or None when the caller gave no rating.</summary>
public enum SurveyRating
{
    None = 0,
    Satisfied = 1,
    BasicallySatisfied = 2,
    Dissatisfied = 3,
}

/// <summary>The caller's rating, every key pressed in the survey, and when it ended.</summary>
public sealed record SurveyResult(SurveyRating Rating, string Digits, DateTimeOffset At);

/// <summary>
/// The post-call survey (满意度评价) the caller hears after the agent hangs up: "满意请按1，基本满意请按2，
/// 不满意请按3". A wrong key repeats the question once; silence, a second wrong key or a hang-up is no rating.
/// </summary>
public sealed class SatisfactionSurvey(PromptLibrary prompts, TimeProvider clock)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(8);

    public async Task<SurveyResult> RunAsync(ICallControl calls, CallLegId leg, string platformCode, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var pressed = string.Empty;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (attempt > 0)
            {
                await PlayAsync(calls, leg, platformCode, DefaultIvrFlows.Prompts.InvalidInput, bargeIn: false, cancellationToken);
            }
            await PlayAsync(calls, leg, platformCode, DefaultIvrFlows.Prompts.Survey, bargeIn: true, cancellationToken);
            DigitResult result;
            try
            {
                result = calls.GetLeg(leg) is null
                    ? new DigitResult(string.Empty, DigitCollectionOutcome.HungUp)
                    : await calls.CollectDigitsAsync(leg, new CollectDigitsOptions
                    {
                        MaxDigits = 1,
                        FirstDigitTimeout = timeout ?? DefaultTimeout,
                        IncludeBufferedDigits = true,
                    }, cancellationToken);
            }
            catch (InvalidOperationException) when (calls.GetLeg(leg) is null)
            {
                result = new DigitResult(string.Empty, DigitCollectionOutcome.HungUp);
            }
            pressed += result.Digits;
            if (result.Outcome is DigitCollectionOutcome.HungUp or DigitCollectionOutcome.Timeout || result.Digits.Length == 0)
            {
                break;
            }
            var rating = result.Digits[0] switch
            {
                '1' => SurveyRating.Satisfied,
                '2' => SurveyRating.BasicallySatisfied,
                '3' => SurveyRating.Dissatisfied,
                _ => SurveyRating.None,
            };
            if (rating != SurveyRating.None)
            {
                await PlayAsync(calls, leg, platformCode, DefaultIvrFlows.Prompts.SurveyThanks, bargeIn: false, cancellationToken);
                return new SurveyResult(rating, pressed, clock.GetUtcNow());
            }
        }
        return new SurveyResult(SurveyRating.None, pressed, clock.GetUtcNow());
    }

    private async Task PlayAsync(ICallControl calls, CallLegId leg, string platformCode, string prompt, bool bargeIn, CancellationToken cancellationToken)
    {
        if (calls.GetLeg(leg) is null || prompts.Resolve(platformCode, prompt) is not { } file)
        {
            return;
        }
        try
        {
            await calls.PlayFileAsync(leg, file, loop: false, stopOnDigit: bargeIn, cancellationToken);
        }
        catch (InvalidOperationException) when (calls.GetLeg(leg) is null)
        {
        }
    }
}
