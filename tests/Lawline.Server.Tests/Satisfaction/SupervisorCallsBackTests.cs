using System.Net;
using Lawline.Server.Agents;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Telephony;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.WorkOrders;
using Lawline.Sip;
using Lawline.Sip.Tests.Peers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Satisfaction;

/// <summary>
/// 回访 end to end with real phones: a citizen's mobile (baresip on a kamailio carrier) calls the hotline, the labour
/// lawyer's phone answers and hangs up, the citizen rates 不满意 in the IVR survey; the task goes to the platform's
/// supervisor, who calls back from it — their own registered phone rings, then the citizen's mobile through the
/// outbound trunk — and records that the explanation satisfied the citizen.
/// </summary>
[Trait("Category", "Peers")]
public sealed class SupervisorCallsBackTests : IAsyncLifetime
{
    private const string PhonePassword = "phone-secret-42";
    private const string CarrierPassword = "carrier-secret";
    private const string CitizenMobile = "13800138000";
    private readonly string platformCode = "hf" + Guid.NewGuid().ToString("N")[..6];
    private readonly SoundFiles sounds = new();
    private KamailioProxy carrier = null!;
    private LawlineFactory factory = null!;

    private string EngineAddress => $"127.0.0.1:{factory.Services.GetRequiredService<SipEngine>().LocalEndPoint.Port}";

