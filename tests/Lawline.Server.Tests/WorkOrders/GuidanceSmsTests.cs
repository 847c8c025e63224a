using Lawline.Server.Data;
using Lawline.Server.Sms;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.WorkOrders;

namespace Lawline.Server.Tests.WorkOrders;

public sealed class GuidanceSmsTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    [Fact]
    public async Task A_referral_registered_in_one_step_queues_the_guidance_SMS_and_an_opted_out_number_gets_none()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();

        // No notary office in the directory: the message names the kind of office and points to the hotline.
        var phone = Unique.Mobile();
        var referred = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce, phone, WorkOrderOutcome.Referred) with { ReferralAgency = ReferralAgency.Notary });
        Assert.True(referred.GuidanceSmsSent);
        var message = Assert.Single(await admin.GetOkAsync<List<SmsMessageDto>>($"/api/sms?workOrderId={referred.Id}"));
        Assert.Equal((SmsPurpose.Guidance, "referral-guidance"), (message.Purpose, message.TemplateCode));
        Assert.Equal($"【{platform.Name}】您好！您咨询的事项可前往当地公证机构办理，地址：请拨打本热线查询，电话：12348。", message.Text);

        var optedOut = Unique.Mobile();
        await admin.PostOkAsync<SmsOptOutDto>("/api/sms/opt-outs", new SmsOptOutRequest(optedOut, "退订"));
        var quiet = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce, optedOut, WorkOrderOutcome.Referred) with { ReferralAgency = ReferralAgency.LegalAid });
        Assert.False(quiet.GuidanceSmsSent);
        Assert.Empty(await admin.GetOkAsync<List<SmsMessageDto>>($"/api/sms?workOrderId={quiet.Id}"));
    }
}
