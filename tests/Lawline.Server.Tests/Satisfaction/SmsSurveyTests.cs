using System.Net;
using System.Text.RegularExpressions;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Satisfaction;
using Lawline.Server.Sms;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Satisfaction;

/// <summary>
/// 短信评价: a caller who hung up first gets one survey link by SMS; a work order's caller can be sent one; the link
/// rates the service once (call, work order, 回访 for a low rating) and then never again, and not after it expired.
/// </summary>
public sealed partial class SmsSurveyTests
{
    [Theory]
    [DatabaseData]
    public async Task A_caller_who_hung_up_first_gets_one_link_that_rates_the_call_and_its_work_order_once(DatabaseProvider provider)
    {
        await using var factory = await LawlineFactory.StartAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var phone = Unique.Mobile();
        var order = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.WageArrears, phone));
        var callId = await SeedAnsweredCallAsync(factory, platform.Id, "+86" + phone, order.Id);
        var links = factory.Services.GetRequiredService<SurveyLinks>();

        // As the call flow does when the caller hangs up first; a second time (a retry) sends nothing more.
        Assert.True(await links.InviteAfterCallAsync(callId, CancellationToken.None));
        Assert.False(await links.InviteAfterCallAsync(callId, CancellationToken.None));

        var sms = Assert.Single(await admin.GetOkAsync<List<SmsMessageDto>>($"/api/sms?callRecordId={callId}"));
        Assert.Equal(SmsStatus.Queued, sms.Status);
        Assert.Equal(SmsPurpose.SurveyLink, sms.Purpose);
        Assert.Equal("survey-link", sms.TemplateCode);
        Assert.StartsWith($"【{platform.Name}】", sms.Text);
        var token = TokenIn(sms.Text);
        Assert.Contains("http://localhost:5000/survey/" + token, sms.Text);
        var invitation = Assert.Single(await factory.WithDatabaseAsync(db => db.SurveyInvitations.Where(i => i.CallRecordId == callId).ToListAsync()));
        Assert.Equal(SurveyInvitation.HashOf(token), invitation.TokenHash);
        Assert.Equal(factory.Clock.GetUtcNow().AddHours(72), invitation.ExpiresAt, TimeSpan.FromMilliseconds(1));

        using var citizen = factory.Anonymous();
        var view = await citizen.GetOkAsync<SurveyLinkView>($"/api/survey/{token}");
        Assert.Equal(SurveyLinkState.Open, view.State);
        Assert.Equal(platform.Name, view.HotlineName);

        // Bad input is refused before the link is touched.
        await ApiClient.ExpectStatusAsync(await citizen.PostAsync($"/api/survey/{token}", new SurveyAnswer(null, null, null)), HttpStatusCode.BadRequest);
        await ApiClient.ExpectStatusAsync(await citizen.PostAsync($"/api/survey/{token}", new SurveyAnswer(CallRating.Dissatisfied, ["好"], null)), HttpStatusCode.BadRequest);

        await ApiClient.ExpectStatusAsync(await citizen.PostAsync($"/api/survey/{token}",
            new SurveyAnswer(CallRating.Dissatisfied, ["等待太久", "没解决问题"], "排队太久了")), HttpStatusCode.OK);

        var (call, workOrder, callbacks, stored) = await ReadAsync(factory, callId, order.Id);
        Assert.Equal(CallRating.Dissatisfied, call.Rating);
        Assert.Equal(CallRating.Dissatisfied, workOrder.Rating);
        var callback = Assert.Single(callbacks);
        Assert.Equal(CallbackKind.LowRating, callback.Kind);
        Assert.Equal(CallbackStatus.Pending, callback.Status);
        Assert.Equal("+86" + phone, callback.CallerNumber);
        // The platform's default 回访 rule: due at the close of the next working day (Beijing time).
        Assert.Equal(WorkingCalendar.Deadline(Lawline.Server.Platforms.OfficeHours.Default, WorkingCalendar.Zone("Asia/Shanghai"), factory.Clock.GetUtcNow(), 1),
            callback.DueAt!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Equal("等待太久,没解决问题", stored.ReasonTags);
        Assert.Equal("排队太久了", stored.Comment);
        Assert.NotNull(stored.UsedAt);

        // Valid once: the second answer is refused and changes nothing.
        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await citizen.PostAsync($"/api/survey/{token}", new SurveyAnswer(CallRating.Satisfied, null, "再试一次"));
        await ApiClient.ExpectStatusAsync(second, HttpStatusCode.Conflict);
        var (callAfter, orderAfter, callbacksAfter, storedAfter) = await ReadAsync(factory, callId, order.Id);
        Assert.Equal(CallRating.Dissatisfied, callAfter.Rating);
        Assert.Equal(call.RatedAt, callAfter.RatedAt);
        Assert.Equal(CallRating.Dissatisfied, orderAfter.Rating);
        Assert.Single(callbacksAfter);
        Assert.Equal("排队太久了", storedAfter.Comment);
        Assert.Equal(SurveyLinkState.Used, (await citizen.GetOkAsync<SurveyLinkView>($"/api/survey/{token}")).State);

        // The rated work order gets no second link.
        var again = await admin.PostAsync($"/api/work-orders/{order.Id}/survey-invitation", null);
        await ApiClient.ExpectStatusAsync(again, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Landlines_rated_calls_and_a_disabled_option_send_no_link()
    {
        await using var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var links = factory.Services.GetRequiredService<SurveyLinks>();

        var landline = await SeedAnsweredCallAsync(factory, platform.Id, "+862782712348", null);
        Assert.False(await links.InviteAfterCallAsync(landline, CancellationToken.None));
        var ratedByIvr = await SeedAnsweredCallAsync(factory, platform.Id, "+86" + Unique.Mobile(), null, CallRating.Satisfied);
        Assert.False(await links.InviteAfterCallAsync(ratedByIvr, CancellationToken.None));
        Assert.Equal(0, await factory.WithDatabaseAsync(db => db.SurveyInvitations.CountAsync(i => i.PlatformId == platform.Id)));

        await using var off = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Satisfaction:SmsSurvey"] = "false" });
        using var offAdmin = await off.AdminAsync();
        var offPlatform = await offAdmin.CreatePlatformAsync();
        var mobile = await SeedAnsweredCallAsync(off, offPlatform.Id, "+86" + Unique.Mobile(), null);
        Assert.False(await off.Services.GetRequiredService<SurveyLinks>().InviteAfterCallAsync(mobile, CancellationToken.None));
        Assert.Empty(await offAdmin.GetOkAsync<List<SmsMessageDto>>($"/api/sms?callRecordId={mobile}"));
    }

    [Fact]
    public async Task A_work_order_s_link_is_refused_while_one_is_open_expires_and_unknown_links_are_404s()
    {
        await using var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Satisfaction:PublicBaseUrl"] = "https://12348.example.cn",
        });
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var order = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce));

        var invitation = await admin.PostOkAsync<SurveyInvitationDto>($"/api/work-orders/{order.Id}/survey-invitation", null);
        Assert.Equal(SmsStatus.Queued, invitation.SmsStatus);
        Assert.Equal(order.Id, invitation.WorkOrderId);
        await ApiClient.ExpectStatusAsync(await admin.PostAsync($"/api/work-orders/{order.Id}/survey-invitation", null), HttpStatusCode.Conflict);
        var sms = Assert.Single(await admin.GetOkAsync<List<SmsMessageDto>>($"/api/sms?workOrderId={order.Id}"));
        Assert.Contains("https://12348.example.cn/survey/", sms.Text);
        var token = TokenIn(sms.Text);

        using var citizen = factory.Anonymous();
        factory.Clock.Advance(TimeSpan.FromHours(72));
        Assert.Equal(SurveyLinkState.Expired, (await citizen.GetOkAsync<SurveyLinkView>($"/api/survey/{token}")).State);
        await ApiClient.ExpectStatusAsync(await citizen.PostAsync($"/api/survey/{token}", new SurveyAnswer(CallRating.Satisfied, null, null)), HttpStatusCode.Gone);

        await ApiClient.ExpectStatusAsync(await citizen.GetAsync("/api/survey/no-such-token"), HttpStatusCode.NotFound);
        await ApiClient.ExpectStatusAsync(await citizen.PostAsync("/api/survey/no-such-token", new SurveyAnswer(CallRating.Satisfied, null, null)), HttpStatusCode.NotFound);

        // The expired link no longer blocks a new one; 满意 rates the order and opens no 回访.
        using var nextDay = await factory.AdminAsync(); // the first access token has expired too
        var renewed = await nextDay.PostOkAsync<SurveyInvitationDto>($"/api/work-orders/{order.Id}/survey-invitation", null);
        var newToken = TokenIn((await nextDay.GetOkAsync<List<SmsMessageDto>>($"/api/sms?workOrderId={order.Id}")).First(m => m.Id == renewed.SmsMessageId).Text);
        await ApiClient.ExpectStatusAsync(await citizen.PostAsync($"/api/survey/{newToken}", new SurveyAnswer(CallRating.Satisfied, null, null)), HttpStatusCode.OK);
        var rated = await factory.WithDatabaseAsync(db => db.WorkOrders.SingleAsync(w => w.Id == order.Id));
        Assert.Equal(CallRating.Satisfied, rated.Rating);
        Assert.Equal(0, await factory.WithDatabaseAsync(db => db.CallbackTasks.CountAsync(t => t.PlatformId == platform.Id)));
    }

    [Theory]
    [DatabaseData]
    public async Task Taps_racing_on_one_link_count_once(DatabaseProvider provider)
    {
        await using var factory = await LawlineFactory.StartAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var callId = await SeedAnsweredCallAsync(factory, platform.Id, "+86" + Unique.Mobile(), null);
        var links = factory.Services.GetRequiredService<SurveyLinks>();
        Assert.True(await links.InviteAfterCallAsync(callId, CancellationToken.None));
        var token = TokenIn(Assert.Single(await admin.GetOkAsync<List<SmsMessageDto>>($"/api/sms?callRecordId={callId}")).Text);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            links.AnswerAsync(token, new SurveyAnswer(i % 2 == 0 ? CallRating.Dissatisfied : CallRating.BasicallySatisfied, null, null), CancellationToken.None))));

        Assert.Equal(1, outcomes.Count(o => o == SurveyLinkState.Open));
        Assert.Equal(7, outcomes.Count(o => o == SurveyLinkState.Used));
        Assert.Equal(1, await factory.WithDatabaseAsync(db => db.CallbackTasks.CountAsync(t => t.CallRecordId == callId)));
    }

    internal static async Task<long> SeedAnsweredCallAsync(LawlineFactory factory, int platformId, string number, int? workOrderId, CallRating? rating = null)
        => await SeedAnsweredCallAsync(factory.Services, factory.Clock.GetUtcNow(), platformId, number, workOrderId, rating);

    internal static async Task<long> SeedAnsweredCallAsync(IServiceProvider services, DateTimeOffset now, int platformId, string number, int? workOrderId, CallRating? rating = null)
    {
        var record = new CallRecord
        {
            PlatformId = platformId,
            CallerLeg = "leg-" + Guid.NewGuid().ToString("N")[..12],
            SipCallId = Guid.NewGuid().ToString("N"),
            CallerNumber = number,
            DialedNumber = "12348",
            ArrivedAt = now.AddMinutes(-10),
            AnsweredAt = now.AddMinutes(-9),
            TalkEndedAt = now,
            CallerHungUpFirst = true,
            SkillCode = "LABOR",
            WorkOrderId = workOrderId,
            Rating = rating,
            RatedAt = rating is null ? null : now,
        };
        await RoutingTestData.WithDatabaseAsync(services, db =>
        {
            db.CallRecords.Add(record);
            return Task.FromResult(record);
        });
        return record.Id;
    }

    internal static string TokenIn(string text) => SurveyPath().Match(text) is { Success: true } match
        ? match.Groups[1].Value
        : throw new Xunit.Sdk.XunitException($"No survey link in: {text}");

    private static async Task<(CallRecord Call, WorkOrder Order, List<CallbackTask> Callbacks, SurveyInvitation Invitation)> ReadAsync(LawlineFactory factory, long callId, int orderId)
        => await factory.WithDatabaseAsync(async db => (
            await db.CallRecords.AsNoTracking().SingleAsync(r => r.Id == callId),
            await db.WorkOrders.AsNoTracking().SingleAsync(w => w.Id == orderId),
            await db.CallbackTasks.AsNoTracking().Where(t => t.CallRecordId == callId).ToListAsync(),
            await db.SurveyInvitations.AsNoTracking().SingleAsync(i => i.CallRecordId == callId)));

    [GeneratedRegex("/survey/([A-Za-z0-9_-]+)")]
    private static partial Regex SurveyPath();
}
