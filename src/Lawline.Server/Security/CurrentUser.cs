using System.Security.Claims;
using Lawline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Security;

/// <summary>
/// Who is acting in this scope (HTTP request or Blazor circuit) and which platforms they may see.
/// The database context reads <see cref="VisiblePlatformIds"/> in its query filters, so scoping holds
/// for every query, whatever page or endpoint issued it.
/// </summary>
public sealed class CurrentUser
{
    private static readonly IReadOnlyList<int> NoPlatforms = [];

    /// <summary>The claim of a wall screen's principal (see the routing hub's display scheme); its value is the display's id.</summary>
    public const string DisplayClaim = "lawline:display";

    public int? UserId { get; private set; }
    public string UserName { get; private set; } = "anonymous";
    public string DisplayName { get; private set; } = string.Empty;
    public int? PlatformId { get; private set; }
    public IReadOnlySet<string> Roles { get; private set; } = new HashSet<string>();
    public string? RemoteAddress { get; set; }

    /// <summary>True for the system itself (start-up, seeding, jobs) and for an administrator without a platform.</summary>
    public bool IsUnrestricted { get; private set; }

    /// <summary>The user's platform and every platform below it. Empty for an anonymous caller.</summary>
    public IReadOnlyList<int> VisiblePlatformIds { get; private set; } = NoPlatforms;

    /// <summary>Whether <see cref="InitializeAsync"/>, <see cref="ActAsSystem"/> or <see cref="CopyFrom"/> has run.</summary>
    public bool IsInitialized { get; private set; }

    /// <summary>A wall screen signed in with a display link (<see cref="ActAsDisplay"/>): no person, no roles.</summary>
    public bool IsDisplay { get; private set; }

    public bool IsAuthenticated => UserId is not null || IsUnrestricted;
    public bool IsInRole(string role) => Roles.Contains(role);
    public bool CanSeeFullCallerDetails => LawlineRoles.SeeFullCallerDetails.Any(Roles.Contains);

    /// <summary>Acts as the system: sees everything. For start-up, seeding and background jobs only.</summary>
    public void ActAsSystem(string name = "system")
    {
        IsInitialized = true;
        UserId = null;
        UserName = name;
        DisplayName = name;
        IsUnrestricted = true;
        Roles = new HashSet<string>(LawlineRoles.All);
        VisiblePlatformIds = NoPlatforms;
    }

    /// <summary>
    /// Acts as a wall screen's display link (大屏令牌): sees <paramref name="platformIds"/> only, has no roles and is not a
    /// person (<see cref="IsAuthenticated"/> stays false), so nothing that needs a role or a user lets it through.
    /// </summary>
    public void ActAsDisplay(string name, IReadOnlyList<int> platformIds)
    {
        IsInitialized = true;
        IsDisplay = true;
        UserId = null;
        UserName = "display:" + name;
        DisplayName = name;
        PlatformId = platformIds.Count > 0 ? platformIds[0] : null;
        IsUnrestricted = false;
        Roles = new HashSet<string>();
        VisiblePlatformIds = [.. platformIds];
    }

    /// <summary>Takes over another scope's identity (see <see cref="UserScopes"/>).</summary>
    internal void CopyFrom(CurrentUser other)
    {
        IsInitialized = true;
        UserId = other.UserId;
        UserName = other.UserName;
        DisplayName = other.DisplayName;
        PlatformId = other.PlatformId;
        Roles = other.Roles;
        RemoteAddress = other.RemoteAddress;
        IsUnrestricted = other.IsUnrestricted;
        IsDisplay = other.IsDisplay;
        VisiblePlatformIds = other.VisiblePlatformIds;
    }

    /// <summary>A platform just created below one this user sees belongs to their subtree too.</summary>
    internal void IncludeNewSubPlatform(int platformId)
    {
        if (!IsUnrestricted && !VisiblePlatformIds.Contains(platformId))
        {
            VisiblePlatformIds = [.. VisiblePlatformIds, platformId];
        }
    }

    /// <summary>Loads the user's platform subtree. Inactive or unknown users see nothing.</summary>
    public async Task InitializeAsync(ClaimsPrincipal principal, AppDbContext db, CancellationToken cancellationToken = default)
    {
        IsInitialized = true;
        if (principal.Identity?.IsAuthenticated == true && principal.FindFirstValue(DisplayClaim) is not null)
        {
            // A wall screen on the routing hub (its token was checked by the display scheme): its platform subtree.
            if (int.TryParse(principal.FindFirstValue(LawlineClaims.Platform), out var displayPlatform))
            {
                var displayPath = await db.Platforms.IgnoreQueryFilters().AsNoTracking()
                    .Where(p => p.Id == displayPlatform).Select(p => p.Path).SingleOrDefaultAsync(cancellationToken);
                IReadOnlyList<int> subtree = displayPath is null
                    ? []
                    : await db.Platforms.IgnoreQueryFilters().AsNoTracking()
                        .Where(p => p.Path.StartsWith(displayPath)).Select(p => p.Id).ToListAsync(cancellationToken);
                ActAsDisplay(principal.FindFirstValue(LawlineClaims.DisplayName) ?? "display", subtree);
            }
            return;
        }

        if (principal.Identity?.IsAuthenticated != true
            || !int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return;
        }

        // The platform join must ignore the platform filter: it is evaluated with this (not yet initialised)
        // user, who sees nothing yet, which would leave the path null and the user with no platform at all.
        var user = await db.Users.IgnoreQueryFilters().AsNoTracking()
            .Where(u => u.Id == userId && u.IsActive)
            .Select(u => new { u.Id, u.UserName, u.DisplayName, u.PlatformId, PlatformPath = u.Platform != null ? u.Platform.Path : null })
            .SingleOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return;
        }

        UserId = user.Id;
        UserName = user.UserName ?? string.Empty;
        DisplayName = user.DisplayName;
        PlatformId = user.PlatformId;
        Roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet();
        if (user.PlatformId is null)
        {
            // Only administrators may exist without a platform; anyone else without one sees nothing.
            IsUnrestricted = Roles.Contains(LawlineRoles.Administrator);
            return;
        }

        var path = user.PlatformPath!;
        VisiblePlatformIds = await db.Platforms.IgnoreQueryFilters().AsNoTracking()
            .Where(p => p.Path.StartsWith(path))
            .Select(p => p.Id)
            .ToListAsync(cancellationToken);
    }
}
