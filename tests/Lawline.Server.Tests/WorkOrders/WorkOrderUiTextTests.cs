using Lawline.Server.Callers;
using Lawline.Server.Components.Shared;
using Lawline.Server.Resources;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.WorkOrders;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Tests.WorkOrders;

/// <summary>
/// The pages name the work-order enums from UiText (Chinese and English); the Excel export names them from
/// WorkOrderLabels. The two must say the same in Chinese, and every value needs an English name too.
/// </summary>
public sealed class WorkOrderUiTextTests
{
    private static readonly IStringLocalizer<UiText> Text = new StringLocalizer<UiText>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    [Fact]
    public void The_pages_and_the_export_use_the_same_Chinese_names()
    {
        using var _ = new UiCulture("zh-CN");
        Assert.All(Enum.GetValues<WorkOrderType>(), v => Assert.Equal(WorkOrderLabels.Type(v), Text.Enum(v)));
        Assert.All(Enum.GetValues<WorkOrderChannel>(), v => Assert.Equal(WorkOrderLabels.Channel(v), Text.Enum(v)));
        Assert.All(Enum.GetValues<WorkOrderUrgency>(), v => Assert.Equal(WorkOrderLabels.Urgency(v), Text.Enum(v)));
        Assert.All(Enum.GetValues<WorkOrderStatus>(), v => Assert.Equal(WorkOrderLabels.Status(v), Text.Enum(v)));
        Assert.All(Enum.GetValues<WorkOrderOutcome>(), v => Assert.Equal(WorkOrderLabels.Outcome(v), Text.Enum(v)));
    }

    [Fact]
    public void Every_value_has_an_English_name()
    {
        using var _ = new UiCulture("en");
        AssertEnglish<WorkOrderType>();
        AssertEnglish<WorkOrderChannel>();
        AssertEnglish<WorkOrderUrgency>();
        AssertEnglish<WorkOrderStatus>();
        AssertEnglish<WorkOrderOutcome>();
        AssertEnglish<WorkOrderAction>();
        AssertEnglish<WorkOrderEventKind>();
        AssertEnglish<ReferralAgency>();
        AssertEnglish<CallerType>();
        Assert.Equal("Handed over", Text.Enum(WorkOrderStatus.HandedOver));
    }

    [Fact]
    public void A_refused_step_and_a_stale_version_are_explained_in_Chinese()
    {
        using var _ = new UiCulture("zh-CN");
        Assert.Equal("工单 WH-20240615-00042 当前状态为“已办结”，不能转交办。",
            ServerMessages.Translate("Cannot hand over: work order WH-20240615-00042 is Completed.", Text));
        Assert.StartsWith("工单 WH-20240615-00042 已被他人修改（当前版本 3，您读取的是版本 2）",
            ServerMessages.Translate("Work order WH-20240615-00042 was changed by someone else (version 3, yours 2). Reload it; your changes were not saved.", Text));
        Assert.Equal("类别“离婚纠纷”已停用，请改用 MS.02.02.099。",
            ServerMessages.Translate("Category '离婚纠纷' is retired; use MS.02.02.099.", Text));
    }

    private static void AssertEnglish<T>() where T : struct, Enum
        => Assert.All(Enum.GetValues<T>(), v =>
        {
            var name = Text[$"{typeof(T).Name}.{v}"];
            Assert.False(name.ResourceNotFound, $"{typeof(T).Name}.{v} has no text");
            Assert.DoesNotMatch("[\u4e00-\u9fff]", name.Value);
        });
}
