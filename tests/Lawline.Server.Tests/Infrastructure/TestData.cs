using System.Net;
using System.Security.Cryptography;
using Lawline.Server.Agents;
using Lawline.Server.Callers;
using Lawline.Server.Platforms;
using Lawline.Server.Security;

namespace Lawline.Server.Tests.Infrastructure;

/// <summary>Values that must not collide between tests sharing an installation.</summary>
public static class Unique
{
    public static string Code(string prefix) => $"{prefix}-{RandomNumberGenerator.GetHexString(8, lowercase: false)}";

    public static string UserName(string prefix) => $"{prefix}.{RandomNumberGenerator.GetHexString(8, lowercase: true)}";

    /// <summary>A valid Chinese mobile number, national form (139 xxxx xxxx).</summary>
    public static string Mobile() => "139" + Digits(8);

    /// <summary>A lawyer's practising licence number: 17 digits.</summary>
    public static string LicenceNumber() => "1" + Digits(16);

    private static string Digits(int count)
        => string.Concat(Enumerable.Range(0, count).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));
}

/// <summary>A district (or city) platform with one of everything on it.</summary>
public sealed record StaffedPlatform(PlatformDto Platform, SeatDto Seat, LawFirmDto LawFirm, AgentDto Agent, CallerDetail Caller, string CallerPhone);

/// <summary>
/// Small builders for test data. Everything goes through the real API as the given client, so the data is
/// what a user of that role could have created (and the audit log has the lines such a user leaves).
/// </summary>
public static class TestData
{
    public const string UserPassword = "User-Pass-1357";

    public static Task<PlatformDto> CreatePlatformAsync(this ApiClient api, string? code = null, int? parentId = null,
        PlatformLevel level = PlatformLevel.City, PlatformKind kind = PlatformKind.LegalService12348)
    {
        code ??= Unique.Code(parentId is null ? "C" : "D");
        return api.PostOkAsync<PlatformDto>("/api/platforms",
            new CreatePlatformRequest(code, $"平台 {code}", kind, level, parentId, "湖北省武汉市", null));
    }

    /// <summary>A city platform with two district sub-platforms A and B.</summary>
    public static async Task<(PlatformDto City, PlatformDto A, PlatformDto B)> CreateCityWithDistrictsAsync(this ApiClient admin)
    {
        var city = await admin.CreatePlatformAsync();
        var a = await admin.CreatePlatformAsync(parentId: city.Id);
        var b = await admin.CreatePlatformAsync(parentId: city.Id);
        return (city, a, b);
    }

    public static Task<SeatDto> CreateSeatAsync(this ApiClient api, int platformId, string? code = null)
    {
        code ??= Unique.Code("S");
        return api.PostOkAsync<SeatDto>("/api/seats", new SaveSeatRequest(platformId, code, $"坐席 {code}", SeatKind.Phone, null, []));
    }

    public static Task<LawFirmDto> CreateLawFirmAsync(this ApiClient api, int platformId)
        => api.PostOkAsync<LawFirmDto>("/api/law-firms",
            new SaveLawFirmRequest(platformId, $"律师事务所 {Unique.Code("F")}", null, "武汉市江岸区测试路1号", "张主任", "027-85551234"));

    public static SaveAgentRequest DutyLawyer(int platformId, int lawFirmId, string? mobile = null, int? seatId = null)
        => new(platformId, AgentKind.DutyLawyer, $"律师{Unique.Code("A")}", mobile ?? Unique.Mobile(), Unique.LicenceNumber(),
            lawFirmId, null, "劳动争议", seatId, new DateOnly(2024, 3, 1));

    public static Task<AgentDto> CreateAgentAsync(this ApiClient api, int platformId, int lawFirmId, string? mobile = null)
        => api.PostOkAsync<AgentDto>("/api/agents", DutyLawyer(platformId, lawFirmId, mobile));

    public static async Task<CallerDetail> RegisterCallerAsync(this ApiClient api, int platformId, string phone, string? name = "王来电")
    {
        var response = await api.PostAsync("/api/callers", new RegisterCallerRequest(platformId, phone, name, CallerType.Unspecified, null));
        return await ApiClient.ReadAsync<CallerDetail>(response, HttpStatusCode.Created);
    }

    /// <summary>A seat, a law firm, a duty lawyer and a caller on the platform.</summary>
    public static async Task<StaffedPlatform> StaffAsync(this ApiClient admin, PlatformDto platform)
    {
        var seat = await admin.CreateSeatAsync(platform.Id);
        var firm = await admin.CreateLawFirmAsync(platform.Id);
        var agent = await admin.CreateAgentAsync(platform.Id, firm.Id);
        var phone = Unique.Mobile();
        var caller = await admin.RegisterCallerAsync(platform.Id, phone);
        return new StaffedPlatform(platform, seat, firm, agent, caller, phone);
    }

    public static Task<UserDto> CreateUserAsync(this ApiClient api, int? platformId, params string[] roles)
        => api.PostOkAsync<UserDto>("/api/users",
            new CreateUserRequest(Unique.UserName(roles.FirstOrDefault()?.ToLowerInvariant() ?? "user"), "测试用户", UserPassword, platformId, roles, null));

    /// <summary>Creates a user with these roles on the platform and returns a client signed in as them.</summary>
    public static async Task<ApiClient> CreateUserAndSignInAsync(this LawlineFactory factory, ApiClient admin, int? platformId, params string[] roles)
    {
        var user = await admin.CreateUserAsync(platformId, roles);
        return await factory.SignInAsync(user.UserName, UserPassword);
    }
}
