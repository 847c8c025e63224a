using System.Security.Cryptography;
using Lawline.Server.Agents;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Demo;

public static class DemoFeature
{
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<DemoSeeder>();
        return builder;
    }
}

/// <summary>
/// Fills a demonstration installation: a city 12348 platform with two district sub-platforms, a small court
/// 12368 tree, the skill catalogue, eight law firms, forty duty lawyers with seats, and a user for every
/// role, and the knowledge base's demo Q&amp;As, procedures and agencies. Every record is flagged <c>IsDemo</c> and named
/// "（演示）" (knowledge entries, which have no such flag, are tagged 演示) so nobody mistakes it for real data.
/// Running it again changes nothing.
/// </summary>
public sealed class DemoSeeder(AppDbContext db, UserManager<AppUser> users, TimeProvider clock)
{
    public const string CityCode = "WH";
    public const string DemoPasswordVariable = "LAWLINE_DEMO_PASSWORD";
    private const string Mark = "（演示）";

    private static readonly string[] FirmNames =
    [
        "楚天律师事务所", "江汉明理律师事务所", "长江正信律师事务所", "汉阳同德律师事务所",
        "东湖公信律师事务所", "晴川律师事务所", "黄鹤法正律师事务所", "光谷衡平律师事务所",
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"];
    private static readonly string[] GivenNames =
    [
        "建华", "丽娟", "志强", "晓梅", "国平", "静怡", "文博", "雪芳", "海涛", "婷婷", "明轩", "春燕", "立新", "佳慧", "宏伟",
        "秀英", "子涵", "伟东", "玉兰", "浩然", "思远", "红霞", "振国", "雅琴", "俊杰", "淑华", "鹏飞", "慧敏", "家豪", "桂芳",
        "永刚", "欣怡", "德胜", "美玲", "天佑", "晨曦", "学军", "紫薇", "长青", "若兰",
    ];

    private static readonly string[] Expertise =
    [
        "工伤认定与赔偿", "离婚财产分割", "房屋买卖合同", "劳动合同解除", "民间借贷", "子女抚养与探望", "拖欠工资",
        "消费欺诈与退赔", "交通事故赔偿", "继承纠纷", "公司股权与合伙", "物业服务纠纷",
    ];

    public async Task<string> SeedAsync(CancellationToken cancellationToken)
    {
        if (await db.Platforms.IgnoreQueryFilters().AnyAsync(p => p.Code == CityCode, cancellationToken))
        {
            // An installation seeded before the knowledge base had demo entries gets them now.
            var late = await Knowledge.KnowledgeDefaults.EnsureDemoEntriesAsync(db, clock, cancellationToken);
            return late.Count == 0
                ? "Demo data is already present; nothing changed."
                : $"Demo data is already present; {late.Count} demo knowledge entries added.";
        }

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var skills = await EnsureSkillsAsync(cancellationToken);

        var city = Platform.CreateRoot(CityCode, "武汉市12348公共法律服务热线" + Mark, PlatformKind.LegalService12348, PlatformLevel.City);
        city.ServiceRegion = "湖北省武汉市";
        city.OfficeHours = OfficeHours.AlwaysOpen;
        city.IsDemo = true;
        db.Platforms.Add(city);
        await db.SaveChangesAsync(cancellationToken);
        var jiangan = Child(city, "WH-JA", "江岸区12348公共法律服务分平台" + Mark);
        var hongshan = Child(city, "WH-HS", "洪山区12348公共法律服务分平台" + Mark);
        var court = Platform.CreateRoot("WHZY", "武汉市中级人民法院12368诉讼服务热线" + Mark, PlatformKind.CourtService12368, PlatformLevel.City);
        court.ServiceRegion = "湖北省武汉市";
        court.IsDemo = true;
        db.Platforms.Add(court);
        await db.SaveChangesAsync(cancellationToken);
        var basicCourt = Child(court, "WHZY-JA", "江岸区人民法院12368" + Mark);
        await db.SaveChangesAsync(cancellationToken);

        var citySeats = await AddSeatsAsync(city, skills,
        [
            ("01", "劳动争议一席", SeatKind.Phone, ["LABOR"]), ("02", "劳动争议二席", SeatKind.Phone, ["LABOR"]),
            ("03", "婚姻家庭一席", SeatKind.Phone, ["FAMILY"]), ("04", "婚姻家庭二席", SeatKind.Phone, ["FAMILY"]),
            ("05", "合同纠纷一席", SeatKind.Phone, ["CONTRACT"]), ("06", "合同纠纷二席", SeatKind.Phone, ["CONTRACT"]),
            ("07", "综合一席", SeatKind.Phone, ["GENERAL"]), ("08", "综合二席", SeatKind.Phone, ["GENERAL"]),
            ("09", "妇女儿童专席", SeatKind.Phone, ["WOMEN-CHILDREN", "FAMILY"]),
            ("10", "消费者权益专席", SeatKind.Phone, ["CONSUMER", "CONTRACT"]),
            ("11", "农民工讨薪专席", SeatKind.Phone, ["MIGRANT-WAGES", "LABOR"]),
            ("12", "中小微企业专席", SeatKind.Phone, ["SME", "CONTRACT"]),
            ("13", "12345专线及派单", SeatKind.Dispatch12345, ["LINE-12345", "GENERAL"]),
            ("14", "网络咨询一席", SeatKind.Online, ["GENERAL"]),
            ("15", "自助服务", SeatKind.SelfService, ["GENERAL"]),
            ("16", "专家坐席", SeatKind.Expert, ["GENERAL", "LABOR", "FAMILY", "CONTRACT"]),
        ], cancellationToken);
        var jianganSeats = await AddSeatsAsync(jiangan, skills,
            [("01", "综合一席", SeatKind.Phone, ["GENERAL"]), ("02", "劳动争议席", SeatKind.Phone, ["LABOR"]), ("03", "婚姻家庭席", SeatKind.Phone, ["FAMILY"])],
            cancellationToken);
        var hongshanSeats = await AddSeatsAsync(hongshan, skills,
            [("01", "综合一席", SeatKind.Phone, ["GENERAL"]), ("02", "劳动争议席", SeatKind.Phone, ["LABOR"]), ("03", "合同纠纷席", SeatKind.Phone, ["CONTRACT"])],
            cancellationToken);
        await AddSeatsAsync(court, skills, [("01", "诉讼服务一席", SeatKind.Phone, ["GENERAL"]), ("02", "诉讼服务二席", SeatKind.Phone, ["GENERAL"])], cancellationToken);
        await AddSeatsAsync(basicCourt, skills, [("01", "诉讼服务席", SeatKind.Phone, ["GENERAL"])], cancellationToken);

        var firms = FirmNames.Select((name, i) => new LawFirm
        {
            PlatformId = city.Id,
            Name = name.Replace("律师事务所", Mark + "律师事务所", StringComparison.Ordinal),
            CreditCode = $"91420100{i:D2}{(1000000 + i * 7919) % 10000000:D7}X",
            Address = $"武汉市{(i % 2 == 0 ? "江岸区" : "洪山区")}演示路{10 + i * 3}号",
            ContactName = Surnames[i] + "主任",
            ContactPhone = $"+862785{i:D2}{1000 + i * 37:D4}",
            IsDemo = true,
        }).ToList();
        db.LawFirms.AddRange(firms);
        await db.SaveChangesAsync(cancellationToken);

        var lawyers = new List<Agent>();
        for (var i = 0; i < 40; i++)
        {
            var (platform, seats) = i switch
            {
                < 28 => (city, citySeats),
                < 34 => (jiangan, jianganSeats),
                _ => (hongshan, hongshanSeats),
            };
            var seat = seats[i % seats.Count];
            var lawyer = new Agent
            {
                PlatformId = platform.Id,
                Kind = i == 27 ? AgentKind.Expert : AgentKind.DutyLawyer,
                Name = Surnames[i % Surnames.Length] + GivenNames[i],
                MobileE164 = $"+86139{7100_0000 + i * 1373:D8}",
                LicenseNumber = $"1420120{10 + i % 12:D2}1{(i % 2):D1}{100000 + i * 271:D6}",
                LawFirmId = firms[i % firms.Count].Id,
                Expertise = Expertise[i % Expertise.Length] + "、" + Expertise[(i + 5) % Expertise.Length],
                DefaultSeatId = seat.Id,
                AdmittedOn = new DateOnly(2019 + i % 6, 1 + i % 12, 1 + i % 27),
                IsDemo = true,
            };
            var seatSkills = seat.Skills.Select(s => (s.Id, 3)).ToList();
            if (!seatSkills.Any(s => s.Id == skills["GENERAL"].Id))
            {
                seatSkills.Add((skills["GENERAL"].Id, 1));
            }
            lawyer.SetSkills(seatSkills);
            lawyers.Add(lawyer);
        }
        // Two lawyers whose admission changed, so the statuses show in the demo.
        lawyers[38].Suspend("年度考核待复核（演示）", Today());
        lawyers[39].Exit("执业机构变更，退出值班律师库（演示）", Today());
        db.Agents.AddRange(lawyers);
        var clerk = new Agent
        {
            PlatformId = court.Id, Kind = AgentKind.CourtClerk, Name = "郑雨桐", MobileE164 = "+8613971990001",
            AdmittedOn = new DateOnly(2022, 3, 1), DefaultSeatId = null, IsDemo = true,
        };
        var judge = new Agent
        {
            PlatformId = basicCourt.Id, Kind = AgentKind.ConsultingJudge, Name = "钱正阳", MobileE164 = "+8613971990002",
            AdmittedOn = new DateOnly(2021, 9, 1), IsDemo = true,
        };
        db.Agents.AddRange(clerk, judge);
        await db.SaveChangesAsync(cancellationToken);

        var configured = Environment.GetEnvironmentVariable(DemoPasswordVariable);
        var password = string.IsNullOrEmpty(configured) ? "Demo-" + RandomNumberGenerator.GetHexString(8, lowercase: true) + "7" : configured;
        (string User, string Name, string Role, Platform Platform, int? AgentId)[] accounts =
        [
            ("demo.manager", "孙主任（演示）", LawlineRoles.PlatformManager, city, null),
            ("demo.supervisor", "林班长（演示）", LawlineRoles.Supervisor, city, null),
            ("demo.qa", "何质检（演示）", LawlineRoles.QaInspector, city, null),
            ("demo.expert", lawyers[27].Name + "（演示专家）", LawlineRoles.Expert, city, lawyers[27].Id),
            ("demo.lawyer", lawyers[0].Name + "（演示律师）", LawlineRoles.Agent, city, lawyers[0].Id),
            ("demo.ja.admin", "江岸区管理员（演示）", LawlineRoles.Administrator, jiangan, null),
            ("demo.ja.supervisor", "江岸区班长（演示）", LawlineRoles.Supervisor, jiangan, null),
            ("demo.ja.lawyer", lawyers[28].Name + "（演示律师）", LawlineRoles.Agent, jiangan, lawyers[28].Id),
            ("demo.hs.supervisor", "洪山区班长（演示）", LawlineRoles.Supervisor, hongshan, null),
            ("demo.clerk", clerk.Name + "（演示坐席员）", LawlineRoles.CourtClerk, court, clerk.Id),
            ("demo.judge", judge.Name + "（演示法官）", LawlineRoles.Judge, basicCourt, judge.Id),
        ];
        foreach (var (userName, name, role, platform, agentId) in accounts)
        {
            var user = new AppUser
            {
                UserName = userName, DisplayName = name, PlatformId = platform.Id, AgentId = agentId,
                IsDemo = true, CreatedAt = clock.GetUtcNow(),
            };
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException($"Could not create demo user {userName}: "
                    + string.Join("; ", created.Errors.Select(e => e.Description)));
            }
            await users.AddToRoleAsync(user, role);
        }
        // Q&As, procedures and agencies (tagged 演示, agencies named （示例）), published and shared; the search index
        // picks them up when it catches up with the database at start-up.
        var knowledge = await Knowledge.KnowledgeDefaults.EnsureDemoEntriesAsync(db, clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var passwordNote = string.IsNullOrEmpty(configured)
            ? $"password for every demo account (shown once): {password}"
            : $"password for every demo account: the value of {DemoPasswordVariable}";
        return $"""
            Demo data created: 5 platforms, {skills.Count} skills, {citySeats.Count + jianganSeats.Count + hongshanSeats.Count + 3} seats,
            {firms.Count} law firms, {lawyers.Count} duty lawyers, {knowledge.Count} knowledge entries, {accounts.Length} demo accounts
            ({string.Join(", ", accounts.Select(a => a.User))});
            {passwordNote}
            """;
    }

    private Platform Child(Platform parent, string code, string name)
    {
        var child = Platform.CreateChild(parent, code, name);
        child.ServiceRegion = parent.ServiceRegion;
        child.IsDemo = true;
        db.Platforms.Add(child);
        return child;
    }

    private async Task<Dictionary<string, Skill>> EnsureSkillsAsync(CancellationToken cancellationToken)
    {
        await SkillCatalog.EnsureDefaultsAsync(db, cancellationToken);
        return await db.Skills.AsTracking().ToDictionaryAsync(s => s.Code, cancellationToken);
    }

    private async Task<List<Seat>> AddSeatsAsync(Platform platform, Dictionary<string, Skill> skills,
        (string Code, string Name, SeatKind Kind, string[] Skills)[] definitions, CancellationToken cancellationToken)
    {
        var seats = definitions.Select(d => new Seat
        {
            PlatformId = platform.Id,
            Code = d.Code,
            Name = d.Name,
            Kind = d.Kind,
            Extension = $"{platform.Id}{d.Code}",
            Skills = [.. d.Skills.Select(code => skills[code])],
            IsDemo = true,
        }).ToList();
        db.Seats.AddRange(seats);
        await db.SaveChangesAsync(cancellationToken);
        return seats;
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
}
