using System.Net;
using System.Net.Http.Headers;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using static Lawline.Server.Tests.Routing.RoutingTestData;

namespace Lawline.Server.Tests.Routing;

/// <summary>Callbacks and voicemails for supervisors (<c>/api/callbacks</c>) and the recordings behind them (<c>/api/calls/{id}/recording</c>).</summary>
public sealed class CallbacksApiTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    [Theory, DatabaseData]
    public async Task A_supervisor_lists_the_callbacks_of_their_platforms_newest_first_with_the_call_behind_each(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (city, district, otherDistrict) = await admin.CreateCityWithDistrictsAsync();
        var now = AgentStateRecorderTests.WholeSecond(factory);
        var mobile = Unique.Mobile();
        var recording = WriteRecording(Path.Combine(factory.Database.DataDirectory, "recordings"), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5));
        var queued = await factory.SeedCallbackAsync(new CallbackSeed(district.Id, CallbackKind.QueueCallback, "+86" + mobile)
        {
            ArrivedAt = now.AddHours(-3), DueAt = now.AddMinutes(-30), Requests = 3, Attempts = 2,
        });
        var voicemail = await factory.SeedCallbackAsync(new CallbackSeed(district.Id, CallbackKind.Voicemail, "+86" + mobile)
        {
            ArrivedAt = now.AddHours(-2), DueAt = now.AddHours(5), VoicemailAfter = TimeSpan.FromSeconds(14.5), RecordingPath = recording,
        });
        var rating = await factory.SeedCallbackAsync(new CallbackSeed(city.Id, CallbackKind.LowRating, "+86" + mobile)
        {
            ArrivedAt = now.AddHours(-1), Rating = CallRating.Dissatisfied, SkillCode = null,
        });
        var elsewhere = await factory.SeedCallbackAsync(new CallbackSeed(otherDistrict.Id, CallbackKind.Voicemail, "+86" + mobile));
        using var citySupervisor = await factory.CreateUserAndSignInAsync(admin, city.Id, LawlineRoles.Supervisor);
        using var districtSupervisor = await factory.CreateUserAndSignInAsync(admin, district.Id, LawlineRoles.Supervisor);

        var page = await citySupervisor.GetOkAsync<CallbackPage>("/api/callbacks");
        Assert.Equal([elsewhere.TaskId, rating.TaskId, voicemail.TaskId, queued.TaskId], page.Items.Select(t => t.Id));
        // A 回访 is not closed as a bare "done": it needs its outcome.
        await ApiClient.ReadFieldErrorAsync(await citySupervisor.PostAsync($"/api/callbacks/{rating.TaskId}/done", new CloseCallbackRequest("已回访")), "outcome");
        Assert.Equal(4, page.Total);
        var (r, v, q) = (page.Items[1], page.Items[2], page.Items[3]);
        Assert.Equal((CallbackKind.LowRating, CallRating.Dissatisfied, city.Name), (r.Kind, r.Rating, r.PlatformName));
        Assert.Equal((CallbackKind.Voicemail, 14.5, RecordingUrl(voicemail.CallRecordId), now.AddHours(-2)),
            (v.Kind, v.VoicemailOffsetSeconds, v.RecordingUrl, v.CallArrivedAt));
        Assert.Equal((CallbackKind.QueueCallback, (double?)null, (string?)null, 3, 2), (q.Kind, q.VoicemailOffsetSeconds, q.RecordingUrl, q.Requests, q.Attempts));
        Assert.Equal(("劳动争议", district.Name), (q.SkillName, q.PlatformName));
        // A supervisor calls people back: the number in full.
        Assert.All(page.Items, t => Assert.Equal((mobile, false), (t.CallerNumber, t.CallerNumberMasked)));
        // Only the queue callback is past its due time.
        Assert.Equal([false, false, false, true], page.Items.Select(t => t.IsOverdue));

        // A district supervisor sees their district only: not the city's task, not the other district's.
        var districtPage = await districtSupervisor.GetOkAsync<CallbackPage>("/api/callbacks");
        Assert.Equal([voicemail.TaskId, queued.TaskId], districtPage.Items.Select(t => t.Id));
        var filtered = await districtSupervisor.GetOkAsync<CallbackPage>("/api/callbacks?status=Pending&kind=Voicemail");
        Assert.Equal([voicemail.TaskId], filtered.Items.Select(t => t.Id));
        var second = await districtSupervisor.GetOkAsync<CallbackPage>("/api/callbacks?page=2&pageSize=1");
        Assert.Equal([queued.TaskId], second.Items.Select(t => t.Id));
        Assert.Equal((2, 2), (second.Total, second.Page));
    }

    [Theory, DatabaseData]
    public async Task Roles_that_do_not_call_people_back_see_the_number_masked_and_lawyers_see_no_list(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var mobile = Unique.Mobile();
        var task = await factory.SeedCallbackAsync(new CallbackSeed(platform.Id, CallbackKind.ClosedHours, "+86" + mobile));
        using var manager = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.PlatformManager);
        using var administrator = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Administrator);
        using var inspector = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.QaInspector);
        using var lawyer = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Agent);

        var full = Assert.Single((await manager.GetOkAsync<CallbackPage>("/api/callbacks")).Items);
        Assert.Equal((task.TaskId, mobile, false), (full.Id, full.CallerNumber, full.CallerNumberMasked));
        var masked = Assert.Single((await administrator.GetOkAsync<CallbackPage>("/api/callbacks")).Items);
        Assert.Equal(($"{mobile[..3]}****{mobile[^4..]}", true), (masked.CallerNumber, masked.CallerNumberMasked));
        Assert.Equal(HttpStatusCode.Forbidden, (await inspector.GetAsync("/api/callbacks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lawyer.GetAsync("/api/callbacks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lawyer.PostAsync($"/api/callbacks/{task.TaskId}/done", new CloseCallbackRequest(null))).StatusCode);
    }

    [Theory, DatabaseData]
    public async Task A_supervisor_marks_one_callback_done_and_cancels_another_with_a_reason_once(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (_, district, otherDistrict) = await admin.CreateCityWithDistrictsAsync();
        var reached = await factory.SeedCallbackAsync(new CallbackSeed(district.Id, CallbackKind.Voicemail, "+8613900001111")
        {
            DueAt = factory.Clock.GetUtcNow().AddHours(-1),
        });
        var withdrawn = await factory.SeedCallbackAsync(new CallbackSeed(district.Id, CallbackKind.QueueCallback, "+8613900002222")
        {
            Status = CallbackStatus.Expired,
        });
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, district.Id, LawlineRoles.Supervisor);
        using var outsider = await factory.CreateUserAndSignInAsync(admin, otherDistrict.Id, LawlineRoles.Supervisor);
        var now = AgentStateRecorderTests.WholeSecond(factory);

        await ApiClient.ReadProblemAsync(await outsider.PostAsync($"/api/callbacks/{reached.TaskId}/done", new CloseCallbackRequest("越权")), HttpStatusCode.NotFound);
        var done = await supervisor.PostOkAsync<CallbackTaskDto>($"/api/callbacks/{reached.TaskId}/done", new CloseCallbackRequest("  已回电，来电人已咨询完毕  "), HttpStatusCode.OK);
        Assert.Equal((CallbackStatus.Done, now, "已回电，来电人已咨询完毕", false), (done.Status, done.CompletedAt, done.Note, done.IsOverdue));

        var again = await ApiClient.ReadProblemAsync(await supervisor.PostAsync($"/api/callbacks/{reached.TaskId}/done", new CloseCallbackRequest(null)), HttpStatusCode.Conflict);
        Assert.Contains("already Done", again.Detail);
        await ApiClient.ReadProblemAsync(await supervisor.PostAsync($"/api/callbacks/{reached.TaskId}/cancel", new CloseCallbackRequest("重复")), HttpStatusCode.Conflict);

        var noReason = await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync($"/api/callbacks/{withdrawn.TaskId}/cancel", new CloseCallbackRequest("   ")), "note");
        Assert.Contains("reason", noReason.Errors!["note"][0]);
        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync($"/api/callbacks/{withdrawn.TaskId}/cancel", new CloseCallbackRequest(new string('长', 1001))), "note");
        var cancelled = await supervisor.PostOkAsync<CallbackTaskDto>($"/api/callbacks/{withdrawn.TaskId}/cancel", new CloseCallbackRequest("号码为空号"), HttpStatusCode.OK);
        Assert.Equal((CallbackStatus.Cancelled, "号码为空号"), (cancelled.Status, cancelled.Note));
        await ApiClient.ReadProblemAsync(await supervisor.PostAsync($"/api/callbacks/{withdrawn.TaskId}/done", new CloseCallbackRequest(null)), HttpStatusCode.Conflict);

        var listed = (await supervisor.GetOkAsync<CallbackPage>("/api/callbacks?status=Done")).Items;
        Assert.Equal([reached.TaskId], listed.Select(t => t.Id));
        var log = await admin.GetOkAsync<AuditPage>($"/api/audit?entityType=CallbackTask&entityId={withdrawn.TaskId}&action=Update");
        var entry = Assert.Single(log.Items);
        Assert.Equal((supervisor.UserName, district.Id), (entry.UserName, entry.PlatformId));
        Assert.Contains("\"Status\":\"Cancelled\"", entry.Details);
        Assert.Contains("号码为空号", entry.Details);
    }

    [Theory, DatabaseData]
    public async Task A_recording_streams_with_ranges_to_people_of_its_platform_and_every_listening_is_audited(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (_, district, otherDistrict) = await admin.CreateCityWithDistrictsAsync();
        var path = WriteRecording(Path.Combine(factory.Database.DataDirectory, "recordings"), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1));
        var call = await factory.SeedCallbackAsync(new CallbackSeed(district.Id, CallbackKind.Voicemail, "+8613900003333")
        {
            RecordingPath = path, VoicemailAfter = TimeSpan.FromSeconds(2),
        });
        var silent = await factory.SeedCallbackAsync(new CallbackSeed(district.Id, CallbackKind.Voicemail, "+8613900004444"));
        var lost = await factory.SeedCallbackAsync(new CallbackSeed(district.Id, CallbackKind.Voicemail, "+8613900005555")
        {
            RecordingPath = Path.Combine(factory.Database.DataDirectory, "recordings", "gone.wav"),
        });
        using var inspector = await factory.CreateUserAndSignInAsync(admin, district.Id, LawlineRoles.QaInspector);
        using var outsider = await factory.CreateUserAndSignInAsync(admin, otherDistrict.Id, LawlineRoles.Supervisor);
        using var lawyer = await factory.CreateUserAndSignInAsync(admin, district.Id, LawlineRoles.Agent);
        var url = RecordingUrl(call.CallRecordId);
        var reads = $"/api/audit?action=ReadPersonalData&entityType=CallRecord&entityId={call.CallRecordId}";

        var whole = await inspector.GetAsync(url);
        await ApiClient.ExpectStatusAsync(whole, HttpStatusCode.OK);
        Assert.Equal("audio/wav", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        Assert.Equal(await File.ReadAllBytesAsync(path), await whole.Content.ReadAsByteArrayAsync());

        // A player seeking to the message asks for a range: it gets those bytes, and the same listening is one audit line.
        using var seek = new HttpRequestMessage(HttpMethod.Get, url);
        seek.Headers.Range = new RangeHeaderValue(44 + 2 * 8000 * 4, 44 + 2 * 8000 * 4 + 3999);
        var part = await inspector.Http.SendAsync(seek);
        await ApiClient.ExpectStatusAsync(part, HttpStatusCode.PartialContent);
        Assert.Equal(4000, (await part.Content.ReadAsByteArrayAsync()).Length);
        var entry = Assert.Single((await admin.GetOkAsync<AuditPage>(reads)).Items);
        Assert.Equal((inspector.UserName, district.Id, AuditAction.ReadPersonalData), (entry.UserName, entry.PlatformId, entry.Action));

        factory.Clock.Advance(CallbackService.ListeningWindow + TimeSpan.FromSeconds(1));
        await ApiClient.ExpectStatusAsync(await inspector.GetAsync(url), HttpStatusCode.OK);
        Assert.Equal(2, (await admin.GetOkAsync<AuditPage>(reads)).Total);

        // Another platform's supervisor learns nothing, not even that the call exists; lawyers do not listen here.
        await ApiClient.ReadProblemAsync(await outsider.GetAsync(url), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, (await lawyer.GetAsync(url)).StatusCode);
        Assert.Equal(2, (await admin.GetOkAsync<AuditPage>(reads)).Total);

        var none = await ApiClient.ReadProblemAsync(await inspector.GetAsync(RecordingUrl(silent.CallRecordId)), HttpStatusCode.NotFound);
        Assert.Contains("has no recording", none.Detail);
        var missing = await ApiClient.ReadProblemAsync(await inspector.GetAsync(RecordingUrl(lost.CallRecordId)), HttpStatusCode.NotFound);
        Assert.Contains("missing", missing.Detail);
        await ApiClient.ReadProblemAsync(await inspector.GetAsync("/api/calls/999999999/recording"), HttpStatusCode.NotFound);
    }

    private static string RecordingUrl(long callRecordId) => $"/api/calls/{callRecordId}/recording";
}
