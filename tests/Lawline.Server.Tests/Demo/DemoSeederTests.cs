using System.Reflection;
using Lawline.Server.Agents;
using Lawline.Server.Data;
using Lawline.Server.Demo;
using Lawline.Server.Platforms;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Demo;

/// <summary>Runs `seed-demo` through the program's real entry point, alone (it builds a host of its own).</summary>
[CollectionDefinition(nameof(DemoSeederTests), DisableParallelization = true)]
public sealed class DemoSeederCollection;

[Collection(nameof(DemoSeederTests))]
public sealed class DemoSeederTests
{
    [Theory, DatabaseData]
    public async Task Seed_demo_fills_a_demonstration_installation_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);

        Assert.Equal(0, await RunProgramAsync(database, "seed-demo"));
        var first = await SnapshotAsync(database);
        Assert.Equal(0, await RunProgramAsync(database, "seed-demo"));
        var second = await SnapshotAsync(database);

        Assert.Equal(first, second);
    }

    [Theory, DatabaseData]
    public async Task The_demo_has_the_promised_platforms_people_and_accounts_all_marked_demo(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Assert.Equal(0, await RunProgramAsync(database, "seed-demo"));
        await using var factory = await LawlineFactory.StartAsync(database, ownsDatabase: false);
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var platforms = await db.Platforms.ToListAsync();
        Assert.Equal(3, platforms.Count(p => p.Kind == PlatformKind.LegalService12348));
        Assert.Equal(2, platforms.Count(p => p.Kind == PlatformKind.CourtService12368));
        var city = Assert.Single(platforms, p => p.Code == DemoSeeder.CityCode);
        Assert.Equal(2, platforms.Count(p => p.ParentId == city.Id && p.Level == PlatformLevel.District));
        Assert.Equal(9, await db.Skills.CountAsync());
        Assert.Equal(8, await db.LawFirms.CountAsync());
        var agents = await db.Agents.ToListAsync();
        Assert.Equal(40, agents.Count(a => a.Kind is AgentKind.DutyLawyer or AgentKind.Expert));
        Assert.Single(agents, a => a.Kind == AgentKind.CourtClerk);
        Assert.Single(agents, a => a.Kind == AgentKind.ConsultingJudge);
        Assert.Single(agents, a => a.Status == AgentStatus.Suspended);
        Assert.Single(agents, a => a.Status == AgentStatus.Exited);
        Assert.All(agents.Where(a => a.Kind == AgentKind.DutyLawyer), a => Assert.NotNull(a.LawFirmId));
        Assert.Equal(25, await db.Seats.CountAsync());

        Assert.All(platforms, p => Assert.True(p.IsDemo, p.Code));
        // The skills are the installation's standard catalogue (the default taxonomy maps to them), not demo data.
        Assert.False(await db.Skills.AnyAsync(s => s.IsDemo));
        Assert.True(await db.Seats.AllAsync(s => s.IsDemo));
        Assert.True(await db.LawFirms.AllAsync(f => f.IsDemo));
        Assert.All(agents, a => Assert.True(a.IsDemo, a.Name));

        var users = await db.Users.ToListAsync();
        var demoUsers = users.Where(u => u.IsDemo).ToList();
        Assert.Equal(["admin"], users.Where(u => !u.IsDemo).Select(u => u.UserName));
        Assert.All(demoUsers, u => Assert.NotNull(u.PlatformId));
        var rolesOfDemoUsers = await db.UserRoles.Where(ur => demoUsers.Select(u => u.Id).Contains(ur.UserId))
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).Distinct().ToListAsync();
        Assert.Equal(LawlineRoles.All.Order(), rolesOfDemoUsers.Order()!);
    }

    /// <summary>Runs the program as `dotnet Lawline.Server.dll ARGS` would, against the test database.</summary>
    private static async Task<int> RunProgramAsync(TestDatabase database, params string[] args)
    {
        var main = typeof(Program).GetMethod("<Main>$", BindingFlags.Static | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("The program's entry point was not found.");
        var settings = database.Settings
            .Append(new(DatabaseInitializer.AdminPasswordVariable, LawlineFactory.AdminPassword))
            .Append(new("Logging:LogLevel:Default", "Warning"))
            .Select(s => $"--{s.Key}={s.Value}");
        var task = (Task<int>)main.Invoke(null, [args.Concat(settings).ToArray()])!;
        return await task;
    }

    private static async Task<string> SnapshotAsync(TestDatabase database)
    {
        await using var factory = await LawlineFactory.StartAsync(database, ownsDatabase: false);
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var platforms = await db.Platforms.OrderBy(p => p.Id).Select(p => p.Id + p.Code).ToListAsync();
        var skills = await db.Skills.OrderBy(s => s.Id).Select(s => s.Id + s.Code).ToListAsync();
        var seats = await db.Seats.OrderBy(s => s.Id).Select(s => s.Id + s.Code).ToListAsync();
        var firms = await db.LawFirms.OrderBy(f => f.Id).Select(f => f.Id + f.Name).ToListAsync();
        var agents = await db.Agents.OrderBy(a => a.Id).Select(a => a.Id + a.Name + a.Status).ToListAsync();
        var users = await db.Users.OrderBy(u => u.Id).Select(u => u.Id + u.UserName!).ToListAsync();
        Assert.NotEmpty(agents);
        return string.Join("|", platforms.Concat(skills).Concat(seats).Concat(firms).Concat(agents).Concat(users));
    }
}
