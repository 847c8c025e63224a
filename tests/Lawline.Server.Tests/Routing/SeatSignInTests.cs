using System.Net;
using Lawline.Server.Agents;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;

namespace Lawline.Server.Tests.Routing;

/// <summary>
/// The duty roster (排班) and signing in at a seat from the desk: clashing shifts are refused, the desk offers the
/// rostered seat, a seat holds one agent, the agent answers the seat's skills while there, and logging out frees it.
/// </summary>
public sealed class SeatSignInTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    private sealed record Office(LawlineFactory Factory, ApiClient Admin, ApiClient Manager, PlatformDto Platform, SeatDto Labour, SeatDto Family,
        AgentDto Wang, ApiClient WangDesk, AgentDto Li, ApiClient LiDesk);

    private async Task<Office> OfficeAsync(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);
        var skills = await admin.GetOkAsync<List<SkillDto>>("/api/skills");
        int Skill(string code) => skills.Single(s => s.Code == code).Id;
        var labour = await admin.PostOkAsync<SeatDto>("/api/seats", new SaveSeatRequest(platform.Id, "01", "劳动争议席", SeatKind.Phone, null, [Skill("LABOR")]));
        var family = await admin.PostOkAsync<SeatDto>("/api/seats", new SaveSeatRequest(platform.Id, "02", "婚姻家庭席", SeatKind.Phone, null, [Skill("FAMILY")]));
        var wang = await admin.PostOkAsync<AgentDto>("/api/agents", TestData.DutyLawyer(platform.Id, firm.Id) with { Skills = [new AgentSkillRequest(Skill("LABOR"), 3)] });
        var li = await admin.PostOkAsync<AgentDto>("/api/agents", TestData.DutyLawyer(platform.Id, firm.Id) with { Skills = [new AgentSkillRequest(Skill("FAMILY"), 2)] });
        await factory.MakeRemoteSeatAsync(wang.Id);
        await factory.MakeRemoteSeatAsync(li.Id);
        return new Office(factory, admin, await SignInAsync(factory, admin, platform.Id, null, LawlineRoles.PlatformManager), platform, labour, family,
            wang, await SignInAsync(factory, admin, platform.Id, wang.Id, LawlineRoles.Agent), li, await SignInAsync(factory, admin, platform.Id, li.Id, LawlineRoles.Agent));
    }

    private static async Task<ApiClient> SignInAsync(LawlineFactory factory, ApiClient admin, int platformId, int? agentId, string role)
    {
        var user = await admin.PostOkAsync<UserDto>("/api/users",
            new CreateUserRequest(Unique.UserName("seat"), "坐席用户", TestData.UserPassword, platformId, [role], agentId));
        return await factory.SignInAsync(user.UserName, TestData.UserPassword);
    }

    private static DateOnly Today(LawlineFactory factory) => DutyTimes.Today(factory.Clock.GetUtcNow());

    [Theory, DatabaseData]
    public async Task Shifts_that_clash_on_a_seat_or_an_agent_are_refused_and_a_week_copies_forward(DatabaseProvider provider)
    {
        var o = await OfficeAsync(provider);
        var monday = Today(o.Factory).AddDays(14 - (int)Today(o.Factory).DayOfWeek + 1);

        var morning = await o.Manager.PostOkAsync<DutyRosterEntryDto>("/api/roster",
            new SaveDutyRosterEntryRequest(o.Labour.Id, o.Wang.Id, monday, new TimeOnly(8, 30), new TimeOnly(12, 0)), HttpStatusCode.Created);
        Assert.Equal(("01", o.Wang.Name), (morning.SeatCode, morning.AgentName));

        // The same seat at an overlapping time, and the same lawyer in another seat at an overlapping time.
        var seatTaken = await o.Manager.PostAsync("/api/roster", new SaveDutyRosterEntryRequest(o.Labour.Id, o.Li.Id, monday, new TimeOnly(11, 0), new TimeOnly(14, 0)));
        Assert.Equal(HttpStatusCode.Conflict, seatTaken.StatusCode);
        Assert.Contains($"already has {o.Wang.Name} on duty", await seatTaken.Content.ReadAsStringAsync());
        var busyLawyer = await o.Manager.PostAsync("/api/roster", new SaveDutyRosterEntryRequest(o.Family.Id, o.Wang.Id, monday, new TimeOnly(9, 0), new TimeOnly(10, 0)));
        Assert.Equal(HttpStatusCode.Conflict, busyLawyer.StatusCode);

        // A night shift runs past midnight into the next morning's shift of the same seat.
        await o.Manager.PostOkAsync<DutyRosterEntryDto>("/api/roster",
            new SaveDutyRosterEntryRequest(o.Family.Id, o.Li.Id, monday, new TimeOnly(22, 0), new TimeOnly(6, 0)), HttpStatusCode.Created);
        var early = await o.Manager.PostAsync("/api/roster", new SaveDutyRosterEntryRequest(o.Family.Id, o.Wang.Id, monday.AddDays(1), new TimeOnly(5, 0), new TimeOnly(9, 0)));
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);

        // A lawyer does not plan the roster; a shift of another platform's seat is a field error.
        await ApiClient.ExpectStatusAsync(await o.WangDesk.PostAsync("/api/roster",
            new SaveDutyRosterEntryRequest(o.Labour.Id, o.Wang.Id, monday.AddDays(2), new TimeOnly(8, 0), new TimeOnly(9, 0))), HttpStatusCode.Forbidden);

        // Next week like this one: both shifts copy; copying again skips them all.
        var copied = await o.Manager.PostOkAsync<CopyRosterWeekResult>("/api/roster/copy-week", new CopyRosterWeekRequest(o.Platform.Id, monday, monday.AddDays(7)), HttpStatusCode.OK);
        Assert.Equal(new CopyRosterWeekResult(2, 0), copied);
        Assert.Equal(new CopyRosterWeekResult(0, 2), await o.Manager.PostOkAsync<CopyRosterWeekResult>("/api/roster/copy-week", new CopyRosterWeekRequest(o.Platform.Id, monday, monday.AddDays(7)), HttpStatusCode.OK));
        var nextWeek = await o.Manager.GetOkAsync<List<DutyRosterEntryDto>>($"/api/roster?platformId={o.Platform.Id}&from={monday.AddDays(7):yyyy-MM-dd}&to={monday.AddDays(13):yyyy-MM-dd}");
        Assert.Equal(["01 08:30", "02 22:00"], nextWeek.Select(e => $"{e.SeatCode} {e.Start:HH\\:mm}"));
        var badCopy = await o.Manager.PostAsync("/api/roster/copy-week", new CopyRosterWeekRequest(o.Platform.Id, monday.AddDays(1), monday.AddDays(8)));
        Assert.Equal(HttpStatusCode.BadRequest, badCopy.StatusCode);
    }

    [Theory, DatabaseData]
    public async Task A_lawyer_signs_in_at_the_rostered_seat_answers_its_skills_and_logging_out_frees_it(DatabaseProvider provider)
    {
        var o = await OfficeAsync(provider);
        var now = o.Factory.Clock.GetUtcNow().ToOffset(DutyTimes.Offset);
        var start = TimeOnly.FromDateTime(now.AddMinutes(-30).DateTime);
        var end = TimeOnly.FromDateTime(now.AddHours(3).DateTime);
        var shiftDay = DateOnly.FromDateTime(now.AddMinutes(-30).DateTime);
        // Li is rostered in the labour seat now, though Li's own skill is family disputes.
        var shift = await o.Manager.PostOkAsync<DutyRosterEntryDto>("/api/roster", new SaveDutyRosterEntryRequest(o.Labour.Id, o.Li.Id, shiftDay, start, end), HttpStatusCode.Created);

        var offered = await o.LiDesk.GetOkAsync<MySeatDto>("/api/routing/me/seat");
        Assert.Null(offered.Current);
        Assert.Equal(shift.Id, offered.Shift?.Id);
        Assert.Equal(["01", "02"], offered.Seats.Select(s => s.Code));

        var seated = await o.LiDesk.PutOkAsync<MySeatDto>("/api/routing/me/seat", new SignInSeatRequest(o.Labour.Id));
        Assert.Equal(("01", shift.Id), (seated.Current?.SeatCode, seated.Current?.RosterEntryId));
        var desk = await o.LiDesk.GetOkAsync<AgentDeskDto>("/api/routing/me");
        Assert.Equal("01", desk.Agent.SeatCode);
        // At the labour seat Li answers labour calls (at level 1: not Li's own skill), not family ones.
        Assert.Equal(["LABOR:1"], desk.Agent.Skills.Select(s => $"{s.Code}:{s.Level}"));

        // Wang finds the seat taken; the list says by whom.
        var taken = await o.WangDesk.PutAsync("/api/routing/me/seat", new SignInSeatRequest(o.Labour.Id));
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Contains($"taken by {o.Li.Name}", await taken.Content.ReadAsStringAsync());
        Assert.Equal(o.Li.Name, (await o.WangDesk.GetOkAsync<MySeatDto>("/api/routing/me/seat")).Seats.Single(s => s.Code == "01").OccupiedBy);
        var elsewhere = await o.WangDesk.PutAsync("/api/routing/me/seat", new SignInSeatRequest(99_999));
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);

        // The supervisors' wallboard counts one seat rostered and one signed in on the platform.
        var wall = await o.Manager.GetOkAsync<Lawline.Server.Routing.Live.WallboardView>("/api/routing/wallboard");
        var card = wall.Platforms.Single(p => p.PlatformId == o.Platform.Id);
        Assert.Equal((1, 1), (card.RosteredSeats, card.SignedInSeats));

        // Logging out leaves the seat: Wang can take it, and Li has their own skill again.
        await o.LiDesk.PutOkAsync<AgentDeskDto>("/api/routing/me/state", new SetMyStateRequest("offline", null));
        Assert.Null((await o.LiDesk.GetOkAsync<MySeatDto>("/api/routing/me/seat")).Current);
        Assert.Equal(["FAMILY:2"], (await o.LiDesk.GetOkAsync<AgentDeskDto>("/api/routing/me")).Agent.Skills.Select(s => $"{s.Code}:{s.Level}"));
        var wangSeated = await o.WangDesk.PutOkAsync<MySeatDto>("/api/routing/me/seat", new SignInSeatRequest(o.Labour.Id));
        Assert.Equal("01", wangSeated.Current?.SeatCode);
        Assert.Null(wangSeated.Current?.RosterEntryId);
    }
}
