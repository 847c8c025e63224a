using System.Net;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.WorkOrders;

namespace Lawline.Server.Tests.WorkOrders;

public sealed class TimeLimitTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    [Fact]
    public async Task A_platform_manager_sets_the_platforms_own_limit_and_new_orders_follow_it()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        using var manager = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.PlatformManager);

        var limits = await manager.GetOkAsync<List<TimeLimitDto>>($"/api/work-orders/time-limits?platformId={platform.Id}");
        var consultation = Assert.Single(limits, l => l.Type == WorkOrderType.Consultation && l.Urgency == WorkOrderUrgency.Normal);
        Assert.Equal(3, consultation.WorkingDays);
        Assert.False(consultation.IsPlatformOverride);
        var before = await manager.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce));

        var saved = await manager.PutAsync("/api/work-orders/time-limits",
            new SaveTimeLimitRequest(platform.Id, WorkOrderType.Consultation, WorkOrderUrgency.Normal, 10));
        await ApiClient.ExpectStatusAsync(saved, HttpStatusCode.NoContent);
        var after = await manager.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce));
        Assert.True(after.DueAt >= before.DueAt.AddDays(7), $"{after.DueAt} should be 7 working days after {before.DueAt}");
        Assert.Contains(await manager.GetOkAsync<List<TimeLimitDto>>($"/api/work-orders/time-limits?platformId={platform.Id}"),
            l => l.Type == WorkOrderType.Consultation && l.Urgency == WorkOrderUrgency.Normal && l.WorkingDays == 10 && l.IsPlatformOverride);

        // Only a system administrator changes the installation default; silly values are refused.
        var refused = await manager.PutAsync("/api/work-orders/time-limits", new SaveTimeLimitRequest(null, WorkOrderType.Complaint, WorkOrderUrgency.Normal, 5));
        await ApiClient.ReadFieldErrorAsync(refused, "platformId");
        var tooLong = await manager.PutAsync("/api/work-orders/time-limits", new SaveTimeLimitRequest(platform.Id, WorkOrderType.Complaint, WorkOrderUrgency.Normal, 400));
        await ApiClient.ReadFieldErrorAsync(tooLong, "workingDays");
        using var lawyer = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Agent);
        var forbidden = await lawyer.PutAsync("/api/work-orders/time-limits", new SaveTimeLimitRequest(platform.Id, WorkOrderType.Complaint, WorkOrderUrgency.Normal, 5));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }
}
