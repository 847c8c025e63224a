using Lawline.Server.Agents;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Sms;
using Lawline.Server.Telephony;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Lawline.Sip;
using Lawline.Sip.Tests.Peers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Satisfaction;

/// <summary>
/// With real phones: a citizen calling from a mobile talks to the labour lawyer and hangs up first — no IVR survey, so
/// the call record gets one queued survey-link SMS to the citizen's number.
/// </summary>
[Trait("Category", "Peers")]
public sealed class SmsSurveyCallFlowTests : IAsyncLifetime
{
    private const string HotlineNumber = "88812348";
    private const string PhonePassword = "phone-secret-42";
    private readonly string platformCode = "sms" + Guid.NewGuid().ToString("N")[..6];
    private readonly SoundFiles sounds = new();
    private LawlineFactory factory = null!;

    public async Task InitializeAsync() => factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
    {
        ["Sip:Enabled"] = "true",
        [LawlineFactory.SystemClockSetting] = "true",
        [$"Routing:DialedNumbers:{HotlineNumber}"] = platformCode,
        ["Routing:WrapUpSeconds"] = "5",
        ["Routing:RingTimeoutSeconds"] = "5",
    });

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        sounds.Dispose();
    }

    [Fact]
    public async Task A_mobile_caller_who_hangs_up_first_gets_a_survey_link_by_SMS()
    {
        using var admin = await factory.AdminAsync();
        var platform = await admin.PostOkAsync<PlatformDto>("/api/platforms", new CreatePlatformRequest(
            platformCode, "短信评价测试平台", PlatformKind.LegalService12348, PlatformLevel.City, null, "湖北省武汉市", new OfficeHours { Open24x7 = true }));
        var skills = await admin.GetOkAsync<List<SkillDto>>("/api/skills");
        var labour = skills.Single(s => s.Code == "LABOR");
        var firm = await admin.PostOkAsync<LawFirmDto>("/api/law-firms", new SaveLawFirmRequest(platform.Id, "楚天律师事务所", null, null, null, null));
        var lawyer = await admin.PostOkAsync<AgentDto>("/api/agents", new SaveAgentRequest(
            platform.Id, AgentKind.DutyLawyer, "周律师", null, "142012015" + Random.Shared.Next(10_000_000, 99_999_999), firm.Id, [new AgentSkillRequest(labour.Id, 3)], null, null, new DateOnly(2026, 1, 5)));
        var account = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts",
            new CreateSipAccountRequest(platform.Id, "8" + Random.Shared.Next(1000, 9999), "周律师", lawyer.Id, PhonePassword));

        var engineAddress = $"127.0.0.1:{factory.Services.GetRequiredService<SipEngine>().LocalEndPoint.Port}";
        var router = factory.Services.GetRequiredService<CallRouter>();
        await using var lawyerPhone = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = account.Username, Password = PhonePassword, Registrar = engineAddress, AudioFile = await sounds.ToneAsync(600),
        });
        await lawyerPhone.WaitForRegistrationAsync();
        await Wait.UntilAsync(() => router.GetAgent(new AgentId(lawyer.Id))?.State == AgentState.Ready, "the lawyer never became ready");

        const string mobile = "13912345678";
        await using var citizen = await BaresipPhone.StartAsync(new BaresipOptions { User = mobile, AudioFile = await sounds.ToneAsync(1000) });
        await citizen.DialAsync($"sip:{HotlineNumber}@{engineAddress}");
        await citizen.WaitForEventAsync("CALL_ESTABLISHED");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await citizen.SendDtmfAsync("1");
        await lawyerPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await citizen.HangupAsync();

        var sms = await Wait.ForAsync(async () =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            return await db.SmsMessages.AsNoTracking().SingleOrDefaultAsync(m => m.PlatformId == platform.Id);
        }, () => "no survey SMS was queued after the caller hung up");
        var record = await RoutingTestData.WithDatabaseAsync(factory.Services, db => db.CallRecords.AsNoTracking().SingleAsync(r => r.PlatformId == platform.Id));
        Assert.True(record.CallerHungUpFirst);
        Assert.Null(record.Rating);
        Assert.Equal(record.Id, sms.CallRecordId);
        Assert.Equal("+86" + mobile, sms.To);
        Assert.Equal(SmsPurpose.SurveyLink, sms.Purpose);
        Assert.Equal(SmsStatus.Queued, sms.Status);
        Assert.Contains("/survey/", sms.Text);
        Assert.Single(await RoutingTestData.WithDatabaseAsync(factory.Services, db => db.SurveyInvitations.Where(i => i.CallRecordId == record.Id).ToListAsync()));
    }
}
