using System.Net;
using Lawline.Server.Agents;
using Lawline.Server.Callers;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;

namespace Lawline.Server.Tests.Common;

/// <summary>Bad input is a 400 (or 404/409) problem that names the field, never a 500.</summary>
public sealed class ValidationTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    private async Task<(LawlineFactory Factory, ApiClient Admin)> StartAsync()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        return (factory, await factory.AdminAsync());
    }

    [Theory]
    [InlineData("{\"code\": \"X1\",")]
    [InlineData("{\"code\": \"X1\", \"name\": }")]
    [InlineData("not json at all")]
    [InlineData("[1, 2, 3]")]
    [InlineData("\"a string\"")]
    [InlineData("")]
    public async Task Malformed_json_is_a_400_problem(string body)
    {
        var (_, admin) = await StartAsync();

        var problem = await ApiClient.ReadProblemAsync(await admin.SendRawAsync(HttpMethod.Post, "/api/platforms", body), HttpStatusCode.BadRequest);

        Assert.False(string.IsNullOrWhiteSpace(problem.Title));
    }

    [Theory]
    [InlineData("{\"code\":\"X1\",\"name\":\"n\",\"kind\":\"Nonsense\",\"level\":\"City\"}")]
    [InlineData("{\"code\":\"X1\",\"name\":\"n\",\"kind\":\"LegalService12348\",\"level\":\"Village\"}")]
    [InlineData("{\"code\":\"X1\",\"name\":\"n\",\"kind\":\"LegalService12348\",\"level\":\"City\",\"parentId\":\"abc\"}")]
    [InlineData("{\"code\":\"X1\",\"name\":\"n\",\"kind\":\"LegalService12348\",\"level\":\"City\",\"parentId\":1e40}")]
    [InlineData("{\"code\":42,\"name\":\"n\",\"kind\":\"LegalService12348\",\"level\":\"City\"}")]
    [InlineData("{\"code\":\"X1\",\"name\":\"n\",\"kind\":5,\"level\":\"City\"}")]
    [InlineData("{\"code\":\"X1\",\"name\":\"n\",\"kind\":\"LegalService12348\",\"level\":99}")]
    public async Task A_wrong_enum_or_type_is_a_400_problem(string body)
    {
        var (_, admin) = await StartAsync();

        await ApiClient.ReadProblemAsync(await admin.SendRawAsync(HttpMethod.Post, "/api/platforms", body), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_missing_or_unknown_enum_value_is_a_field_error()
    {
        var (_, admin) = await StartAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);

        await ApiClient.ReadFieldErrorAsync(await admin.SendRawAsync(HttpMethod.Post, "/api/platforms",
            $"{{\"code\":\"{Unique.Code("C")}\",\"name\":\"n\",\"kind\":\"LegalService12348\",\"level\":99}}"), "level");
        await ApiClient.ReadFieldErrorAsync(await admin.SendRawAsync(HttpMethod.Post, "/api/platforms",
            $"{{\"code\":\"{Unique.Code("C")}\",\"name\":\"n\",\"level\":\"City\"}}"), "kind");
        await ApiClient.ReadFieldErrorAsync(await admin.SendRawAsync(HttpMethod.Post, "/api/seats",
            $"{{\"platformId\":{platform.Id},\"code\":\"{Unique.Code("S")}\",\"name\":\"n\"}}"), "kind");
        await ApiClient.ReadFieldErrorAsync(await admin.SendRawAsync(HttpMethod.Post, "/api/callers",
            $"{{\"platformId\":{platform.Id},\"phone\":\"{Unique.Mobile()}\",\"type\":42}}"), "type");
        var agent = System.Text.Json.JsonSerializer.SerializeToNode(TestData.DutyLawyer(platform.Id, firm.Id), ApiClient.Json)!.AsObject();
        agent.Remove("kind");
        await ApiClient.ReadFieldErrorAsync(await admin.SendRawAsync(HttpMethod.Post, "/api/agents", agent.ToJsonString()), "kind");

        Assert.DoesNotContain(await admin.GetOkAsync<List<AgentDto>>($"/api/agents?platformId={platform.Id}"), a => a.Name == (string?)agent["name"]);
    }

    [Fact]
    public async Task Missing_required_fields_are_named_in_camelCase()
    {
        var (_, admin) = await StartAsync();
        var platform = await admin.CreatePlatformAsync();

        var platformProblem = await ApiClient.ReadFieldErrorAsync(
            await admin.SendRawAsync(HttpMethod.Post, "/api/platforms", "{\"kind\":\"LegalService12348\",\"level\":\"City\"}"), "code");
        Assert.Contains("name", platformProblem.Errors!.Keys);
        var seatProblem = await ApiClient.ReadFieldErrorAsync(
            await admin.SendRawAsync(HttpMethod.Post, "/api/seats", $"{{\"platformId\":{platform.Id}}}"), "code");
        Assert.Contains("name", seatProblem.Errors!.Keys);
        await ApiClient.ReadFieldErrorAsync(await admin.SendRawAsync(HttpMethod.Post, "/api/callers", $"{{\"platformId\":{platform.Id}}}"), "phone");
        var userProblem = await ApiClient.ReadFieldErrorAsync(await admin.SendRawAsync(HttpMethod.Post, "/api/users", "{}"), "userName");
        Assert.Contains("password", userProblem.Errors!.Keys);
        Assert.Contains("roles", userProblem.Errors!.Keys);
        await ApiClient.ReadFieldErrorAsync(await admin.SendRawAsync(HttpMethod.Post, "/api/auth/token", "{\"userName\":\"admin\"}"), "password");

        foreach (var problem in new[] { platformProblem, seatProblem, userProblem })
        {
            Assert.All(problem.Errors!.Keys, key => Assert.True(char.IsLower(key[0]), $"field '{key}' is not camelCase"));
        }
    }

    [Fact]
    public async Task Too_long_values_and_bad_codes_are_refused_with_the_field()
    {
        var (_, admin) = await StartAsync();

        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/platforms",
            new CreatePlatformRequest("has space", "n", PlatformKind.LegalService12348, PlatformLevel.City, null, null, null)), "code");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/platforms",
            new CreatePlatformRequest(Unique.Code("C"), new string('长', 101), PlatformKind.LegalService12348, PlatformLevel.City, null, null, null)), "name");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/skills",
            new SaveSkillRequest("bad code!", "技能", null, false, false, 1)), "code");
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("abc")]
    [InlineData("1381234567")]
    public async Task An_invalid_phone_number_is_refused_with_the_field(string phone)
    {
        var (_, admin) = await StartAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);

        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/callers",
            new RegisterCallerRequest(platform.Id, phone, null, CallerType.Unspecified, null)), "phone");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/agents", TestData.DutyLawyer(platform.Id, firm.Id, phone)), "mobile");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/law-firms",
            new SaveLawFirmRequest(platform.Id, "电话错误律师事务所", null, null, null, phone)), "contactPhone");
    }

    [Theory]
    [InlineData("123")]
    [InlineData("1234567890123456X")]
    [InlineData("123456789012345678")]
    public async Task An_invalid_licence_number_is_refused_with_the_field(string licence)
    {
        var (_, admin) = await StartAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);

        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/agents",
            TestData.DutyLawyer(platform.Id, firm.Id) with { LicenseNumber = licence }), "licenseNumber");
    }

    [Fact]
    public async Task A_duty_lawyer_needs_a_law_firm_and_a_licence()
    {
        var (_, admin) = await StartAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);

        var problem = await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/agents",
            TestData.DutyLawyer(platform.Id, firm.Id) with { LawFirmId = null, LicenseNumber = null }), "lawFirmId");
        Assert.Contains("licenseNumber", problem.Errors!.Keys);
        // A court clerk needs neither.
        await admin.PostOkAsync<AgentDto>("/api/agents",
            TestData.DutyLawyer(platform.Id, firm.Id) with { Kind = AgentKind.CourtClerk, LawFirmId = null, LicenseNumber = null });
    }

    [Fact]
    public async Task Duplicates_are_a_409_conflict_on_the_field()
    {
        var (_, admin) = await StartAsync();
        var platform = await admin.CreatePlatformAsync();
        var seat = await admin.CreateSeatAsync(platform.Id);
        var firm = await admin.CreateLawFirmAsync(platform.Id);
        var user = await admin.CreateUserAsync(platform.Id, LawlineRoles.Supervisor);
        var skillCode = Unique.Code("K");
        await admin.PostOkAsync<SkillDto>("/api/skills", new SaveSkillRequest(skillCode, "技能" + skillCode, null, false, false, 1));

        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/platforms",
            new CreatePlatformRequest(platform.Code, "重复", PlatformKind.LegalService12348, PlatformLevel.City, null, null, null)), "code", HttpStatusCode.Conflict);
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/seats",
            new SaveSeatRequest(platform.Id, seat.Code, "重复", SeatKind.Phone, null, [])), "code", HttpStatusCode.Conflict);
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/skills",
            new SaveSkillRequest(skillCode, "另一个名字" + skillCode, null, false, false, 1)), "code", HttpStatusCode.Conflict);
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/law-firms",
            new SaveLawFirmRequest(platform.Id, firm.Name, null, null, null, null)), "name", HttpStatusCode.Conflict);
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/users",
            new CreateUserRequest(user.UserName, "重复", TestData.UserPassword, platform.Id, [LawlineRoles.Supervisor], null)), "userName", HttpStatusCode.Conflict);

        // The same seat code on another platform is fine.
        var other = await admin.CreatePlatformAsync();
        await admin.CreateSeatAsync(other.Id, seat.Code);
    }

    [Fact]
    public async Task A_licence_number_belongs_to_one_agent()
    {
        var (_, admin) = await StartAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);
        var first = await admin.PostOkAsync<AgentDto>("/api/agents", TestData.DutyLawyer(platform.Id, firm.Id));
        var elsewhere = await admin.CreatePlatformAsync();
        var elsewhereFirm = await admin.CreateLawFirmAsync(elsewhere.Id);

        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/agents",
            TestData.DutyLawyer(elsewhere.Id, elsewhereFirm.Id) with { LicenseNumber = first.LicenseNumber }), "licenseNumber");
    }

    [Fact]
    public async Task Illegal_agent_status_transitions_are_a_400_on_status()
    {
        var (factory, admin) = await StartAsync();
        var platform = await admin.CreatePlatformAsync();
        var firm = await admin.CreateLawFirmAsync(platform.Id);
        var agent = await admin.CreateAgentAsync(platform.Id, firm.Id);
        var url = $"/api/agents/{agent.Id}";

        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync($"{url}/reinstate", null), "status");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync($"{url}/suspend", new { reason = "" }), "reason");
        var suspended = await admin.PostOkAsync<AgentDto>($"{url}/suspend", new AgentStatusRequest("年度考核待复核"), HttpStatusCode.OK);
        Assert.Equal(AgentStatus.Suspended, suspended.Status);
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync($"{url}/suspend", new AgentStatusRequest("again")), "status");
        var exited = await admin.PostOkAsync<AgentDto>($"{url}/exit", new AgentStatusRequest("退出"), HttpStatusCode.OK);
        Assert.Equal(AgentStatus.Exited, exited.Status);
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync($"{url}/exit", new AgentStatusRequest("again")), "status");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync($"{url}/reinstate", null), "status");

        var now = await admin.GetOkAsync<AgentDto>(url);
        Assert.Equal((AgentStatus.Exited, "退出"), (now.Status, now.StatusReason));
        Assert.Equal(DateOnly.FromDateTime(factory.Clock.GetLocalNow().DateTime), now.StatusChangedOn);
    }

    [Fact]
    public async Task Unknown_ids_are_404_problems()
    {
        var (_, admin) = await StartAsync();
        var platform = await admin.CreatePlatformAsync();
        const int unknown = 987654;

        foreach (var url in new[] { "platforms", "seats", "law-firms", "agents", "callers", "users" }.Select(r => $"/api/{r}/{unknown}")
                     .Append($"/api/agents/{unknown}/contact"))
        {
            await ApiClient.ReadProblemAsync(await admin.GetAsync(url), HttpStatusCode.NotFound);
        }
        await ApiClient.ReadProblemAsync(await admin.PutAsync($"/api/seats/{unknown}",
            new SaveSeatRequest(platform.Id, Unique.Code("S"), "无", SeatKind.Phone, null, [])), HttpStatusCode.NotFound);
        await ApiClient.ReadProblemAsync(await admin.PutAsync($"/api/platforms/{unknown}",
            new UpdatePlatformRequest("无", null, OfficeHours.Default, true)), HttpStatusCode.NotFound);
        await ApiClient.ReadProblemAsync(await admin.PostAsync($"/api/agents/{unknown}/suspend", new AgentStatusRequest("x")), HttpStatusCode.NotFound);
        await ApiClient.ReadProblemAsync(await admin.PostAsync($"/api/users/{unknown}/unlock", null), HttpStatusCode.NotFound);
        // An unknown id inside a body is a field error, not a 404 of the request.
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/seats",
            new SaveSeatRequest(unknown, Unique.Code("S"), "无", SeatKind.Phone, null, [])), "platformId");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/seats",
            new SaveSeatRequest(platform.Id, Unique.Code("S"), "无", SeatKind.Phone, null, [unknown])), "skillIds");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/agents",
            TestData.DutyLawyer(platform.Id, unknown)), "lawFirmId");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/platforms",
            new CreatePlatformRequest(Unique.Code("D"), "无", PlatformKind.LegalService12348, PlatformLevel.District, unknown, null, null)), "parentId");
    }

    [Theory, DatabaseData]
    public async Task Text_with_a_NUL_character_is_never_a_server_error(DatabaseProvider provider)
    {
        // SQLite stores it; PostgreSQL cannot, and the answer is then a 400 problem.
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var responses = new List<HttpResponseMessage>
        {
            await admin.PostAsync("/api/seats", new SaveSeatRequest(platform.Id, Unique.Code("S"), "坐\u0000席", SeatKind.Phone, null, [])),
            await admin.PutAsync($"/api/platforms/{platform.Id}", new UpdatePlatformRequest("平台", "\u0000", OfficeHours.Default, true)),
            await factory.Anonymous().PostAsync("/api/auth/token", new TokenRequest("a\u0000b", "Wrong-Pass-0000")),
            await admin.GetAsync("/api/agents?search=%00"),
            await admin.GetAsync("/api/users?search=a%00b"),
            await admin.GetAsync("/api/callers?phone=%00"),
            await admin.GetAsync("/api/audit?userName=%00"),
        };

        foreach (var response in responses)
        {
            Assert.True((int)response.StatusCode < 500, $"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}");
            if ((int)response.StatusCode >= 400 && response.StatusCode != HttpStatusCode.Unauthorized)
            {
                await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
            }
        }
    }

    [Fact]
    public async Task Platform_tree_rules_are_field_errors()
    {
        var (_, admin) = await StartAsync();
        var (_, district, _) = await admin.CreateCityWithDistrictsAsync();
        var court = await admin.CreatePlatformAsync(kind: PlatformKind.CourtService12368);

        await ApiClient.ReadFieldErrorAsync(await admin.CreatePlatformResponseAsync(district.Id, PlatformKind.LegalService12348), "parentId");
        await ApiClient.ReadFieldErrorAsync(await admin.CreatePlatformResponseAsync(court.Id, PlatformKind.LegalService12348), "kind");
        var backwards = new OfficeHours
        {
            Weekly = [new OpeningSpan { Day = DayOfWeek.Monday, Opens = new TimeOnly(18, 0), Closes = new TimeOnly(9, 0) }],
        };
        await ApiClient.ReadFieldErrorAsync(await admin.PutAsync($"/api/platforms/{district.Id}",
            new UpdatePlatformRequest("反了", null, backwards, true)), "officeHours");
    }
}

internal static class PlatformRequests
{
    public static Task<HttpResponseMessage> CreatePlatformResponseAsync(this ApiClient api, int parentId, PlatformKind kind)
        => api.PostAsync("/api/platforms",
            new CreatePlatformRequest(Unique.Code("D"), "子平台", kind, PlatformLevel.District, parentId, null, null));
}
