using System.Net;
using Lawline.Server.Data;
using Lawline.Server.Sms;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Sms;

/// <summary>The outbox's rules through the API, with sending off (messages stay queued): validation, rate limit, opt-out, history.</summary>
public sealed class SmsOutboxTests
{
    private static readonly Dictionary<string, string> Guidance = new()
    {
        ["热线名称"] = "12348武汉", ["机构名称"] = "武汉市法律援助中心", ["地址"] = "武汉市江岸区沿江大道100号", ["电话"] = "027-82712348", ["办公时间"] = "工作日9:00-17:00",
    };

    [Fact]
    public async Task Unknown_template_missing_values_and_bad_numbers_are_400s_and_nothing_is_saved()
    {
        await using var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var phone = Unique.Mobile();

        var unknown = await admin.PostAsync("/api/sms", new SendSmsRequest(phone, "no-such-template", null, null, null, platform.Id, null, null));
        var problem = await ApiClient.ReadAsync<Problem>(unknown, HttpStatusCode.BadRequest);
        Assert.Contains("There is no active SMS template 'no-such-template'", problem.Errors!["templateCode"][0]);

        var missing = await admin.PostAsync("/api/sms", new SendSmsRequest(phone, "legal-aid-guidance",
            new() { ["热线名称"] = "12348", ["机构名称"] = "中心" }, null, null, platform.Id, null, null));
        problem = await ApiClient.ReadAsync<Problem>(missing, HttpStatusCode.BadRequest);
        Assert.Contains("{地址}", problem.Errors!["values"][0]);

        var badNumber = await admin.PostAsync("/api/sms", new SendSmsRequest("12", "legal-aid-guidance", Guidance, null, null, platform.Id, null, null));
        problem = await ApiClient.ReadAsync<Problem>(badNumber, HttpStatusCode.BadRequest);
        Assert.True(problem.Errors!.ContainsKey("to"));

        Assert.Empty(await admin.GetOkAsync<List<SmsMessageDto>>($"/api/sms?phone={phone}"));
    }

    [Theory]
    [DatabaseData]
    public async Task A_number_gets_at_most_five_messages_a_day_and_not_two_within_a_minute(DatabaseProvider provider)
    {
        await using var factory = await LawlineFactory.StartAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var phone = Unique.Mobile();
        Task<SmsMessageDto> Send() => admin.PostOkAsync<SmsMessageDto>("/api/sms",
            new SendSmsRequest(phone, "legal-aid-guidance", Guidance, null, null, platform.Id, null, null));

        var first = await Send();
        Assert.Equal(SmsStatus.Queued, first.Status);
        Assert.Equal(SmsPurpose.Guidance, first.Purpose);
        Assert.Equal(2, first.Segments);
        Assert.Contains("武汉市江岸区沿江大道100号", first.Text);

        var tooSoon = await Send();
        Assert.Equal(SmsStatus.Blocked, tooSoon.Status);
        Assert.Contains("60 seconds", tooSoon.LastError);

        for (var i = 2; i <= 5; i++)
        {
            factory.Clock.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(SmsStatus.Queued, (await Send()).Status);
        }
        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        var sixth = await Send();
        Assert.Equal(SmsStatus.Blocked, sixth.Status);
        Assert.Contains("Rate limit: 5 messages", sixth.LastError);

        // Another number is not affected; a day later the number may be written to again.
        Assert.Equal(SmsStatus.Queued, (await admin.PostOkAsync<SmsMessageDto>("/api/sms",
            new SendSmsRequest(Unique.Mobile(), "survey-link", new() { ["热线名称"] = "12348", ["链接"] = "https://x.cn/s/1" }, null, null, platform.Id, null, null))).Status);
        factory.Clock.Advance(TimeSpan.FromDays(1));
        using var nextDay = await factory.AdminAsync(); // the first token has expired
        Assert.Equal(SmsStatus.Queued, (await nextDay.PostOkAsync<SmsMessageDto>("/api/sms",
            new SendSmsRequest(phone, "legal-aid-guidance", Guidance, null, null, platform.Id, null, null))).Status);

        // The caller's history shows every message, blocked ones with their reason, newest first, number masked for
        // an administrator (who does not call people back).
        var history = await nextDay.GetOkAsync<List<SmsMessageDto>>($"/api/sms?phone={phone}");
        Assert.Equal(8, history.Count);
        Assert.Equal(2, history.Count(m => m.Status == SmsStatus.Blocked));
        Assert.All(history, m => Assert.Equal(phone[..3] + "****" + phone[^4..], m.To));
    }

