using Lawline.Server.Routing.Ivr;

namespace Lawline.Server.Tests.Routing.Ivr;

/// <summary>What a waiting caller is told: their place and the expected wait, each an existing default prompt.</summary>
public sealed class QueuePromptTests
{
    private static readonly HashSet<string> Defaults = [.. DefaultIvrFlows.AllPrompts.Select(p => p.Name)];

    [Theory]
    [InlineData(1, "queue-next")]
    [InlineData(2, "queue-ahead-1")]
    [InlineData(10, "queue-ahead-9")]
    [InlineData(11, "queue-ahead-many")]
    [InlineData(250, "queue-ahead-many")]
    public void The_position_prompt_says_how_many_callers_are_ahead(int position, string prompt)
    {
        Assert.Equal(prompt, DefaultIvrFlows.PositionPrompt(position));
        Assert.Contains(prompt, Defaults);
    }

    [Theory]
    [InlineData(null, "queue-wait-unknown")]
    [InlineData(20, "queue-wait-1")]
    [InlineData(61, "queue-wait-2")]
    [InlineData(240, "queue-wait-5")]
    [InlineData(601, "queue-wait-15")]
    [InlineData(7200, "queue-wait-30")]
    public void The_expected_wait_is_rounded_up_to_an_announced_number_of_minutes(int? seconds, string prompt)
    {
        Assert.Equal(prompt, DefaultIvrFlows.WaitPrompt(seconds is { } s ? TimeSpan.FromSeconds(s) : null));
        Assert.Contains(prompt, Defaults);
    }

    [Fact]
    public void The_spoken_texts_use_Chinese_numbers()
    {
        var texts = DefaultIvrFlows.AllPrompts.ToDictionary(p => p.Name, p => p.Text);
        Assert.Equal("坐席正忙，您前面还有两位来电者在等待。", texts["queue-ahead-2"]);
        Assert.Equal("预计等待约十五分钟。", texts["queue-wait-15"]);
        Assert.Contains("按1键", texts[DefaultIvrFlows.Prompts.CallbackOffer]);
    }
}
