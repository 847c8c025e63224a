using Lawline.Server.Components.Shared;
using Lawline.Server.Resources;
using Lawline.Server.Routing;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Tests.Satisfaction;

/// <summary>How the 回访 detail names outcomes and call results, and explains the service's refusals, in Chinese and English.</summary>
public sealed class CallbackFollowUpUiTextTests
{
    private static readonly IStringLocalizer<UiText> Text = new StringLocalizer<UiText>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    [Fact]
    public void Outcomes_and_call_results_have_Chinese_and_English_names()
    {
        using (new UiCulture("zh-CN"))
        {
            Assert.Equal(["已解释说明", "已重新解答", "已登记投诉", "无法联系"], Enum.GetValues<CallbackOutcome>().Select(o => Text.Enum(o)));
            Assert.Equal(["已接通", "无人接听", "占线", "呼叫失败", "督导话机未接听，未拨出"], Enum.GetValues<CallbackAttemptResult>().Select(r => Text.Enum(r)));
        }

        using (new UiCulture("en"))
        {
            Assert.Equal(["Explained", "Answered again", "Complaint registered", "Unreachable"], Enum.GetValues<CallbackOutcome>().Select(o => Text.Enum(o)));
            Assert.All(Enum.GetValues<CallbackAttemptResult>(), r => Assert.DoesNotContain("CallbackAttemptResult", Text.Enum(r)));
        }
    }

    [Fact]
    public void Refusals_are_explained_in_Chinese()
    {
        using var _ = new UiCulture("zh-CN");
        Assert.Equal("需要 3 次未接通的回拨才能判定无法联系；目前为 1 次。",
            ServerMessages.Translate("Unreachable needs 3 failed call attempts; this callback has 1.", Text));
        Assert.Equal("请填写重新打开回访的原因。", ServerMessages.Translate(CallbackService.ReopenReasonRequired, Text));
        Assert.Equal("您的话机（8123）未在线，请先注册话机再回拨。", ServerMessages.Translate("Your phone (8123) is not online: register it, then call back.", Text));
        Assert.Equal("判定无法联系前的拨打次数为 1 至 10 次。", ServerMessages.Translate("The attempts before \"unreachable\" are 1 to 10.", Text));
    }
}