    public async Task InitializeAsync()
    {
        carrier = await KamailioProxy.StartAsync(password: CarrierPassword);
        factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Sip:Enabled"] = "true",
            [LawlineFactory.SystemClockSetting] = "true",
            ["Sip:Trunks:0:Name"] = "carrier",
            ["Sip:Trunks:0:Host"] = "127.0.0.1",
            ["Sip:Trunks:0:Port"] = carrier.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Sip:Trunks:0:Username"] = "12348",
            ["Sip:Trunks:0:Password"] = CarrierPassword,
            ["Sip:Trunks:0:Register"] = "true",
            ["Sip:Trunks:0:Domain"] = "127.0.0.1",
            ["Routing:DialedNumbers:12348"] = platformCode,
            ["Routing:WrapUpSeconds"] = "3",
            ["Routing:RingTimeoutSeconds"] = "8",
            ["Routing:AnnounceEverySeconds"] = "0",
        });
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        await carrier.DisposeAsync();
        sounds.Dispose();
    }

    [Fact]
    public async Task A_dissatisfied_citizen_is_called_back_by_the_supervisor_from_the_task_and_the_callback_is_done()
    {
        using var admin = await factory.AdminAsync();
        var platform = await admin.PostOkAsync<PlatformDto>("/api/platforms", new CreatePlatformRequest(
            platformCode, "回访测试平台", PlatformKind.LegalService12348, PlatformLevel.City, null, "北京市", OfficeHours.AlwaysOpen));
        var router = factory.Services.GetRequiredService<CallRouter>();

        // The labour lawyer, with a registered phone.
        var labour = (await admin.GetOkAsync<List<SkillDto>>("/api/skills")).Single(s => s.Code == "LABOR");
        var firm = await admin.PostOkAsync<LawFirmDto>("/api/law-firms", new SaveLawFirmRequest(platform.Id, "回访律师事务所", null, null, null, null));
        var lawyer = await admin.PostOkAsync<AgentDto>("/api/agents", new SaveAgentRequest(
            platform.Id, AgentKind.DutyLawyer, "孙律师", null, "142012015" + Random.Shared.Next(10_000_000, 99_999_999), firm.Id, [new AgentSkillRequest(labour.Id, 2)], null, null, new DateOnly(2026, 1, 5)));
        var lawyerAccount = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts",
            new CreateSipAccountRequest(platform.Id, "8" + Random.Shared.Next(1000, 4999), "劳动争议席", lawyer.Id, PhonePassword));
        await using var lawyerPhone = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = lawyerAccount.Username, Password = PhonePassword, Registrar = EngineAddress, AudioFile = await sounds.ToneAsync(400),
        });
        await lawyerPhone.WaitForRegistrationAsync();
        await Wait.UntilAsync(() => router.GetAgent(new AgentId(lawyer.Id))?.State == AgentState.Ready, "the lawyer never became ready");

        // The supervisor: a user linked to a staff record with a phone account (no skills: the router offers them no calls).
        var staff = await admin.PostOkAsync<AgentDto>("/api/agents", new SaveAgentRequest(
            platform.Id, AgentKind.Expert, "李督导", null, null, null, [], null, null, new DateOnly(2026, 1, 5)));
        var supervisorAccount = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts",
            new CreateSipAccountRequest(platform.Id, "8" + Random.Shared.Next(5000, 9999), "督导席", staff.Id, PhonePassword));
        var supervisorUser = await admin.PostOkAsync<UserDto>("/api/users", new CreateUserRequest(
            Unique.UserName("supervisor"), "李督导", TestData.UserPassword, platform.Id, [LawlineRoles.Supervisor], staff.Id));
        await Wait.UntilAsync(() => factory.Services.GetRequiredService<SipEngine>().TrunkRegistrations.ContainsKey("carrier"), "the engine never registered with the carrier");

        // The citizen calls from a mobile on the carrier's network, talks to the lawyer, and rates 不满意.
        await using var mobile = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = CitizenMobile, Password = CarrierPassword, Registrar = carrier.Domain, AudioFile = await sounds.ToneAsync(1000),
        });
        await mobile.WaitForRegistrationAsync();
        await mobile.DialAsync($"sip:12348@{carrier.Domain}");
        await mobile.WaitForEventAsync("CALL_ESTABLISHED");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await mobile.SendDtmfAsync("1"); // 劳动争议
        await lawyerPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
        await lawyerPhone.HangupAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await mobile.SendDtmfAsync("3"); // 不满意
        await mobile.WaitForEventAsync("CALL_CLOSED", TimeSpan.FromSeconds(30));

        var rated = await RecordAsync(platform.Id, r => r.Channel == CallChannel.Inbound && r.Rating is not null);
        Assert.Equal((CallRating.Dissatisfied, lawyer.Id), (rated.Rating, rated.AgentId));
        var task = await Wait.ForAsync(async () => (await TasksAsync(platform.Id)).SingleOrDefault(t => t.Kind == CallbackKind.LowRating), () => "no 回访 task");
        Assert.Equal((rated.Id, supervisorUser.Id, CallbackStatus.Pending), (task.CallRecordId, task.AssignedUserId, task.Status));
        Assert.Equal(WorkingCalendar.Deadline(OfficeHours.AlwaysOpen, WorkingCalendar.Zone("Asia/Shanghai"), rated.RatedAt!.Value, 1), task.DueAt!.Value);

        // The supervisor's phone comes online; they call back from the task.
        using var supervisor = await factory.SignInAsync(supervisorUser.UserName, TestData.UserPassword);
        var mine = await supervisor.GetOkAsync<CallbackPage>("/api/callbacks?mine=true");
        Assert.Equal(task.Id, Assert.Single(mine.Items).Id);
        var offline = await supervisor.PostAsync($"/api/callbacks/{task.Id}/call", null);
        await ApiClient.ReadFieldErrorAsync(offline, "phone");
        await using var supervisorPhone = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = supervisorAccount.Username, Password = PhonePassword, Registrar = EngineAddress, AudioFile = await sounds.ToneAsync(600),
        });
        await supervisorPhone.WaitForRegistrationAsync();
        var attempt = await supervisor.PostOkAsync<CallbackAttemptDto>($"/api/callbacks/{task.Id}/call", null, HttpStatusCode.Accepted);
        Assert.Equal((task.Id, supervisorUser.Id, (CallbackAttemptResult?)null), (attempt.TaskId, attempt.UserId, attempt.Result));
        Assert.NotNull(attempt.CallRecordId);
        await ApiClient.ExpectStatusAsync(await supervisor.PostAsync($"/api/callbacks/{task.Id}/call", null), HttpStatusCode.Conflict);

        await supervisorPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(20));
        await mobile.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        var live = await Wait.ForAsync(async () =>
        {
            var detail = await supervisor.GetOkAsync<CallbackDetailDto>($"/api/callbacks/{task.Id}/detail");
            return detail.Attempts.SingleOrDefault() is { Result: CallbackAttemptResult.Answered } ? detail : null;
        }, () => "the attempt never showed the citizen answered");
        Assert.Equal(CallbackStatus.Calling, live.Task.Status);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await mobile.HangupAsync();

        var callback = await RecordAsync(platform.Id, r => r.Id == attempt.CallRecordId);
        Assert.Equal((CallChannel.Callback, task.Id, staff.Id, "+86" + CitizenMobile), (callback.Channel, callback.CallbackTaskId, callback.AgentId, callback.CallerNumber));
        Assert.NotNull(callback.AnsweredAt);
        Assert.NotNull(callback.RecordingPath);
        await Wait.UntilAsync(() => File.Exists(callback.RecordingPath), "no recording of the callback");
        var audio = await WavAnalysis.ReadAsync(callback.RecordingPath!);
        Assert.True(WavAnalysis.ToneShare(audio, 600, channel: 1) > 0.1, WavAnalysis.Describe(audio, 1000, 600));

        var ended = await Wait.ForAsync(async () =>
        {
            var detail = await supervisor.GetOkAsync<CallbackDetailDto>($"/api/callbacks/{task.Id}/detail");
            return detail.Attempts.Single().EndedAt is not null && detail.Task.Status == CallbackStatus.Pending ? detail : null;
        }, () => "the attempt never ended");
        var done = Assert.Single(ended.Attempts);
        Assert.Equal((CallbackAttemptResult.Answered, attempt.CallRecordId, 1), (done.Result, done.CallRecordId, ended.Task.Attempts));
        Assert.Equal(CallbackService.RecordingUrl(callback.Id), done.RecordingUrl);
        Assert.Equal((lawyer.Id, "孙律师", "LABOR"), (ended.LawyerAgentId, ended.LawyerName, ended.CallSkillCode));

        var closed = await supervisor.PostOkAsync<CallbackTaskDto>($"/api/callbacks/{task.Id}/outcome",
            new CallbackOutcomeRequest(CallbackOutcome.Explained, true, "已向市民解释劳动仲裁时效，市民表示满意"), HttpStatusCode.OK);
        Assert.Equal((CallbackStatus.Done, CallbackOutcome.Explained, true), (closed.Status, closed.Outcome, closed.CallerSatisfied));
        var stored = (await TasksAsync(platform.Id)).Single(t => t.Id == task.Id);
        Assert.Equal(callback.Id, stored.CompletedByCallRecordId);
    }

    private Task<CallRecord> RecordAsync(int platformId, Func<CallRecord, bool> match) => Wait.ForAsync(async () =>
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var records = await db.CallRecords.AsNoTracking().Where(r => r.PlatformId == platformId).ToListAsync();
        return records.FirstOrDefault(r => r.EndedAt is not null && match(r));
    }, () => "no such call record");

    private async Task<List<CallbackTask>> TasksAsync(int platformId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.CallbackTasks.AsNoTracking().Where(t => t.PlatformId == platformId).ToListAsync();
    }
}
