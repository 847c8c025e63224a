using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Routing.Live;

public enum WallDisplayStatus
{
    Active,
    Expired,
    Revoked,
}

/// <summary>A display link as supervisors list it: never the token, which only its creator saw once.</summary>
public sealed record WallDisplayDto(
    int Id,
    int PlatformId,
    string PlatformName,
    string Name,
    WallDisplayStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt);

/// <summary>A new display link for <paramref name="PlatformId"/>; without <paramref name="DaysValid"/> it works until revoked.</summary>
public sealed record CreateWallDisplayRequest(
    [property: MaxLength(100)] string? Name,
    int? PlatformId,
    [property: Range(1, 3650)] int? DaysValid = null);

/// <summary>The link just created: <paramref name="Token"/> and <paramref name="Url"/> are shown this once and never again.</summary>
public sealed record CreatedWallDisplay(WallDisplayDto Display, string Token, string Url);

/// <summary>
/// Display links (大屏链接) of the platforms the supervisor sees: create (the token shown once), list, revoke. Changes
/// are audited by <see cref="AppDbContext"/> like every other change; the token's hash is all that is stored.
/// </summary>
public sealed class WallDisplayAdministration(AppDbContext db, CurrentUser me, TimeProvider clock)
{
    public const string NameRule = "Name the screen (up to 100 characters), e.g. 值班大厅大屏.";
    public const string PlatformRule = "Choose one of your platforms.";
    public const string DaysRule = "Days valid must be between 1 and 3650, or empty for no expiry.";

    public static string PathOf(string token) => "/wall/" + token;

    public async Task<List<WallDisplayDto>> ListAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // The query filter keeps to the supervisor's platforms.
        var rows = await db.Set<WallDisplay>().AsNoTracking()
            .OrderByDescending(d => d.Id)
            .ToListAsync(cancellationToken);
        var names = await PlatformNamesAsync(cancellationToken);
        return [.. rows.Select(d => ToDto(d, names, now))];
    }

    public async Task<CreatedWallDisplay> CreateAsync(CreateWallDisplayRequest request, string baseUri, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            errors["name"] = [NameRule];
        }

        if (request.PlatformId is not { } platformId || !(me.IsUnrestricted || me.VisiblePlatformIds.Contains(platformId))
            || !await db.Platforms.AnyAsync(p => p.Id == platformId, cancellationToken))
        {
            errors["platformId"] = [PlatformRule];
        }

        if (request.DaysValid is < 1 or > 3650)
        {
            errors["daysValid"] = [DaysRule];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var now = clock.GetUtcNow();
        var token = WallDisplay.NewToken();
        var display = new WallDisplay
        {
            PlatformId = request.PlatformId!.Value,
            Name = name!,
            TokenHash = WallDisplay.HashOf(token),
            CreatedByUserId = me.UserId,
            CreatedAt = now,
            ExpiresAt = request.DaysValid is { } days ? now.AddDays(days) : null,
        };
        db.Add(display);
        await db.SaveChangesAsync(cancellationToken);
        var names = await PlatformNamesAsync(cancellationToken);
        return new CreatedWallDisplay(ToDto(display, names, now), token, baseUri.TrimEnd('/') + PathOf(token));
    }

    /// <summary>Revokes the link: screens showing it say so at their next reload, and hub connections are refused.</summary>
    public async Task<WallDisplayDto> RevokeAsync(int id, CancellationToken cancellationToken)
    {
        var display = await db.Set<WallDisplay>().AsTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken)
            ?? throw new NotFoundException("WallDisplay", id);
        var now = clock.GetUtcNow();
        if (display.RevokedAt is null)
        {
            display.RevokedAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        return ToDto(display, await PlatformNamesAsync(cancellationToken), now);
    }

    private Task<Dictionary<int, string>> PlatformNamesAsync(CancellationToken cancellationToken)
        => db.Platforms.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);

    private static WallDisplayDto ToDto(WallDisplay d, Dictionary<int, string> names, DateTimeOffset now) => new(
        d.Id,
        d.PlatformId,
        names.GetValueOrDefault(d.PlatformId, string.Empty),
        d.Name,
        d.RevokedAt is not null ? WallDisplayStatus.Revoked : d.IsValidAt(now) ? WallDisplayStatus.Active : WallDisplayStatus.Expired,
        d.CreatedAt,
        d.ExpiresAt,
        d.RevokedAt,
        d.LastUsedAt);
}

/// <summary>What a valid display token grants: the wallboard of <paramref name="PlatformId"/> and the platforms below it.</summary>
public sealed record WallDisplayGrant(int DisplayId, string Name, int PlatformId, string PlatformName, IReadOnlyList<int> PlatformIds);

/// <summary>
/// Checks display tokens for the <c>/wall/{token}</c> page and the routing hub. Looks the hash up across every platform
/// (there is no signed-in person whose scope could apply) and notes when the link was last used, at most once a minute
/// and without an audit line (it is not a change anyone made).
/// </summary>
public sealed class WallDisplayTokens(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>The grant of a valid token; null for an unknown, expired or revoked one.</summary>
    public async Task<WallDisplayGrant?> ResolveAsync(string? token, CancellationToken cancellationToken)
    {
        // base64url of 32 bytes is 43 characters; anything far from that is not one of ours.
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }

        var hash = WallDisplay.HashOf(token);
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("wall display");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var display = await db.Set<WallDisplay>().IgnoreQueryFilters().AsNoTracking()
            .SingleOrDefaultAsync(d => d.TokenHash == hash, cancellationToken);
        if (display is null || !display.IsValidAt(now))
        {
            return null;
        }

        var platform = await db.Platforms.IgnoreQueryFilters().AsNoTracking()
            .Where(p => p.Id == display.PlatformId)
            .Select(p => new { p.Name, p.Path })
            .SingleAsync(cancellationToken);
        var platformIds = await db.Platforms.IgnoreQueryFilters().AsNoTracking()
            .Where(p => p.Path.StartsWith(platform.Path))
            .Select(p => p.Id)
            .ToListAsync(cancellationToken);

        if (display.LastUsedAt is not { } used || now - used >= LastUsedResolution)
        {
            await db.Set<WallDisplay>().IgnoreQueryFilters()
                .Where(d => d.Id == display.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LastUsedAt, now), cancellationToken);
        }

        return new WallDisplayGrant(display.Id, display.Name, display.PlatformId, platform.Name, platformIds);
    }
}

public static class WallDisplayApi
{
    public static IEndpointRouteBuilder MapWallDisplays(this IEndpointRouteBuilder app)
    {
        var displays = app.MapGroup("/api/routing/wall-displays").WithTags("Routing").RequireAuthorization(LawlineRoles.SuperviseCallsPolicy);
        displays.MapGet("/", async (WallDisplayAdministration service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)))
            .WithSummary("Display links (大屏链接) of the supervisor's platforms; the tokens themselves are never listed");
        displays.MapPost("/", async (CreateWallDisplayRequest request, WallDisplayAdministration service, HttpRequest http, CancellationToken ct) =>
            {
                var created = await service.CreateAsync(request, $"{http.Scheme}://{http.Host}{http.PathBase}", ct);
                return TypedResults.Created($"/api/routing/wall-displays/{created.Display.Id}", created);
            })
            .WithSummary("Creates a read-only display link for a wall screen; the token and the link are in this answer only");
        displays.MapDelete("/{id:int}", async (int id, WallDisplayAdministration service, CancellationToken ct)
                => TypedResults.Ok(await service.RevokeAsync(id, ct)))
            .WithSummary("Revokes a display link: the page says it is invalid and hub connections with it are refused");
        return app;
    }
}
