using System.Text.RegularExpressions;
using Lawline.Server.Analytics.Reports;
using Lawline.Server.Resources;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Tests.Analytics;

/// <summary>The reports page has every text, and every report kind a name, in Chinese and in English.</summary>
public sealed partial class ReportUiTextTests
{
    private static readonly IStringLocalizer<UiText> Text = new StringLocalizer<UiText>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public void Every_text_of_the_reports_page_exists(string culture)
    {
        var page = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Lawline.Server", "Analytics", "Pages", "Reports.razor"));
        var keys = Key().Matches(page).Select(m => m.Groups[1].Value).Append("Nav.Reports")
            .Concat(Enum.GetValues<ReportKind>().Select(k => $"Reports.Kind.{k}")).Distinct().ToList();
        Assert.True(keys.Count > 15);
        using var _ = new UiCulture(culture);
        Assert.All(keys, key => Assert.False(Text[key].ResourceNotFound, key));
    }

    [GeneratedRegex("""L\["([A-Za-z.]+)"\]""")]
    private static partial Regex Key();
}
