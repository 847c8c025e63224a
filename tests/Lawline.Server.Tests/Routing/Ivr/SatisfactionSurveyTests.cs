using Lawline.Server.Routing.Ivr;
using static Lawline.Server.Routing.Ivr.DefaultIvrFlows.Prompts;

namespace Lawline.Server.Tests.Routing.Ivr;

public sealed class SatisfactionSurveyTests
{
    private static async Task<(SurveyResult Result, ScriptedCaller Caller)> RunAsync(params CallerAction[] answers)
    {
        using var kit = await IvrTestKit.CreateAsync();
        var caller = new ScriptedCaller().When(Survey, answers);
        var result = await kit.Survey.RunAsync(caller, caller.Leg, IvrTestKit.PlatformCode, CancellationToken.None);
        return (result, caller);
    }

    [Theory]
    [InlineData("1", SurveyRating.Satisfied)]
    [InlineData("2", SurveyRating.BasicallySatisfied)]
    [InlineData("3", SurveyRating.Dissatisfied)]
    public async Task Keys_1_2_3_are_the_three_ratings_and_the_caller_is_thanked(string key, SurveyRating rating)
    {
        var (result, caller) = await RunAsync(new CallerAction.PressAfter(key));

        Assert.Equal(rating, result.Rating);
        Assert.Equal(key, result.Digits);
        Assert.Equal(IvrTestKit.MondayMorning, result.At);
        Assert.Equal([Survey, SurveyThanks], caller.PromptsPlayed);
    }

    [Fact]
    public async Task A_key_during_the_question_counts()
    {
        var (result, caller) = await RunAsync(new CallerAction.PressDuring("3"));

        Assert.Equal(SurveyRating.Dissatisfied, result.Rating);
        Assert.True(caller.Played[0].Barged);
    }

    [Fact]
    public async Task A_wrong_key_repeats_the_question_once_and_the_second_answer_counts()
    {
        var (result, caller) = await RunAsync(new CallerAction.PressAfter("8"), new CallerAction.PressAfter("2"));

        Assert.Equal(SurveyRating.BasicallySatisfied, result.Rating);
        Assert.Equal("82", result.Digits);
        Assert.Equal([Survey, InvalidInput, Survey, SurveyThanks], caller.PromptsPlayed);
    }

    [Fact]
    public async Task Two_wrong_keys_are_no_rating()
    {
        var (result, caller) = await RunAsync(new CallerAction.PressAfter("8"), new CallerAction.PressAfter("9"), new CallerAction.PressAfter("1"));

        Assert.Equal(SurveyRating.None, result.Rating);
        Assert.Equal("89", result.Digits);
        Assert.Equal(2, caller.PromptsPlayed.Count(p => p == Survey));
    }

    [Fact]
    public async Task No_key_is_no_rating_without_repeating()
    {
        var (result, caller) = await RunAsync();

        Assert.Equal(SurveyRating.None, result.Rating);
        Assert.Equal(string.Empty, result.Digits);
        Assert.Equal([Survey], caller.PromptsPlayed);
    }

    [Fact]
    public async Task A_caller_who_hangs_up_gives_no_rating()
    {
        var (result, _) = await RunAsync(new CallerAction.HangUp());

        Assert.Equal(SurveyRating.None, result.Rating);
    }
}
