using System.Globalization;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Routing.Live;

/// <summary>
/// Live routing events for clients outside the app (wallboards, agents' desktop toolbars, a supervisor's tray app);
/// Blazor pages subscribe to <see cref="RoutingNotifier"/> and <see cref="CallNotifier"/> in process instead
/// (style.md). The hub only sends: <c>agentState</c>, <c>queue</c> and <c>call</c> (see <see cref="RoutingHubForwarder"/>).
/// <para>
/// On connect, a supervisor (<see cref="LawlineRoles.SuperviseCalls"/>) joins one group per platform they see — their
/// platform and every platform below it, as <see cref="CurrentUser"/> computes it for every request — and an
/// unrestricted administrator the group of all platforms; a wall screen with a display link
/// (<c>?display_token=…</c>, <see cref="WallDisplayAuthenticationHandler"/>) the groups of its link's platform subtree.
/// Anyone else linked to an agent joins that agent's group
/// and sees only their own state and calls. Group membership is fixed for the connection: a platform created
/// later is seen after reconnecting.
/// </para>
/// </summary>
internal sealed class RoutingHub(CurrentUser currentUser, AppDbContext db) : Hub
{
    public const string Path = "/hubs/routing";
    public const string AllPlatformsGroup = "platforms:all";

    public static string PlatformGroup(int platformId) => "platform:" + platformId.ToString(CultureInfo.InvariantCulture);

    public static string AgentGroup(int agentId) => "agent:" + agentId.ToString(CultureInfo.InvariantCulture);

    public override async Task OnConnectedAsync()
    {
        var aborted = Context.ConnectionAborted;
        // A hub call has its own DI scope: resolve the caller's platforms for it, as the request middleware does.
        await currentUser.InitializeAsync(Context.User ?? new(), db, aborted);
        List<string> groups;
        if (currentUser.IsDisplay)
        {
            // A wall screen: the platforms of its display link, never an agent's group (its token was checked at connect).
            groups = [.. currentUser.VisiblePlatformIds.Select(PlatformGroup)];
        }
        else if (!currentUser.IsAuthenticated || currentUser.UserId is not { } userId)
        {
            // A token of a user who was deactivated since it was issued.
            Context.Abort();
            return;
        }
        else
        {
            groups = await GroupsAsync(userId, aborted);
        }

        foreach (var group in groups)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group, aborted);
        }
        await base.OnConnectedAsync();
        // The client's start completes at the handshake, before this: "subscribed" tells it that messages now flow.
        await Clients.Caller.SendAsync("subscribed", groups, aborted);
    }

    private async Task<List<string>> GroupsAsync(int userId, CancellationToken cancellationToken)
    {
        if (LawlineRoles.SuperviseCalls.Any(currentUser.IsInRole))
        {
            // A supervisor linked to an agent sees their own state through their platform: one copy of each message.
            return currentUser.IsUnrestricted
                ? [AllPlatformsGroup]
                : [.. currentUser.VisiblePlatformIds.Select(PlatformGroup)];
        }

        var agentId = await db.Users.IgnoreQueryFilters().AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => u.AgentId)
            .SingleOrDefaultAsync(cancellationToken);
        return agentId is { } agent ? [AgentGroup(agent)] : [];
    }
}

public static class RoutingHubFeature
{
    /// <summary>The hub's services and the forwarder from the in-process notifiers to the hub's groups.</summary>
    public static IHostApplicationBuilder AddRoutingHub(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<WallDisplayTokens>();
        builder.Services.AddScoped<WallDisplayAdministration>();
        builder.Services.AddHostedService<RoutingHubForwarder>();
        return builder;
    }

    /// <summary>
    /// Maps <see cref="RoutingHub"/> at <c>/hubs/routing</c> for signed-in users (cookie or bearer token) and wall screens
    /// (display token), and the API that manages display links.
    /// </summary>
    public static IEndpointRouteBuilder MapRoutingHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<RoutingHub>(RoutingHub.Path).RequireAuthorization();
        app.MapWallDisplays();
        return app;
    }
}
