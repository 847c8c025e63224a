using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.Sms;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.WorkOrders;

namespace Lawline.Server.Tests.WorkOrders;

public sealed class CallerSmsHistoryTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    [Fact]
    public async Task The_callers_history_lists_the_SMS_sent_to_the_number_with_purpose_status_and_text_and_masks_the_number_for_inspectors()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var phone = Unique.Mobile();
        await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.WageArrears, phone));
        var sms = await admin.PostOkAsync<SmsMessageDto>("/api/sms", new SendSmsRequest(phone, "callback-notice",
            new() { ["热线名称"] = "12348", ["时间"] = "今天下午5点" }, null, null, platform.Id, null, null));
        var otherNumber = Unique.Mobile();
        await admin.PostOkAsync<SmsMessageDto>("/api/sms", new SendSmsRequest(otherNumber, "callback-notice",
            new() { ["热线名称"] = "12348", ["时间"] = "明天上午" }, null, null, platform.Id, null, null));

        using var lawyer = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Agent);
        var history = await lawyer.GetOkAsync<CallerHistory>($"/api/work-orders/caller-history?phone={phone}");
        var listed = Assert.Single(history.Sms!);
        Assert.Equal((sms.Id, SmsPurpose.CallbackNotice), (listed.Id, listed.Purpose));
        Assert.Contains("今天下午5点", listed.Text);

        using var inspector = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.QaInspector);
        var masked = await inspector.GetOkAsync<CallerHistory>($"/api/work-orders/caller-history?phone={phone}");
        Assert.True(masked.PhoneMasked);
        Assert.DoesNotContain(phone, masked.Phone);
        Assert.Single(masked.Sms!);
    }
}
