using System.Net;
using Lawline.Server.Agents;
using Lawline.Server.Callers;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;

namespace Lawline.Server.Tests.Security;

/// <summary>
/// A city platform with districts A and B, staffed alike. People of district A must not see district B
/// through any endpoint; people of the city see both.
/// </summary>
public sealed class ScopingTests(ScopingTests.Worlds worlds) : IClassFixture<ScopingTests.Worlds>
{
    public sealed record World(
        LawlineFactory Factory, ApiClient Admin, PlatformDto City, StaffedPlatform A, StaffedPlatform B,
        ApiClient SupervisorA, ApiClient AdministratorA, ApiClient ManagerA, ApiClient CitySupervisor, UserDto UserA, UserDto UserB);

    /// <summary>One world per provider, built once through the API and shared by the tests of this class.</summary>
    public sealed class Worlds : IAsyncLifetime
    {
        private readonly SharedInstallations _installations = new();
        private readonly Dictionary<DatabaseProvider, Lazy<Task<World>>> _worlds;

        public Worlds() => _worlds = Enum.GetValues<DatabaseProvider>()
            .ToDictionary(p => p, p => new Lazy<Task<World>>(() => BuildAsync(p)));

        public Task<World> GetAsync(DatabaseProvider provider) => _worlds[provider].Value;

