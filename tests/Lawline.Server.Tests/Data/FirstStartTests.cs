using System.Net;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Data;

public sealed class FirstStartTests
{
    [Theory, DatabaseData]
    public async Task An_empty_database_gets_exactly_one_administrator_with_the_configured_password(DatabaseProvider provider)
    {
        await using var factory = await LawlineFactory.StartAsync(provider);

        using var admin = await factory.AdminAsync();
        var users = await admin.GetOkAsync<List<UserDto>>("/api/users");
        var only = Assert.Single(users);
        Assert.Equal(("admin", (int?)null, true), (only.UserName, only.PlatformId, only.IsActive));
        Assert.Equal([LawlineRoles.Administrator], only.Roles);
        Assert.Equal(1, await CountUsersAsync(factory));
        using var anonymous = factory.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await anonymous.PostAsync("/api/auth/token", new TokenRequest("admin", "Other-Pass-1234"))).StatusCode);
        // Every role exists, ready to be granted.
        using var scope = factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var roles = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Roles.Select(r => r.Name).ToListAsync();
        Assert.Equal(LawlineRoles.All.Order(), roles.Order()!);
    }

    [Theory, DatabaseData]
    public async Task A_second_start_keeps_the_administrator_and_adds_none(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        const string changed = "Changed-Pass-9753";
        int adminId;
        await using (var first = await LawlineFactory.StartAsync(database, ownsDatabase: false))
        {
            using var admin = await first.AdminAsync();
            adminId = Assert.Single(await admin.GetOkAsync<List<UserDto>>("/api/users")).Id;
            Assert.Equal(HttpStatusCode.NoContent,
                (await admin.PostAsync($"/api/users/{adminId}/password", new ResetPasswordRequest(changed))).StatusCode);
        }

        await using var second = await LawlineFactory.StartAsync(database, ownsDatabase: false);

        Assert.Equal(1, await CountUsersAsync(second));
        using var anonymous = second.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await anonymous.PostAsync("/api/auth/token", new TokenRequest("admin", LawlineFactory.AdminPassword))).StatusCode);
        using var again = await second.SignInAsync("admin", changed);
        Assert.Equal(adminId, Assert.Single(await again.GetOkAsync<List<UserDto>>("/api/users")).Id);
    }

    private static async Task<int> CountUsersAsync(LawlineFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.CountAsync();
    }
}
