using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;

namespace Lawline.Server.Tests.Common;

/// <summary>
/// Posts a few hundred random and mutated JSON bodies to the write endpoints: whatever comes in, the answer
/// is never a server error. The seed is fixed, so a failure reproduces.
/// </summary>
public sealed class FuzzTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    private const int Seed = 12348;
    private const int CasesPerProvider = 400;

    private static readonly JsonNode?[] OddValues =
    [
        null, "", " ", "\t\n", new string('x', 5000), "中文字段值", "😀🙂", "\u0000", "a\u0000b", "\u202e", "<script>", "' OR 1=1 --",
        "../../etc/passwd", "%00", "13812345678", "+86", "2024-02-30", "9999-12-31", "0001-01-01", "00:00",
        0, -1, 1, int.MaxValue, int.MinValue, long.MaxValue, 1e300, -0.5, 3.14, true, false,
        new JsonArray(), new JsonArray(1, 2, 3), new JsonArray("a", null), new JsonObject(), new JsonObject { ["x"] = 1 },
        "LegalService12348", "District", "Phone", "DutyLawyer", "Administrator",
    ];

    [Theory, DatabaseData]
    public async Task Random_and_mutated_bodies_never_cause_a_server_error(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (city, district, _) = await admin.CreateCityWithDistrictsAsync();
        var staffed = await admin.StaffAsync(district);
        var skill = await admin.PostOkAsync<Lawline.Server.Platforms.SkillDto>("/api/skills",
            new Lawline.Server.Platforms.SaveSkillRequest(Unique.Code("K"), "技能" + Unique.Code("K"), null, false, false, 5));
        var target = await admin.CreateUserAsync(district.Id, LawlineRoles.Supervisor);

        var templates = Templates(city.Id, district.Id, staffed, skill.Id, target);
        var random = new Random(Seed + (int)provider);
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < CasesPerProvider; i++)
        {
            var (method, url, template) = templates[random.Next(templates.Count)];
            var body = Mutate(template, random);
            using var response = await admin.SendRawAsync(method, url, body);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status >= 500)
            {
                failures.Add($"case {i}: {method} {url} {Shorten(body)} -> {status} {Shorten(await response.Content.ReadAsStringAsync())}");
            }
            else if (status >= 400)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} server errors (seed {Seed}):\n{string.Join("\n", failures.Take(20))}");
        // The mutations both broke requests and left some valid: the fuzzing reached the services.
        Assert.Contains(statuses.Keys, s => s == 400);
        Assert.Contains(statuses.Keys, s => s is 200 or 201);
    }

    private static List<(HttpMethod Method, string Url, JsonObject Body)> Templates(int cityId, int districtId, StaffedPlatform staffed, int skillId, UserDto target)
    {
        var officeHours = JsonSerializer.SerializeToNode(Lawline.Server.Platforms.OfficeHours.Default, ApiClient.Json)!.AsObject();
        JsonObject Agent() => new()
        {
            ["platformId"] = districtId, ["kind"] = "DutyLawyer", ["name"] = "模糊测试律师", ["mobile"] = Unique.Mobile(),
            ["licenseNumber"] = Unique.LicenceNumber(), ["lawFirmId"] = staffed.LawFirm.Id,
            ["skills"] = new JsonArray(new JsonObject { ["skillId"] = skillId, ["level"] = 2 }),
            ["expertise"] = "劳动争议", ["defaultSeatId"] = staffed.Seat.Id, ["admittedOn"] = "2024-03-01",
        };
        return
        [
            (HttpMethod.Post, "/api/platforms", new JsonObject
            {
                ["code"] = Unique.Code("Z"), ["name"] = "模糊平台", ["kind"] = "LegalService12348", ["level"] = "District",
                ["parentId"] = cityId, ["serviceRegion"] = "湖北省", ["officeHours"] = officeHours.DeepClone(),
            }),
            (HttpMethod.Put, $"/api/platforms/{districtId}", new JsonObject
            {
                ["name"] = "模糊平台", ["serviceRegion"] = "湖北省", ["officeHours"] = officeHours.DeepClone(), ["isActive"] = true,
            }),
            (HttpMethod.Post, "/api/skills", new JsonObject
            {
                ["code"] = Unique.Code("K"), ["name"] = "模糊技能" + Unique.Code("N"), ["description"] = "d", ["isSpecialLine"] = false,
                ["isGeneral"] = false, ["sortOrder"] = 3, ["isActive"] = true,
            }),
            (HttpMethod.Post, "/api/seats", new JsonObject
            {
                ["platformId"] = districtId, ["code"] = Unique.Code("S"), ["name"] = "模糊坐席", ["kind"] = "Phone",
                ["extension"] = "8001", ["skillIds"] = new JsonArray(skillId), ["isActive"] = true,
            }),
            (HttpMethod.Put, $"/api/seats/{staffed.Seat.Id}", new JsonObject
            {
                ["platformId"] = districtId, ["code"] = staffed.Seat.Code, ["name"] = "模糊坐席", ["kind"] = "Online",
                ["skillIds"] = new JsonArray(skillId),
            }),
            (HttpMethod.Post, "/api/law-firms", new JsonObject
            {
                ["platformId"] = districtId, ["name"] = "模糊律师事务所" + Unique.Code("F"), ["creditCode"] = "91420100MA4KXXXX1X",
                ["address"] = "武汉", ["contactName"] = "张", ["contactPhone"] = "027-85551234", ["isActive"] = true,
            }),
            (HttpMethod.Post, "/api/agents", Agent()),
            (HttpMethod.Put, $"/api/agents/{staffed.Agent.Id}", Agent()),
            (HttpMethod.Post, $"/api/agents/{staffed.Agent.Id}/suspend", new JsonObject { ["reason"] = "模糊" }),
            (HttpMethod.Post, $"/api/agents/{staffed.Agent.Id}/exit", new JsonObject { ["reason"] = "模糊" }),
            (HttpMethod.Post, "/api/callers", new JsonObject
            {
                ["platformId"] = districtId, ["phone"] = Unique.Mobile(), ["name"] = "模糊来电人", ["type"] = "Elderly", ["notes"] = "n",
            }),
            (HttpMethod.Post, "/api/users", new JsonObject
            {
                ["userName"] = Unique.UserName("fuzz"), ["displayName"] = "模糊用户", ["password"] = TestData.UserPassword,
                ["platformId"] = districtId, ["roles"] = new JsonArray("Supervisor"), ["agentId"] = null,
            }),
            (HttpMethod.Put, $"/api/users/{target.Id}", new JsonObject
            {
                ["displayName"] = "模糊用户", ["platformId"] = districtId, ["roles"] = new JsonArray("Supervisor", "QaInspector"),
                ["agentId"] = null, ["isActive"] = true,
            }),
            (HttpMethod.Post, $"/api/users/{target.Id}/password", new JsonObject { ["newPassword"] = "Fuzz-Pass-2468" }),
            (HttpMethod.Post, "/api/auth/token", new JsonObject { ["userName"] = target.UserName, ["password"] = "wrong-1234" }),
        ];
    }

    private static string Mutate(JsonObject template, Random random)
    {
        var body = template.DeepClone().AsObject();
        var mutations = 1 + random.Next(3);
        for (var m = 0; m < mutations; m++)
        {
            var keys = body.Select(p => p.Key).ToList();
            switch (random.Next(9))
            {
                case 0 or 1 or 2 when keys.Count > 0:
                    body[keys[random.Next(keys.Count)]] = OddValues[random.Next(OddValues.Length)]?.DeepClone();
                    break;
                case 3 when keys.Count > 0:
                    body.Remove(keys[random.Next(keys.Count)]);
                    break;
                case 4:
                    body["unexpected" + random.Next(100)] = OddValues[random.Next(OddValues.Length)]?.DeepClone();
                    break;
                case 5 when keys.Count > 0:
                    // A nested value gets an odd value too (office hours, skills).
                    var key = keys[random.Next(keys.Count)];
                    if (body[key] is JsonObject nested && nested.Count > 0)
                    {
                        var nestedKeys = nested.Select(p => p.Key).ToList();
                        nested[nestedKeys[random.Next(nestedKeys.Count)]] = OddValues[random.Next(OddValues.Length)]?.DeepClone();
                    }
                    else if (body[key] is JsonArray { Count: > 0 } array)
                    {
                        array[random.Next(array.Count)] = OddValues[random.Next(OddValues.Length)]?.DeepClone();
                    }
                    break;
                case 6:
                    return CorruptText(body.ToJsonString(), random);
                case 7:
                    return random.Next(4) switch
                    {
                        0 => "null",
                        1 => $"[{body.ToJsonString()}]",
                        2 => JsonSerializer.Serialize(OddValues[random.Next(OddValues.Length)]),
                        _ => body.ToJsonString() + body.ToJsonString(),
                    };
                default:
                    break;
            }
        }
        return body.ToJsonString();
    }

    private static string CorruptText(string json, Random random)
    {
        var text = new StringBuilder(json);
        switch (random.Next(3))
        {
            case 0:
                text.Length = random.Next(text.Length);
                break;
            case 1:
                const string replacements = "{}[]\",:\\0x\u00e9";
                text[random.Next(text.Length)] = replacements[random.Next(replacements.Length)];
                break;
            default:
                text.Insert(random.Next(text.Length), "\"\\u0000\\ud800\"");
                break;
        }
        return text.ToString();
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
