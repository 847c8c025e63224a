using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Routing;

/// <summary>
/// What the API cannot create yet (the call flow writes it): remote seats, call records, callback tasks. Written
/// straight into the database, acting as the system, as the call flow would.
/// </summary>
public static class RoutingTestData
{
    public static async Task<T> WithDatabaseAsync<T>(this LawlineFactory factory, Func<AppDbContext, Task<T>> work)
        => await WithDatabaseAsync(factory.Services, work);

    public static async Task<T> WithDatabaseAsync<T>(IServiceProvider services, Func<AppDbContext, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var result = await work(db);
        await db.SaveChangesAsync();
        return result;
    }

    /// <summary>远程坐席: the agent takes calls on their mobile.</summary>
    public static Task MakeRemoteSeatAsync(this LawlineFactory factory, int agentId)
        => factory.WithDatabaseAsync(async db =>
        {
            var agent = await db.Agents.AsTracking().SingleAsync(a => a.Id == agentId);
            agent.RemoteSeat = true;
            return agent;
        });
}
