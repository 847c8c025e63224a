using Lawline.Server.Callers;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.WorkOrders;

namespace Lawline.Server.Tests;

public static class WorkOrderTestData
{
    /// <summary>Default-taxonomy codes used by the tests: 追索劳动报酬纠纷 and 离婚纠纷.</summary>
    public const string WageArrears = "MS.06.17.186.05";
    public const string Divorce = "MS.02.02.014";

    public static CreateWorkOrderRequest Consultation(int platformId, string categoryCode, string? phone = null,
        WorkOrderOutcome? completeWith = null, WorkOrderType type = WorkOrderType.Consultation, WorkOrderUrgency urgency = WorkOrderUrgency.Normal)
        => new(platformId, type, WorkOrderChannel.Phone, urgency, phone ?? Unique.Mobile(), "王先生", CallerType.MigrantWorker,
            categoryCode, "老板拖欠了我三个月工资，怎么办？", completeWith is null ? null : "可向劳动人事争议仲裁委员会申请仲裁。",
            "《劳动合同法》第三十条", null, null, ["欠薪"], completeWith);
}
