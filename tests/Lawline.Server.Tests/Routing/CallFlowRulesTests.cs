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
/// Each routing rule with real phones (baresip) and a real carrier (kamailio, which the engine registers with as its
/// outbound trunk): overflow to a general seat, a district's overflow to its city, "press 1 to be called back" keeping
/// the caller's place, voicemail out of hours, and a lawyer's transfer with a low rating afterwards.
/// </summary>
[Trait("Category", "Peers")]
public sealed class CallFlowRulesTests : IAsyncLifetime
{
    private const string PhonePassword = "phone-secret-42";
    private const string CarrierPassword = "carrier-secret";
    private const string CitizenMobile = "13800138000";
    private readonly string platformCode = "rule" + Guid.NewGuid().ToString("N")[..6];
    private readonly SoundFiles sounds = new();
    private KamailioProxy carrier = null!;
    private LawlineFactory factory = null!;

    private string EngineAddress => $"127.0.0.1:{factory.Services.GetRequiredService<SipEngine>().LocalEndPoint.Port}";

    private CallRouter Router => factory.Services.GetRequiredService<CallRouter>();

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
            // Calls to the hotline through the carrier arrive for the trunk's user; the district test dials its own number.
            ["Routing:DialedNumbers:12348"] = platformCode,
            ["Routing:DialedNumbers:88812348"] = platformCode,
            ["Routing:DialedNumbers:88812349"] = platformCode + "-d",
            ["Routing:WrapUpSeconds"] = "3",
            ["Routing:RingTimeoutSeconds"] = "8",
            ["Routing:OverflowToGeneralAfterSeconds"] = "4",
            ["Routing:OverflowToParentAfterSeconds"] = "4",
            ["Routing:AnnounceEverySeconds"] = "0",
            ["Routing:CallbackOfferAfterSeconds"] = "3",
        });
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        await carrier.DisposeAsync();
        sounds.Dispose();
    }

    [Fact]
    public async Task A_labour_call_with_no_labour_lawyer_free_overflows_to_a_general_seat_after_the_wait()
    {
        using var admin = await factory.AdminAsync();
        var platform = await CreatePlatformAsync(admin, platformCode, PlatformLevel.City, parentId: null, OfficeHours.AlwaysOpen);
        var (general, generalPhone) = await StartLawyerAsync(admin, platform.Id, "综合席张律师", "GENERAL", 400);
        await using var _ = generalPhone;

        await using var citizen = await DialAsync("citizen", $"sip:88812348@{EngineAddress}", "1"); // 劳动争议
        await generalPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await citizen.HangupAsync();

        var record = await RecordAsync(platform.Id, r => r.TalkEndedAt is not null);
        Assert.Equal("LABOR", record.SkillCode);
        Assert.Equal(general.Id, record.AgentId);
        Assert.Equal(OfferReason.OverflowGeneral, record.AnsweredReason);
        // Not offered before the queue's overflow wait (4 s): the general seat was ready all along.
        Assert.True(record.OfferedAt - record.QueuedAt >= TimeSpan.FromSeconds(3.5), $"queued {record.QueuedAt:O}, offered {record.OfferedAt:O}");
    }

    [Fact]
    public async Task A_district_call_overflows_to_a_lawyer_of_its_city_main_platform()
    {
        using var admin = await factory.AdminAsync();
        var city = await CreatePlatformAsync(admin, platformCode, PlatformLevel.City, parentId: null, OfficeHours.AlwaysOpen);
        var district = await CreatePlatformAsync(admin, platformCode + "-d", PlatformLevel.District, city.Id, OfficeHours.AlwaysOpen);
        var (cityLawyer, cityPhone) = await StartLawyerAsync(admin, city.Id, "市平台刘律师", "LABOR", 400);
        await using var _ = cityPhone;

        await using var citizen = await DialAsync("citizen", $"sip:88812349@{EngineAddress}", "1");
        await cityPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await citizen.HangupAsync();

        var record = await RecordAsync(district.Id, r => r.TalkEndedAt is not null);
        Assert.Equal(cityLawyer.Id, record.AgentId);
        Assert.Equal(OfferReason.OverflowParent, record.AnsweredReason);
        Assert.True(record.OfferedAt - record.QueuedAt >= TimeSpan.FromSeconds(3.5), $"queued {record.QueuedAt:O}, offered {record.OfferedAt:O}");
    }

    [Fact]
    public async Task A_caller_who_presses_1_to_be_called_back_keeps_their_place_and_is_called_back_through_the_trunk()
    {
        using var admin = await factory.AdminAsync();
        var platform = await CreatePlatformAsync(admin, platformCode, PlatformLevel.City, parentId: null, OfficeHours.AlwaysOpen);
        var (lawyer, lawyerPhone) = await StartLawyerAsync(admin, platform.Id, "回拨席陈律师", "LABOR", 400);
        await using var _ = lawyerPhone;
        Router.SetNotReady(new AgentId(lawyer.Id), NotReadyReason.Meeting);
        await WaitForTrunkAsync();

        // The citizen calls from a mobile on the carrier's network, waits, and takes the callback offer.
        await using var mobile = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = CitizenMobile, Password = CarrierPassword, Registrar = carrier.Domain, AudioFile = await sounds.ToneAsync(1000),
        });
        await mobile.WaitForRegistrationAsync();
        await mobile.DialAsync($"sip:12348@{carrier.Domain}");
        await mobile.WaitForEventAsync("CALL_ESTABLISHED");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await mobile.SendDtmfAsync("1");
        await Task.Delay(TimeSpan.FromSeconds(10)); // past the transfer prompt and the 3 s wait before the callback offer
        await mobile.SendDtmfAsync("1");
        await mobile.WaitForEventAsync("CALL_CLOSED", TimeSpan.FromSeconds(20));
        var task = await TaskAsync(platform.Id, t => t.Kind == CallbackKind.QueueCallback);
        Assert.Equal(CallbackStatus.Pending, task.Status);
        Assert.Equal("+86" + CitizenMobile, task.CallerNumber);
        Assert.Equal("LABOR", task.SkillCode);

        // A later caller queues behind the callback.
        await using var later = await DialAsync("later", $"sip:88812348@{EngineAddress}", "1");
        await Task.Delay(TimeSpan.FromSeconds(2));

        // The lawyer comes back: the callback is served first — the lawyer's phone, then the citizen's mobile.
        Router.SetReady(new AgentId(lawyer.Id));
        await lawyerPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        await mobile.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        var done = await TaskAsync(platform.Id, t => t.Kind == CallbackKind.QueueCallback && t.Status == CallbackStatus.Done);
        Assert.Equal(lawyer.Id, done.CompletedByAgentId);
        var callback = await RecordAsync(platform.Id, r => r.Channel == CallChannel.Callback, ended: false);
        Assert.Equal(done.Id, callback.CallbackTaskId);
        Assert.Equal(lawyer.Id, callback.AgentId);
        var laterRecord = await RecordAsync(platform.Id, r => r.CallerNumber == "later" && r.QueuedAt is not null, ended: false);
        Assert.Null(laterRecord.AnsweredAt);

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await mobile.HangupAsync();
        var original = await RecordAsync(platform.Id, r => r.Channel == CallChannel.Inbound && r.CallerNumber == "+86" + CitizenMobile);
        Assert.NotNull(original.CallbackRequestedAt);
        Assert.Null(original.AbandonedIn);
        var heard = await WavAnalysis.ReadAsync(lawyerPhone.ReceivedAudioFiles().Last());
        Assert.True(WavAnalysis.ToneShare(heard, 1000) > 0.2, WavAnalysis.Describe(heard, 1000, 400));
    }

    [Fact]
    public async Task Out_of_hours_a_caller_leaves_a_voicemail_which_becomes_a_callback_task_with_the_message_recorded()
    {
        using var admin = await factory.AdminAsync();
        // Open one minute a week, and today and tomorrow (Beijing time) are holidays: closed now.
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        var closed = new OfficeHours
        {
            Weekly = [new OpeningSpan { Day = DayOfWeek.Monday, Opens = new TimeOnly(9, 0), Closes = new TimeOnly(9, 1) }],
            Holidays = [today, today.AddDays(1)],
        };
        var platform = await CreatePlatformAsync(admin, platformCode, PlatformLevel.City, parentId: null, closed);

        await using var citizen = await DialAsync("citizen", $"sip:88812348@{EngineAddress}", digits: null);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await citizen.SendDtmfAsync("1"); // 留言: the prompt, then about eight seconds of message
        await Task.Delay(TimeSpan.FromSeconds(14));
        await citizen.HangupAsync();

        var record = await RecordAsync(platform.Id, r => r.VoicemailAt is not null);
        Assert.Null(record.QueuedAt);
        Assert.Contains("voicemail", record.IvrPath);
        var task = await TaskAsync(platform.Id, t => t.Kind == CallbackKind.Voicemail);
        Assert.Equal(record.Id, task.CallRecordId);
        Assert.Equal(CallbackStatus.Pending, task.Status);

        // The message: the citizen's tone in the recording after the voicemail began.
        var audio = await WavAnalysis.ReadAsync(record.RecordingPath!);
        var offset = (record.VoicemailAt!.Value - record.ArrivedAt).TotalSeconds;
        Assert.True(audio.Duration.TotalSeconds - offset > 4, $"recording {audio.Duration.TotalSeconds:F1} s, voicemail from {offset:F1} s");
        Assert.True(WavAnalysis.ToneShare(audio, 1000, channel: 0) > 0.3, WavAnalysis.Describe(audio, 1000, 400));
    }

    [Fact]
    public async Task A_lawyer_transfers_the_caller_to_a_colleague_the_transfer_is_recorded_and_a_low_rating_opens_a_callback_task()
    {
        using var admin = await factory.AdminAsync();
        var platform = await CreatePlatformAsync(admin, platformCode, PlatformLevel.City, parentId: null, OfficeHours.AlwaysOpen);
        var (first, firstPhone) = await StartLawyerAsync(admin, platform.Id, "首接周律师", "LABOR", 400);
        await using var _ = firstPhone;
        var (expert, expertPhone) = await StartLawyerAsync(admin, platform.Id, "专家吴律师", "FAMILY", 600);
        await using var __ = expertPhone;

        await using var citizen = await DialAsync("citizen", $"sip:88812348@{EngineAddress}", "1");
        await firstPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        var flow = factory.Services.GetRequiredService<CallFlow>();
        await Wait.UntilAsync(() => flow.CurrentCallRecordOf(new AgentId(first.Id)) is not null, "the desktop never saw the call connected");
        var result = await flow.ControlAsync(new AgentId(first.Id), new CallControlRequest(CallControlAction.Transfer, TransferKind.Agent, expert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None);
        Assert.True(result.Succeeded, result.Error);
        await expertPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(10));
        await firstPhone.WaitForEventAsync("CALL_CLOSED", TimeSpan.FromSeconds(10));
        // The first lawyer is in wrap-up and then free for the next call.
        await Wait.UntilAsync(() => Router.GetAgent(new AgentId(first.Id))?.State is AgentState.WrapUp or AgentState.Ready, "the first lawyer was not released");

        await Task.Delay(TimeSpan.FromSeconds(2));
        await expertPhone.HangupAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await citizen.SendDtmfAsync("3"); // 不满意
        await citizen.WaitForEventAsync("CALL_CLOSED", TimeSpan.FromSeconds(30));

        var record = await RecordAsync(platform.Id, r => r.Rating is not null);
        Assert.Equal(first.Id, record.AgentId);
        Assert.Contains("\"kind\":\"agent\"", record.Transfers);
        Assert.Contains($"\"target\":\"{expert.Id}\"", record.Transfers);
        Assert.Contains("\"succeeded\":true", record.Transfers);
        Assert.Equal(CallRating.Dissatisfied, record.Rating);
        var task = await TaskAsync(platform.Id, t => t.Kind == CallbackKind.LowRating);
        Assert.Equal(record.Id, task.CallRecordId);
        Assert.NotNull(task.DueAt);

        // The expert's voice reached the caller after the transfer: it is on the agent channel of the recording.
        var audio = await WavAnalysis.ReadAsync(record.RecordingPath!);
        Assert.True(WavAnalysis.ToneShare(audio, 600, channel: 1) > 0.1, WavAnalysis.Describe(audio, 400, 600));
    }

    [Fact]
    public async Task A_remote_seat_takes_the_call_on_a_mobile_through_the_carrier()
    {
        using var admin = await factory.AdminAsync();
        var platform = await CreatePlatformAsync(admin, platformCode, PlatformLevel.City, parentId: null, OfficeHours.AlwaysOpen);
        var skills = await admin.GetOkAsync<List<SkillDto>>("/api/skills");
        var firm = await admin.PostOkAsync<LawFirmDto>("/api/law-firms", new SaveLawFirmRequest(platform.Id, "黔中律师事务所", null, null, null, null));
        var request = new SaveAgentRequest(platform.Id, AgentKind.DutyLawyer, "居家孙律师", null, "152012015" + Random.Shared.Next(10_000_000, 99_999_999), firm.Id,
            [new AgentSkillRequest(skills.Single(s => s.Code == "LABOR").Id, 2)], null, null, new DateOnly(2026, 1, 5), RemoteSeat: true);
        // A remote seat needs the mobile it is reached on.
        var refused = await admin.PostAsync("/api/agents", request);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("remoteSeat", await refused.Content.ReadAsStringAsync());
        var lawyer = await admin.PostOkAsync<AgentDto>("/api/agents", request with { Mobile = "13900139000" });
        Assert.True(lawyer.RemoteSeat);

        await using var mobile = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = "13900139000", Password = CarrierPassword, Registrar = carrier.Domain, AudioFile = await sounds.ToneAsync(400),
        });
        await mobile.WaitForRegistrationAsync();
        await WaitForTrunkAsync();
        // The lawyer sets themselves ready at the desktop (no phone registers for a remote seat).
        var user = await admin.PostOkAsync<UserDto>("/api/users",
            new CreateUserRequest("remote" + Random.Shared.Next(1000, 9999), "孙律师", TestData.UserPassword, platform.Id, [LawlineRoles.Agent], lawyer.Id));
        using var desk = await factory.SignInAsync(user.UserName, TestData.UserPassword);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await desk.PutAsync("/api/routing/me/state", new { state = "ready" })).StatusCode);

        await using var citizen = await DialAsync("citizen", $"sip:88812348@{EngineAddress}", "1");
        await mobile.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
        await citizen.HangupAsync();

        var record = await RecordAsync(platform.Id, r => r.TalkEndedAt is not null);
        Assert.Equal(lawyer.Id, record.AgentId);
        Assert.True(record.AnsweredOnMobile);
        var heard = await WavAnalysis.ReadAsync(mobile.ReceivedAudioFiles().Single());
        Assert.True(WavAnalysis.ToneShare(heard, 1000) > 0.3, WavAnalysis.Describe(heard, 1000, 400));
    }

    [Fact]
    public async Task A_lawyer_sends_the_caller_to_another_skill_from_the_desktop_and_the_caller_keeps_priority()
    {
        using var admin = await factory.AdminAsync();
        var platform = await CreatePlatformAsync(admin, platformCode, PlatformLevel.City, parentId: null, OfficeHours.AlwaysOpen);
        var (labour, labourPhone) = await StartLawyerAsync(admin, platform.Id, "劳动席郑律师", "LABOR", 400);
        await using var _ = labourPhone;
        var user = await admin.PostOkAsync<UserDto>("/api/users",
            new CreateUserRequest("desk" + Random.Shared.Next(1000, 9999), "郑律师", TestData.UserPassword, platform.Id, [LawlineRoles.Agent], labour.Id));
        using var desk = await factory.SignInAsync(user.UserName, TestData.UserPassword);

        await using var citizen = await DialAsync("citizen", $"sip:88812348@{EngineAddress}", "1");
        await labourPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        await Wait.ForAsync(async () => (await desk.GetOkAsync<MyCall>("/api/routing/me/call")).CallRecordId is { } id ? new MyCall(id) : null, () => "no current call on the desk");

        // Bad requests are field errors; the family queue has nobody yet, so the caller waits there with priority.
        var invalid = await desk.PostAsync("/api/routing/me/call", new { action = "transfer", kind = "skill" });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("target", await invalid.Content.ReadAsStringAsync());
        var moved = await desk.PostAsync("/api/routing/me/call", new { action = "transfer", kind = "skill", target = "family" });
        Assert.Equal(System.Net.HttpStatusCode.NoContent, moved.StatusCode);
        await labourPhone.WaitForEventAsync("CALL_CLOSED", TimeSpan.FromSeconds(10));

        var (family, familyPhone) = await StartLawyerAsync(admin, platform.Id, "婚家席冯律师", "FAMILY", 600);
        await using var __ = familyPhone;
        await familyPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await citizen.HangupAsync();

        var record = await RecordAsync(platform.Id, r => r.TalkEndedAt is not null && r.Priority == CallPriority.Transferred);
        Assert.Equal(labour.Id, record.AgentId);
        Assert.Equal("FAMILY", record.SkillCode);
        Assert.Contains("\"kind\":\"skill\"", record.Transfers);
        Assert.Contains("\"target\":\"FAMILY\"", record.Transfers);
        Assert.Equal(2, record.OfferCount);
        Assert.Null(record.AbandonedIn);
    }

    [Fact]
    public async Task A_lawyer_consults_an_expert_while_the_caller_waits_then_hands_the_caller_over()
    {
        using var admin = await factory.AdminAsync();
        var platform = await CreatePlatformAsync(admin, platformCode, PlatformLevel.City, parentId: null, OfficeHours.AlwaysOpen);
        var (first, firstPhone) = await StartLawyerAsync(admin, platform.Id, "首接何律师", "LABOR", 400);
        await using var _ = firstPhone;
        var (expert, expertPhone) = await StartLawyerAsync(admin, platform.Id, "专家吕律师", "FAMILY", 600);
        await using var __ = expertPhone;
        var flow = factory.Services.GetRequiredService<CallFlow>();

        await using var citizen = await DialAsync("citizen", $"sip:88812348@{EngineAddress}", "1");
        await firstPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(30));
        await Wait.UntilAsync(() => flow.CurrentCallRecordOf(new AgentId(first.Id)) is not null, "the desktop never saw the call connected");
        var expertId = expert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Consult: the expert answers the lawyer; the caller is on hold meanwhile.
        var consulted = await flow.ControlAsync(new AgentId(first.Id), new CallControlRequest(CallControlAction.Consult, TransferKind.Agent, expertId), CancellationToken.None);
        Assert.True(consulted.Succeeded, consulted.Error);
        await expertPhone.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(10));
        var again = await flow.ControlAsync(new AgentId(first.Id), new CallControlRequest(CallControlAction.Consult, TransferKind.Agent, expertId), CancellationToken.None);
        Assert.False(again.Succeeded);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var handedOver = await flow.ControlAsync(new AgentId(first.Id), new CallControlRequest(CallControlAction.CompleteConsultation), CancellationToken.None);
        Assert.True(handedOver.Succeeded, handedOver.Error);
        await firstPhone.WaitForEventAsync("CALL_CLOSED", TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(2));
        await citizen.HangupAsync();

        var record = await RecordAsync(platform.Id, r => r.TalkEndedAt is not null);
        Assert.Equal(first.Id, record.AgentId);
        Assert.Contains("\"kind\":\"attended-agent\"", record.Transfers);
        Assert.Contains("\"succeeded\":true", record.Transfers);
        Assert.True(record.CallerHungUpFirst);
        // The expert's voice reached the caller after the hand-over.
        var audio = await WavAnalysis.ReadAsync(record.RecordingPath!);
        Assert.True(WavAnalysis.ToneShare(audio, 600, channel: 1) > 0.1, WavAnalysis.Describe(audio, 400, 600));
    }

    private sealed record MyCall(long? CallRecordId);

    private Task<PlatformDto> CreatePlatformAsync(ApiClient admin, string code, PlatformLevel level, int? parentId, OfficeHours hours) =>
        admin.PostOkAsync<PlatformDto>("/api/platforms", new CreatePlatformRequest(
            code, "规则测试平台" + code[^2..], PlatformKind.LegalService12348, level, parentId, "北京市", hours));

    /// <summary>A lawyer with one skill, an enabled phone account, and a registered baresip phone playing a tone; ready once online.</summary>
    private async Task<(AgentDto Lawyer, BaresipPhone Phone)> StartLawyerAsync(ApiClient admin, int platformId, string name, string skillCode, int toneHz)
    {
        var skills = await admin.GetOkAsync<List<SkillDto>>("/api/skills");
        var skill = skills.Single(s => s.Code == skillCode);
        var firm = await admin.PostOkAsync<LawFirmDto>("/api/law-firms", new SaveLawFirmRequest(platformId, "律师事务所" + name, null, null, null, null));
        var lawyer = await admin.PostOkAsync<AgentDto>("/api/agents", new SaveAgentRequest(
            platformId, AgentKind.DutyLawyer, name, null, "142012015" + Random.Shared.Next(10_000_000, 99_999_999), firm.Id, [new AgentSkillRequest(skill.Id, 2)], null, null, new DateOnly(2026, 1, 5)));
        var account = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts",
            new CreateSipAccountRequest(platformId, "8" + Random.Shared.Next(1000, 9999), name, lawyer.Id, PhonePassword));
        var phone = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = account.Username, Password = PhonePassword, Registrar = EngineAddress, AudioFile = await sounds.ToneAsync(toneHz),
        });
        await phone.WaitForRegistrationAsync();
        // Ready — or already offered a waiting call, which is what ready leads to.
        await Wait.UntilAsync(() => Router.GetAgent(new AgentId(lawyer.Id))?.State is AgentState.Ready or AgentState.Ringing or AgentState.Talking, $"{name} never became ready");
        return (lawyer, phone);
    }

    /// <summary>A citizen's baresip dials, and presses <paramref name="digits"/> in the IVR once connected.</summary>
    private async Task<BaresipPhone> DialAsync(string user, string uri, string? digits)
    {
        var phone = await BaresipPhone.StartAsync(new BaresipOptions { User = user, AudioFile = await sounds.ToneAsync(1000) });
        await phone.DialAsync(uri);
        await phone.WaitForEventAsync("CALL_ESTABLISHED");
        if (digits is not null)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            await phone.SendDtmfAsync(digits);
        }

        return phone;
    }

    private async Task WaitForTrunkAsync() =>
        await Wait.UntilAsync(() => factory.Services.GetRequiredService<SipEngine>().TrunkRegistrations.ContainsKey("carrier"), "the engine never registered with the carrier");

    private Task<CallRecord> RecordAsync(int platformId, Func<CallRecord, bool> done, bool ended = true) => Wait.ForAsync(async () =>
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var records = await db.CallRecords.AsNoTracking().Where(r => r.PlatformId == platformId).ToListAsync();
        return records.FirstOrDefault(r => (!ended || r.EndedAt is not null) && done(r));
    }, () => $"call records: {Describe(platformId)}");

    private Task<CallbackTask> TaskAsync(int platformId, Func<CallbackTask, bool> match) => Wait.ForAsync(async () =>
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tasks = await db.CallbackTasks.AsNoTracking().Where(t => t.PlatformId == platformId).ToListAsync();
        return tasks.FirstOrDefault(match);
    }, () => $"callback tasks: {DescribeTasks(platformId)}");

    private string Describe(int platformId)
    {
        using var scope = factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return string.Join("; ", db.CallRecords.AsNoTracking().Where(r => r.PlatformId == platformId).AsEnumerable()
            .Select(r => $"#{r.Id} {r.Channel} from={r.CallerNumber} skill={r.SkillCode} queued={r.QueuedAt:HH:mm:ss.f} offered={r.OfferedAt:HH:mm:ss.f} answered={r.AnsweredAt:HH:mm:ss.f} agent={r.AgentId} reason={r.AnsweredReason} ended={r.EndCause} ivr={r.IvrPath}"))
            + $" | router: {string.Join("; ", Router.Snapshots().Where(q => q.Waiting > 0 || q.WaitingCallbacks > 0))}";
    }

    private string DescribeTasks(int platformId)
    {
        using var scope = factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return string.Join("; ", db.CallbackTasks.AsNoTracking().Where(t => t.PlatformId == platformId).AsEnumerable()
            .Select(t => $"#{t.Id} {t.Kind} {t.Status} {t.CallerNumber} attempts={t.Attempts}")) + " | " + Describe(platformId);
    }
}
