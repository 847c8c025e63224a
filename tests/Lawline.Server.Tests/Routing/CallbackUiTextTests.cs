using Lawline.Server.Components.Shared;
using Lawline.Server.Resources;
using Lawline.Server.Routing;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Tests.Routing;

/// <summary>How the callbacks page names kinds and statuses, and explains the service's refusals, in Chinese and English.</summary>
public sealed class CallbackUiTextTests
{
    private static readonly IStringLocalizer<UiText> Text = new StringLocalizer<UiText>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    [Fact]
    public void Kinds_and_statuses_have_the_hotline_s_Chinese_names()
    {
        using var _ = new UiCulture("zh-CN");
        Assert.Equal(["排队回拨", "电话留言", "非工作时间回拨请求", "满意度回访", "未接来电"], Enum.GetValues<CallbackKind>().Select(k => Text.Enum(k)));
        Assert.Equal(["待回拨", "回拨中", "已完成", "已过期", "已取消"], Enum.GetValues<CallbackStatus>().Select(s => Text.Enum(s)));
        Assert.Equal(["满意", "基本满意", "不满意"], Enum.GetValues<CallRating>().Select(r => Text.Enum(r)));
    }

    [Fact]
    public void Every_value_has_an_English_name()
    {
        using var _ = new UiCulture("en");
        Assert.Equal(["Queue callback", "Voicemail", "Out-of-hours callback request", "Satisfaction follow-up", "Abandoned call"],
            Enum.GetValues<CallbackKind>().Select(k => Text.Enum(k)));
        Assert.All(Enum.GetValues<CallbackStatus>(), s => Assert.Equal(s.ToString(), Text.Enum(s)));
    }

    [Fact]
    public void A_refused_close_is_explained_in_Chinese()
    {
        using var _ = new UiCulture("zh-CN");
        Assert.Equal("回拨任务 42 已是“已完成”状态，不能再处理。", ServerMessages.Translate("Callback 42 is already Done.", Text));
        Assert.Equal("请填写取消回拨的原因。", ServerMessages.Translate(CallbackService.CancelReasonRequired, Text));
    }
}
