using Lawline.Server.Callers;
using Lawline.Server.Common;
using Lawline.Server.Platforms;

namespace Lawline.Server.WorkOrders;

public sealed partial class WorkOrderService
{
    /// <summary>
    /// A citizen's request for a lawyer's callback from the self-service page: a message (留言) on the self-service
    /// channel with their question and number, registered for them. Nobody is signed in, so first responsibility goes
    /// to <paramref name="ownerUserId"/>, whom the self-service desk chose for the platform.
    /// </summary>
    public async Task<WorkOrder> RegisterCallbackRequestAsync(Platform platform, NormalizedPhoneNumber phone, string? callerName, string question,
        int ownerUserId, string ownerName, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var zone = WorkingCalendar.Zone(platform.TimeZone);
        var due = WorkingCalendar.Deadline(platform.OfficeHours, zone, now,
            await WorkingDaysAsync(platform.Id, WorkOrderType.Message, WorkOrderUrgency.Normal, cancellationToken));

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var number = await NextNumberAsync(platform, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime), cancellationToken);
        var order = WorkOrder.Register(platform.Id, number, ownerUserId, ownerName, now, due);
        order.Type = WorkOrderType.Message;
        order.Channel = WorkOrderChannel.SelfService;
        order.Question = question.Trim();
        order.Tags = ["请求回电"];
        var caller = await TrackCallerAsync(platform.Id, phone, callerName, CallerType.Unspecified, now, cancellationToken);
        order.LinkCaller(caller, phone.E164, phone.Province, phone.City, Clean(callerName) ?? caller.Name);
        db.WorkOrders.Add(order);
        AddEvent(order, WorkOrderEventKind.Created, null, WorkOrderStatus.Registered, null, "self-service callback request");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return order;
    }
}
