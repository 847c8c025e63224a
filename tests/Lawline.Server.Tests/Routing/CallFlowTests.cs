using Lawline.Server.Agents;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Telephony;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Sip;
using Lawline.Sip.Tests.Peers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Routing;

/// <summary>
/// The whole hotline call with real phones: a citizen (baresip) dials the hotline, presses 1 in the IVR, the labour
/// lawyer's registered softphone (baresip) rings and answers, they talk, the lawyer hangs up, the citizen rates the
/// call — and the call record and the recording show every step.
/// </summary>
[Trait("Category", "Peers")]
public sealed class CallFlowTests : IAsyncLifetime
{
    private const string HotlineNumber = "88812348";
    private const string PhonePassword = "phone-secret-42";
    private readonly string platformCode = "flow" + Guid.NewGuid().ToString("N")[..6];
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
    public async Task A_caller_pressing_1_reaches_the_labour_lawyer_talks_and_rates_the_call()
    {
        using var admin = await factory.AdminAsync();
        var platform = await admin.PostOkAsync<PlatformDto>("/api/platforms", new CreatePlatformRequest(
            platformCode, "流程测试平台", PlatformKind.LegalService12348, PlatformLevel.City, null, "湖北省武汉市", new OfficeHours { Open24x7 = true }));
        var skills = await admin.GetOkAsync<List<SkillDto>>("/api/skills");
        var labour = skills.Single(s => s.Code == "LABOR");
        var firm = await admin.PostOkAsync<LawFirmDto>("/api/law-firms", new SaveLawFirmRequest(platform.Id, "楚天律师事务所", null, null, null, null));
        var lawyer = await admin.PostOkAsync<AgentDto>("/api/agents", new SaveAgentRequest(
            platform.Id, AgentKind.DutyLawyer, "王律师", null, "14201201510000001", firm.Id, [new AgentSkillRequest(labour.Id, 3)], null, null, new DateOnly(2026, 1, 5)));
        var account = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts",
            new CreateSipAccountRequest(platform.Id, "8" + Random.Shared.Next(100, 999), "劳动争议席", lawyer.Id, PhonePassword));
        var engine = factory.Services.GetRequiredService<SipEngine>();
        var router = factory.Services.GetRequiredService<CallRouter>();
        var engineAddress = $"127.0.0.1:{engine.LocalEndPoint.Port}";

