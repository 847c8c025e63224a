using Lawline.Server.Analytics;
using Lawline.Server.Components.Shared;
using Lawline.Server.Resources;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Tests.Analytics;

/// <summary>The statistics page names its periods, KPI cards, weekdays and trend grains in Chinese and in English.</summary>
public sealed class AnalyticsUiTextTests
{
    private static readonly IStringLocalizer<UiText> Text = new StringLocalizer<UiText>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    private static readonly string[] DynamicKeys =
    [
        .. new[] { "Today", "ThisWeek", "ThisMonth", "ThisQuarter", "HalfYear", "ThisYear", "Custom" }.Select(p => $"Analytics.Period.{p}"),
        .. Enumerable.Range(0, 7).Select(d => $"Analytics.Weekday.{d}"),
        .. new[]
        {
            nameof(KpiSet.InboundCalls), nameof(KpiSet.Answered), nameof(KpiSet.ConnectionRate), nameof(KpiSet.ServiceLevel), nameof(KpiSet.SatisfactionRate),
            nameof(KpiSet.RatingRate), nameof(KpiSet.WorkOrdersCreated), nameof(KpiSet.CompletionRate), nameof(KpiSet.FirstContactResolutionRate),
            nameof(KpiSet.AverageHandleTimeSeconds), nameof(KpiSet.RepeatCallRate), nameof(KpiSet.OutOfRegionShare),
        }.Select(k => $"Analytics.Kpi.{k}"),
    ];

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public void Every_period_card_weekday_and_grain_has_a_text(string culture)
    {
        using var _ = new UiCulture(culture);
        Assert.All(DynamicKeys, key => Assert.False(Text[key].ResourceNotFound, key));
        Assert.All(Enum.GetValues<TrendGrain>(), g => Assert.NotEqual($"TrendGrain.{g}", Text.Enum(g)));
    }

    [Fact]
    public void The_cards_use_the_hotline_s_Chinese_names()
    {
        using var _ = new UiCulture("zh-CN");
        Assert.Equal(["呼入总量", "接通率", "满意率", "办结率"],
            new[] { "InboundCalls", "ConnectionRate", "SatisfactionRate", "CompletionRate" }.Select(k => Text[$"Analytics.Kpi.{k}"].Value));
        Assert.Equal(["按日", "按周", "按月"], Enum.GetValues<TrendGrain>().Select(g => Text.Enum(g)));
    }
}