        private async Task<World> BuildAsync(DatabaseProvider provider)
        {
            var factory = await _installations.GetAsync(provider);
            var admin = await factory.AdminAsync();
            var (city, a, b) = await admin.CreateCityWithDistrictsAsync();
            var staffedA = await admin.StaffAsync(a);
            var staffedB = await admin.StaffAsync(b);
            var userA = await admin.CreateUserAsync(a.Id, LawlineRoles.Agent);
            var userB = await admin.CreateUserAsync(b.Id, LawlineRoles.Supervisor);
            // District B's own people leave traces in the audit log of district B.
            using (var supervisorB = await factory.SignInAsync(userB.UserName, TestData.UserPassword))
            {
                await supervisorB.GetOkAsync<CallerDetail>($"/api/callers/{staffedB.Caller.Id}");
                await supervisorB.GetOkAsync<AgentContactDto>($"/api/agents/{staffedB.Agent.Id}/contact");
            }
            return new World(factory, admin, city, staffedA, staffedB,
                await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Supervisor),
                await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Administrator),
                await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.PlatformManager),
                await factory.CreateUserAndSignInAsync(admin, city.Id, LawlineRoles.Supervisor),
                userA, userB);
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public Task DisposeAsync() => _installations.DisposeAsync();
    }

    [Theory, DatabaseData]
    public async Task A_district_supervisor_lists_only_their_district(DatabaseProvider provider)
    {
        var w = await worlds.GetAsync(provider);
        var (a, b) = (w.A, w.B);

        var platforms = (await w.SupervisorA.GetOkAsync<List<PlatformDto>>("/api/platforms")).Select(p => p.Id).ToList();
        Assert.Contains(a.Platform.Id, platforms);
        Assert.DoesNotContain(b.Platform.Id, platforms);
        Assert.DoesNotContain(w.City.Id, platforms);

        await AssertListAsync(w.SupervisorA, "/api/seats", (List<SeatDto> l) => l.Select(x => x.Id), a.Seat.Id, b.Seat.Id);
        await AssertListAsync(w.SupervisorA, "/api/law-firms", (List<LawFirmDto> l) => l.Select(x => x.Id), a.LawFirm.Id, b.LawFirm.Id);
        await AssertListAsync(w.SupervisorA, "/api/agents", (List<AgentDto> l) => l.Select(x => x.Id), a.Agent.Id, b.Agent.Id);
        await AssertListAsync(w.SupervisorA, "/api/callers", (List<CallerSummary> l) => l.Select(x => x.Id), a.Caller.Id, b.Caller.Id);

        // Asking for district B explicitly, or for B's number, finds nothing either.
        Assert.Empty(await w.SupervisorA.GetOkAsync<List<SeatDto>>($"/api/seats?platformId={b.Platform.Id}"));
        Assert.Empty(await w.SupervisorA.GetOkAsync<List<LawFirmDto>>($"/api/law-firms?platformId={b.Platform.Id}"));
        Assert.Empty(await w.SupervisorA.GetOkAsync<List<AgentDto>>($"/api/agents?platformId={b.Platform.Id}"));
        Assert.Empty(await w.SupervisorA.GetOkAsync<List<AgentDto>>($"/api/agents?search={Uri.EscapeDataString(b.Agent.Name)}"));
        Assert.Empty(await w.SupervisorA.GetOkAsync<List<CallerSummary>>($"/api/callers?phone={b.CallerPhone}"));
        Assert.Empty(await w.SupervisorA.GetOkAsync<List<CallerSummary>>($"/api/callers?phone={b.CallerPhone[^4..]}&platformId={b.Platform.Id}"));

        var me = await w.SupervisorA.GetOkAsync<MeResponse>("/api/auth/me");
        Assert.Equal([a.Platform.Id], me.VisiblePlatformIds);
        Assert.False(me.SeesAllPlatforms);
    }

    [Theory, DatabaseData]
    public async Task A_supervisor_sees_neither_the_audit_log_nor_the_user_list(DatabaseProvider provider)
    {
        var w = await worlds.GetAsync(provider);

        Assert.Equal(HttpStatusCode.Forbidden, (await w.SupervisorA.GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await w.SupervisorA.GetAsync("/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await w.SupervisorA.GetAsync($"/api/users/{w.UserB.Id}")).StatusCode);
    }

    [Theory, DatabaseData]
    public async Task A_district_administrator_sees_only_their_district_in_the_audit_log_and_the_user_list(DatabaseProvider provider)
    {
        var w = await worlds.GetAsync(provider);
        var (a, b) = (w.A, w.B);

        var users = (await w.AdministratorA.GetOkAsync<List<UserDto>>("/api/users")).Select(u => u.Id).ToList();
        Assert.Contains(w.UserA.Id, users);
        Assert.DoesNotContain(w.UserB.Id, users);
        Assert.Empty(await w.AdministratorA.GetOkAsync<List<UserDto>>($"/api/users?platformId={b.Platform.Id}"));
        Assert.Empty(await w.AdministratorA.GetOkAsync<List<UserDto>>($"/api/users?search={w.UserB.UserName}"));

        var log = await w.AdministratorA.GetOkAsync<AuditPage>("/api/audit?pageSize=500");
        Assert.NotEmpty(log.Items);
        Assert.All(log.Items, entry => Assert.Equal(a.Platform.Id, entry.PlatformId));
        foreach (var (type, id) in new (string, int)[]
                 {
                     ("Platform", b.Platform.Id), ("Seat", b.Seat.Id), ("LawFirm", b.LawFirm.Id), ("Agent", b.Agent.Id),
                     ("Caller", b.Caller.Id), ("AppUser", w.UserB.Id),
                 })
        {
            var query = $"/api/audit?entityType={type}&entityId={id}";
            Assert.True((await w.Admin.GetOkAsync<AuditPage>(query)).Total > 0, $"the system administrator sees {type} {id}'s audit lines");
            Assert.Equal(0, (await w.AdministratorA.GetOkAsync<AuditPage>(query)).Total);
        }
    }

    [Theory, DatabaseData]
    public async Task The_other_district_records_answer_404(DatabaseProvider provider)
    {
        var w = await worlds.GetAsync(provider);
        var (a, b) = (w.A, w.B);
        string[] Urls(StaffedPlatform p) =>
        [
            $"/api/platforms/{p.Platform.Id}", $"/api/seats/{p.Seat.Id}", $"/api/law-firms/{p.LawFirm.Id}",
            $"/api/agents/{p.Agent.Id}", $"/api/agents/{p.Agent.Id}/contact", $"/api/callers/{p.Caller.Id}",
        ];

        foreach (var url in Urls(a))
        {
            Assert.Equal(HttpStatusCode.OK, (await w.SupervisorA.GetAsync(url)).StatusCode);
        }
        foreach (var url in Urls(b))
        {
            await ApiClient.ReadProblemAsync(await w.SupervisorA.GetAsync(url), HttpStatusCode.NotFound);
        }
        await ApiClient.ReadProblemAsync(await w.ManagerA.GetAsync($"/api/users/{w.UserB.Id}"), HttpStatusCode.NotFound);
        await ApiClient.ReadProblemAsync(await w.AdministratorA.GetAsync($"/api/users/{w.UserB.Id}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await w.AdministratorA.GetAsync($"/api/users/{w.UserA.Id}")).StatusCode);
    }

    [Theory, DatabaseData]
    public async Task A_district_manager_cannot_change_the_other_district_records(DatabaseProvider provider)
    {
        var w = await worlds.GetAsync(provider);
        var (a, b) = (w.A, w.B);

        var seat = new SaveSeatRequest(a.Platform.Id, b.Seat.Code, "拿来", SeatKind.Phone, null, []);
        await ApiClient.ReadProblemAsync(await w.ManagerA.PutAsync($"/api/seats/{b.Seat.Id}", seat), HttpStatusCode.NotFound);
        var agent = TestData.DutyLawyer(a.Platform.Id, a.LawFirm.Id);
        await ApiClient.ReadProblemAsync(await w.ManagerA.PutAsync($"/api/agents/{b.Agent.Id}", agent), HttpStatusCode.NotFound);
        await ApiClient.ReadProblemAsync(await w.ManagerA.PostAsync($"/api/agents/{b.Agent.Id}/suspend", new AgentStatusRequest("越权")), HttpStatusCode.NotFound);
        await ApiClient.ReadProblemAsync(await w.ManagerA.PostAsync($"/api/users/{w.UserB.Id}/unlock", null), HttpStatusCode.NotFound);
        await ApiClient.ReadProblemAsync(await w.ManagerA.PostAsync($"/api/users/{w.UserB.Id}/password", new ResetPasswordRequest("Taken-Over-123")), HttpStatusCode.NotFound);

        // Nothing changed in district B, and B's user still signs in with their own password.
        var seatB = await w.Admin.GetOkAsync<SeatDto>($"/api/seats/{b.Seat.Id}");
        Assert.Equal((b.Platform.Id, b.Seat.Name), (seatB.PlatformId, seatB.Name));
        Assert.Equal(AgentStatus.Admitted, (await w.Admin.GetOkAsync<AgentDto>($"/api/agents/{b.Agent.Id}")).Status);
        using var userB = await w.Factory.SignInAsync(w.UserB.UserName, TestData.UserPassword);
    }

    [Theory, DatabaseData]
    public async Task A_district_manager_cannot_create_or_move_records_onto_the_other_district(DatabaseProvider provider)
    {
        var w = await worlds.GetAsync(provider);
        var (a, b) = (w.A, w.B);
        var code = Unique.Code("S");

        await ApiClient.ReadFieldErrorAsync(await w.ManagerA.PostAsync("/api/seats",
            new SaveSeatRequest(b.Platform.Id, code, "越权坐席", SeatKind.Phone, null, [])), "platformId");
        await ApiClient.ReadFieldErrorAsync(await w.ManagerA.PostAsync("/api/agents",
            TestData.DutyLawyer(b.Platform.Id, a.LawFirm.Id)), "platformId");
        await ApiClient.ReadFieldErrorAsync(await w.ManagerA.PostAsync("/api/users",
            new CreateUserRequest(Unique.UserName("intruder"), "越权用户", TestData.UserPassword, b.Platform.Id, [LawlineRoles.Supervisor], null)), "platformId");
        await ApiClient.ReadFieldErrorAsync(await w.ManagerA.PostAsync("/api/law-firms",
            new SaveLawFirmRequest(b.Platform.Id, "越权律师事务所", null, null, null, null)), "platformId");
        await ApiClient.ReadFieldErrorAsync(await w.ManagerA.PostAsync("/api/callers",
            new RegisterCallerRequest(b.Platform.Id, Unique.Mobile(), null, CallerType.Unspecified, null)), "platformId");
        // Moving one of A's seats to B is refused the same way.
        await ApiClient.ReadFieldErrorAsync(await w.ManagerA.PutAsync($"/api/seats/{a.Seat.Id}",
            new SaveSeatRequest(b.Platform.Id, a.Seat.Code, a.Seat.Name, SeatKind.Phone, null, [])), "platformId");
        // A user of A cannot be moved to B either.
        await ApiClient.ReadFieldErrorAsync(await w.ManagerA.PutAsync($"/api/users/{w.UserA.Id}",
            new UpdateUserRequest("搬走", b.Platform.Id, [LawlineRoles.Agent], null, true)), "platformId");

        Assert.DoesNotContain(await w.Admin.GetOkAsync<List<SeatDto>>($"/api/seats?platformId={b.Platform.Id}"), s => s.Code == code);
        Assert.Equal(a.Platform.Id, (await w.Admin.GetOkAsync<SeatDto>($"/api/seats/{a.Seat.Id}")).PlatformId);
        Assert.Equal(a.Platform.Id, (await w.Admin.GetOkAsync<UserDto>($"/api/users/{w.UserA.Id}")).PlatformId);
    }

    [Theory, DatabaseData]
    public async Task A_district_manager_cannot_grant_the_administrator_role(DatabaseProvider provider)
    {
        var w = await worlds.GetAsync(provider);
        var userName = Unique.UserName("admin2");

        await ApiClient.ReadFieldErrorAsync(await w.ManagerA.PostAsync("/api/users",
            new CreateUserRequest(userName, "想当管理员", TestData.UserPassword, w.A.Platform.Id, [LawlineRoles.Administrator], null)), "roles");
        await ApiClient.ReadFieldErrorAsync(await w.ManagerA.PutAsync($"/api/users/{w.UserA.Id}",
            new UpdateUserRequest("升级", w.A.Platform.Id, [LawlineRoles.Agent, LawlineRoles.Administrator], null, true)), "roles");

        Assert.DoesNotContain(await w.Admin.GetOkAsync<List<UserDto>>($"/api/users?search={userName}"), u => u.UserName == userName);
        Assert.DoesNotContain(LawlineRoles.Administrator, (await w.Admin.GetOkAsync<UserDto>($"/api/users/{w.UserA.Id}")).Roles);
    }

    [Theory, DatabaseData]
    public async Task A_district_manager_cannot_create_platforms_or_skills(DatabaseProvider provider)
    {
        var w = await worlds.GetAsync(provider);

        Assert.Equal(HttpStatusCode.Forbidden, (await w.ManagerA.PostAsync("/api/platforms",
            new CreatePlatformRequest(Unique.Code("X"), "越权平台", PlatformKind.LegalService12348, PlatformLevel.District, w.A.Platform.Id, null, null))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await w.ManagerA.PostAsync("/api/skills",
            new SaveSkillRequest(Unique.Code("K"), "越权技能", null, false, false, 1))).StatusCode);
    }

    [Theory, DatabaseData]
    public async Task A_city_user_sees_both_districts(DatabaseProvider provider)
    {
        var w = await worlds.GetAsync(provider);
        var (a, b) = (w.A, w.B);

        var platforms = (await w.CitySupervisor.GetOkAsync<List<PlatformDto>>("/api/platforms")).Select(p => p.Id).ToList();
        Assert.Equal([w.City.Id, a.Platform.Id, b.Platform.Id], platforms.Order());

        var seats = (await w.CitySupervisor.GetOkAsync<List<SeatDto>>("/api/seats")).Select(x => x.Id).ToList();
        var firms = (await w.CitySupervisor.GetOkAsync<List<LawFirmDto>>("/api/law-firms")).Select(x => x.Id).ToList();
        var agents = (await w.CitySupervisor.GetOkAsync<List<AgentDto>>("/api/agents")).Select(x => x.Id).ToList();
        var callers = (await w.CitySupervisor.GetOkAsync<List<CallerSummary>>("/api/callers")).Select(x => x.Id).ToList();
        foreach (var district in new[] { a, b })
        {
            Assert.Contains(district.Seat.Id, seats);
            Assert.Contains(district.LawFirm.Id, firms);
            Assert.Contains(district.Agent.Id, agents);
            Assert.Contains(district.Caller.Id, callers);
            Assert.Equal(HttpStatusCode.OK, (await w.CitySupervisor.GetAsync($"/api/callers/{district.Caller.Id}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await w.CitySupervisor.GetAsync($"/api/agents/{district.Agent.Id}/contact")).StatusCode);
        }
    }

    private static async Task AssertListAsync<T>(ApiClient client, string url, Func<T, IEnumerable<int>> ids, int own, int other)
    {
        var list = ids(await client.GetOkAsync<T>(url)).ToList();
        Assert.Contains(own, list);
        Assert.DoesNotContain(other, list);
    }
}