        await using var lawyerPhone = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = account.Username, Password = PhonePassword, Registrar = engineAddress, AudioFile = await sounds.ToneAsync(400),
        });
        await lawyerPhone.WaitForRegistrationAsync();
        // The phone coming online makes the lawyer ready for calls.
        await Wait.UntilAsync(() => router.GetAgent(new AgentId(lawyer.Id))?.State == AgentState.Ready, "the lawyer never became ready");

        await using var citizen = await BaresipPhone.StartAsync(new BaresipOptions { User = "citizen", AudioFile = await sounds.ToneAsync(1000) });
        await citizen.DialAsync($"sip:{HotlineNumber}@{engineAddress}");
        await citizen.WaitForEventAsync("CALL_ESTABLISHED");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await citizen.SendDtmfAsync("1"); // 劳动争议, pressed during the greeting
        try
        {
            await lawyerPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{await DescribeAsync(platform.Id, router, lawyer.Id)}\n{exception.Message}\n--- citizen:\n{citizen.Diagnostics()}", exception);
        }
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await lawyerPhone.HangupAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await citizen.SendDtmfAsync("1"); // 满意
        await citizen.WaitForEventAsync("CALL_CLOSED", TimeSpan.FromSeconds(30));

        var record = await Wait.ForAsync(async () =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var found = await db.CallRecords.AsNoTracking().SingleOrDefaultAsync(r => r.PlatformId == platform.Id && r.EndedAt != null);
            return found is { Rating: not null, TalkEndedAt: not null } ? found : null;
        }, () => "the call record was never completed with a rating");

        Assert.Equal("citizen", record.CallerNumber);
        Assert.Equal(HotlineNumber, record.DialedNumber);
        Assert.Contains("\"digits\":\"1\"", record.IvrPath);
        Assert.Equal("LABOR", record.SkillCode);
        Assert.Equal(lawyer.Id, record.AgentId);
        Assert.True(record.ArrivedAt <= record.QueuedAt && record.QueuedAt <= record.OfferedAt && record.OfferedAt <= record.AnsweredAt,
            $"arrived {record.ArrivedAt:O}, queued {record.QueuedAt:O}, offered {record.OfferedAt:O}, answered {record.AnsweredAt:O}");
        Assert.Equal(1, record.OfferCount);
        Assert.False(record.CallerHungUpFirst);
        Assert.True(record.TalkEndedAt - record.AnsweredAt > TimeSpan.FromSeconds(2));
        Assert.Equal(CallRating.Satisfied, record.Rating);
        Assert.Null(record.AbandonedIn);

        // The recording holds the citizen on the left and the lawyer on the right.
        Assert.NotNull(record.RecordingPath);
        await Wait.UntilAsync(() => File.Exists(record.RecordingPath), "no recording file");
        var audio = await WavAnalysis.ReadAsync(record.RecordingPath!);
        Assert.True(WavAnalysis.ToneShare(audio, 1000, channel: 0) > 0.3, WavAnalysis.Describe(audio, 1000, 400));
        Assert.True(WavAnalysis.ToneShare(audio, 400, channel: 1) > 0.5, WavAnalysis.Describe(audio, 1000, 400));

        // After the wrap-up time the lawyer is ready again, and the record knows when wrap-up ended.
        await Wait.UntilAsync(() => router.GetAgent(new AgentId(lawyer.Id))?.State == AgentState.Ready, "the lawyer did not leave wrap-up");
    }

    [Fact]
    public async Task A_lawyer_who_does_not_answer_is_made_not_ready_and_the_call_goes_to_the_next_lawyer()
    {
        using var admin = await factory.AdminAsync();
        var platform = await CreatePlatformAsync(admin);
        var (senior, seniorAccount) = await CreateLawyerAsync(admin, platform.Id, "李律师", level: 3);
        var (junior, juniorAccount) = await CreateLawyerAsync(admin, platform.Id, "赵律师", level: 2);
        var engineAddress = $"127.0.0.1:{factory.Services.GetRequiredService<SipEngine>().LocalEndPoint.Port}";
        var router = factory.Services.GetRequiredService<CallRouter>();
        await using var seniorPhone = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = seniorAccount.Username, Password = PhonePassword, Registrar = engineAddress, AutoAnswer = false, AudioFile = await sounds.ToneAsync(400),
        });
        await using var juniorPhone = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = juniorAccount.Username, Password = PhonePassword, Registrar = engineAddress, AudioFile = await sounds.ToneAsync(600),
        });
        await seniorPhone.WaitForRegistrationAsync();
        await juniorPhone.WaitForRegistrationAsync();
        await Wait.UntilAsync(() => router.GetAgent(new AgentId(senior.Id))?.State == AgentState.Ready && router.GetAgent(new AgentId(junior.Id))?.State == AgentState.Ready,
            "the lawyers never became ready");

        // The citizen gave up earlier today: a missed-call callback is waiting for them.
        var mobile = Unique.Mobile();
        var missed = await factory.WithDatabaseAsync(async db =>
        {
            var task = new CallbackTask
            {
                PlatformId = platform.Id, Kind = CallbackKind.Abandoned, Status = CallbackStatus.Pending, CallerNumber = "+86" + mobile,
                CreatedAt = factory.Clock.GetUtcNow(),
            };
            db.CallbackTasks.Add(task);
            await db.SaveChangesAsync();
            return task.Id;
        });
        await using var citizen = await BaresipPhone.StartAsync(new BaresipOptions { User = mobile, AudioFile = await sounds.ToneAsync(1000) });
        await citizen.DialAsync($"sip:{HotlineNumber}@{engineAddress}");
        await citizen.WaitForEventAsync("CALL_ESTABLISHED");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await citizen.SendDtmfAsync("1");

        // The higher skill level is offered first; its phone rings out (5 s) and the call moves on.
        await seniorPhone.WaitForEventAsync("CALL_INCOMING", TimeSpan.FromSeconds(30));
        await juniorPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        Assert.Equal((AgentState.NotReady, NotReadyReason.Missed), (router.GetAgent(new AgentId(senior.Id))!.State, router.GetAgent(new AgentId(senior.Id))!.Reason));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await citizen.HangupAsync();

        var record = await CompletedRecordAsync(platform.Id, r => r.TalkEndedAt is not null);
        Assert.Equal(2, record.OfferCount);
        Assert.Equal(junior.Id, record.AgentId);
        Assert.True(record.CallerHungUpFirst);
        Assert.Null(record.Rating);

        // They got through, so nobody needs to call them back.
        var closed = await factory.WithDatabaseAsync(db => db.CallbackTasks.AsNoTracking().SingleAsync(t => t.Id == missed));
        Assert.Equal((CallbackStatus.Done, record.Id), (closed.Status, closed.CompletedByCallRecordId));
    }

    [Fact]
    public async Task A_caller_who_gives_up_while_queued_is_recorded_as_abandoned_in_the_queue()
    {
        using var admin = await factory.AdminAsync();
        var platform = await CreatePlatformAsync(admin);
        var engineAddress = $"127.0.0.1:{factory.Services.GetRequiredService<SipEngine>().LocalEndPoint.Port}";
        factory.Services.GetRequiredService<CallRouter>().Configure(await factory.Services.GetRequiredService<RoutingDirectory>().RefreshAsync(CancellationToken.None));

        // A mobile number: the missed call can be called back.
        var mobile = Unique.Mobile();
        await using var citizen = await BaresipPhone.StartAsync(new BaresipOptions { User = mobile, AudioFile = await sounds.ToneAsync(1000) });
        await citizen.DialAsync($"sip:{HotlineNumber}@{engineAddress}");
        await citizen.WaitForEventAsync("CALL_ESTABLISHED");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await citizen.SendDtmfAsync("2"); // 婚姻家庭: nobody is on duty
        await Task.Delay(TimeSpan.FromSeconds(11)); // past the menu, then more than Routing:AbandonedCallbackAfterSeconds queued
        await citizen.HangupAsync();

        var record = await CompletedRecordAsync(platform.Id, r => r.AbandonedIn is not null);
        Assert.Equal("FAMILY", record.SkillCode);
        Assert.NotNull(record.QueuedAt);
        Assert.Equal(AbandonedIn.Queue, record.AbandonedIn);
        Assert.True(record.AbandonedAt > record.QueuedAt);
        Assert.Null(record.AnsweredAt);
        Assert.Equal(0, record.OfferCount);

        // After a real wait in the queue, the missed call is owed a callback (未接来电) in the supervisors' task list.
        var task = await Wait.ForAsync(async () =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            return await db.CallbackTasks.AsNoTracking().SingleOrDefaultAsync(t => t.PlatformId == platform.Id && t.Kind == CallbackKind.Abandoned);
        }, () => $"no callback task for the abandoned call of {record.CallerNumber}, queued {record.QueuedAt:O}, abandoned {record.AbandonedAt:O}");
        Assert.Equal(("+86" + mobile, record.Id, CallbackStatus.Pending, "FAMILY"), (task.CallerNumber, task.CallRecordId, task.Status, task.SkillCode));
    }

    private Task<PlatformDto> CreatePlatformAsync(ApiClient admin) =>
        admin.PostOkAsync<PlatformDto>("/api/platforms", new CreatePlatformRequest(
            platformCode, "流程测试平台", PlatformKind.LegalService12348, PlatformLevel.City, null, "湖北省武汉市", new OfficeHours { Open24x7 = true }));

    private static async Task<(AgentDto Lawyer, SipAccountDto Account)> CreateLawyerAsync(ApiClient admin, int platformId, string name, int level)
    {
        var skills = await admin.GetOkAsync<List<SkillDto>>("/api/skills");
        var labour = skills.Single(s => s.Code == "LABOR");
        var firm = await admin.PostOkAsync<LawFirmDto>("/api/law-firms", new SaveLawFirmRequest(platformId, "楚天律师事务所" + name, null, null, null, null));
        var lawyer = await admin.PostOkAsync<AgentDto>("/api/agents", new SaveAgentRequest(
            platformId, AgentKind.DutyLawyer, name, null, "142012015" + Random.Shared.Next(10_000_000, 99_999_999), firm.Id, [new AgentSkillRequest(labour.Id, level)], null, null, new DateOnly(2026, 1, 5)));
        var account = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts",
            new CreateSipAccountRequest(platformId, "8" + Random.Shared.Next(1000, 9999), name, lawyer.Id, PhonePassword));
        return (lawyer, account);
    }

    /// <summary>The platform's one call record once it has ended and <paramref name="done"/> holds (steps land one by one).</summary>
    private Task<CallRecord> CompletedRecordAsync(int platformId, Func<CallRecord, bool> done) => Wait.ForAsync(async () =>
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var record = await db.CallRecords.AsNoTracking().SingleOrDefaultAsync(r => r.PlatformId == platformId && r.EndedAt != null);
        return record is not null && done(record) ? record : null;
    }, () => "the call record was never completed");

    /// <summary>What the flow knew when the lawyer's phone did not ring: the call records and the router's view.</summary>
    private async Task<string> DescribeAsync(int platformId, CallRouter router, int lawyerId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var records = await db.CallRecords.AsNoTracking().Where(r => r.PlatformId == platformId).ToListAsync();
        return $"records: {string.Join("; ", records.Select(r => $"skill={r.SkillCode} queued={r.QueuedAt} offered={r.OfferedAt} ivr={r.IvrPath} ended={r.EndCause}"))}\n"
            + $"lawyer: {router.GetAgent(new AgentId(lawyerId))}\nqueues: {string.Join("; ", router.Snapshots().Where(q => q.Waiting > 0))}";
    }
}
