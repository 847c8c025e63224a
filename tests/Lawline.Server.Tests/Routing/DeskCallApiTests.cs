using System.Net;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.WorkOrders;
using Lawline.Server.WorkOrders;
using static Lawline.Server.Tests.Routing.RoutingTestData;

namespace Lawline.Server.Tests.Routing;

/// <summary>The call behind the desktop's notice (<c>/api/calls/{id}</c>) and the work order bound to it.</summary>
public sealed class DeskCallApiTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    [Theory, DatabaseData]
    public async Task A_work_order_bound_to_a_rated_call_takes_the_rating_and_only_its_own_platform_may_bind(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (_, district, otherDistrict) = await admin.CreateCityWithDistrictsAsync();
        var mobile = Unique.Mobile();
        var call = await factory.SeedCallbackAsync(new CallbackSeed(district.Id, CallbackKind.LowRating, "+86" + mobile) { Rating = CallRating.BasicallySatisfied });
        using var lawyer = await factory.CreateUserAndSignInAsync(admin, district.Id, LawlineRoles.Agent);
        using var inspector = await factory.CreateUserAndSignInAsync(admin, district.Id, LawlineRoles.QaInspector);
        using var stranger = await factory.CreateUserAndSignInAsync(admin, otherDistrict.Id, LawlineRoles.Agent);

        // The lawyer sees the number in full (and that read is audited); a QA inspector sees it masked; another platform nothing.
        var seen = await lawyer.GetOkAsync<DeskCallDto>($"/api/calls/{call.CallRecordId}");
        Assert.Equal((mobile, false, CallRating.BasicallySatisfied), (seen.CallerNumber, seen.NumberMasked, seen.Rating));
        var masked = await inspector.GetOkAsync<DeskCallDto>($"/api/calls/{call.CallRecordId}");
        Assert.True(masked.NumberMasked);
        Assert.DoesNotContain(mobile, masked.CallerNumber);
        await ApiClient.ExpectStatusAsync(await stranger.GetAsync($"/api/calls/{call.CallRecordId}"), HttpStatusCode.NotFound);
        var audit = await admin.GetOkAsync<AuditPage>($"/api/audit?entityType=CallRecord&entityId={call.CallRecordId}");
        Assert.Contains(audit.Items, e => e.Action == AuditAction.ReadPersonalData);

        // Bound: the order carries the rating given in the survey.
        var order = await lawyer.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(district.Id, WorkOrderTestData.Divorce, phone: mobile));
        await ApiClient.ExpectStatusAsync(await lawyer.PutAsync($"/api/calls/{call.CallRecordId}/work-order", new LinkWorkOrderRequest(order.Id)), HttpStatusCode.NoContent);
        Assert.Equal(order.Id, (await lawyer.GetOkAsync<DeskCallDto>($"/api/calls/{call.CallRecordId}")).WorkOrderId);
        var rated = await factory.WithDatabaseAsync(db => Task.FromResult(db.WorkOrders.Single(w => w.Id == order.Id)));
        Assert.Equal(CallRating.BasicallySatisfied, rated.Rating);

        // A work order of another platform is refused with a field error, and the call stays bound as it was.
        var foreign = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(otherDistrict.Id, WorkOrderTestData.Divorce));
        var refused = await admin.PutAsync($"/api/calls/{call.CallRecordId}/work-order", new LinkWorkOrderRequest(foreign.Id));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("workOrderId", await refused.Content.ReadAsStringAsync());
        Assert.Equal(order.Id, (await lawyer.GetOkAsync<DeskCallDto>($"/api/calls/{call.CallRecordId}")).WorkOrderId);
    }
}