    [Fact]
    public async Task An_opted_out_number_is_blocked_and_templates_are_listed_and_edited()
    {
        await using var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var phone = Unique.Mobile();

        await admin.PostOkAsync<SmsOptOutDto>("/api/sms/opt-outs", new SmsOptOutRequest(phone, "来电要求不再接收短信"));
        var blocked = await admin.PostOkAsync<SmsMessageDto>("/api/sms",
            new SendSmsRequest(phone, "callback-notice", new() { ["热线名称"] = "12348", ["时间"] = "今天17:00" }, null, null, platform.Id, null, null));
        Assert.Equal(SmsStatus.Blocked, blocked.Status);
        Assert.Contains("Opted out", blocked.LastError);

        var templates = await admin.GetOkAsync<List<SmsTemplateDto>>("/api/sms/templates");
        Assert.Superset(new HashSet<string> { "legal-aid-guidance", "mediation-guidance", "survey-link", "callback-notice" }, templates.Select(t => t.Code).ToHashSet());
        var guidance = templates.Single(t => t.Code == "legal-aid-guidance" && t.PlatformId is null);
        Assert.Contains("机构名称", guidance.Placeholders);
        Assert.True(guidance.Length.IsUnicode);

        // A platform's own template replaces the default for that platform.
        await admin.PostOkAsync<SmsTemplateDto>("/api/sms/templates",
            new SmsTemplateRequest(platform.Id, "survey-link", "评价（本平台）", "请评价：{链接}", SmsPurpose.SurveyLink));
        var own = await admin.PostOkAsync<SmsMessageDto>("/api/sms",
            new SendSmsRequest(Unique.Mobile(), "survey-link", new() { ["链接"] = "https://x.cn/s/2" }, null, null, platform.Id, null, null));
        Assert.Equal("请评价：https://x.cn/s/2", own.Text);

        var duplicate = await admin.PostAsync("/api/sms/templates", new SmsTemplateRequest(platform.Id, "survey-link", "x", "y"));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }

    [Fact]
    public async Task A_message_is_saved_with_the_action_that_caused_it_or_not_at_all()
    {
        await using var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var phone = Unique.Mobile();

        async Task EnqueueAsync(bool commit)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var transaction = await db.BeginWriteAsync();
            await scope.ServiceProvider.GetRequiredService<SmsOutbox>().EnqueueAsync(new SmsRequest(platform.Id, phone, SmsPurpose.CallbackNotice,
                "callback-notice", new Dictionary<string, string> { ["热线名称"] = "12348", ["时间"] = "17:00" }));
            await db.SaveChangesAsync();
            if (commit)
            {
                await transaction.CommitAsync();
            }
        }

        await EnqueueAsync(commit: false); // the caller's action failed: its transaction rolls back, and the SMS with it
        Assert.Empty(await admin.GetOkAsync<List<SmsMessageDto>>($"/api/sms?phone={phone}"));

        await EnqueueAsync(commit: true);
        var saved = Assert.Single(await admin.GetOkAsync<List<SmsMessageDto>>($"/api/sms?phone={phone}"));
        Assert.Equal(SmsStatus.Queued, saved.Status);
        Assert.Equal(SmsPurpose.CallbackNotice, saved.Purpose);
    }
}
