using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Security;

public sealed record UserDto(int Id, string UserName, string DisplayName, int? PlatformId, string? PlatformName,
    IReadOnlyList<string> Roles, int? AgentId, bool IsActive, bool IsLockedOut, bool IsDemo);

public sealed record CreateUserRequest(
    [property: Required, MaxLength(64), RegularExpression("^[A-Za-z0-9._@-]+$", ErrorMessage = "Use letters, digits and . _ @ - only.")] string UserName,
    [property: Required, MaxLength(64)] string DisplayName,
    [property: Required, MinLength(8), MaxLength(128)] string Password,
    int? PlatformId,
    [property: Required, MinLength(1)] IReadOnlyList<string> Roles,
    int? AgentId);

public sealed record UpdateUserRequest(
    [property: Required, MaxLength(64)] string DisplayName,
    int? PlatformId,
    [property: Required, MinLength(1)] IReadOnlyList<string> Roles,
    int? AgentId,
    bool IsActive);

public sealed record ResetPasswordRequest([property: Required, MinLength(8), MaxLength(128)] string NewPassword);

/// <summary>
/// Manages accounts. A platform manager manages the users of their platform subtree and cannot create
/// administrators; a user can never be given a platform outside the manager's own scope.
/// </summary>
public sealed class UserAdministration(AppDbContext db, UserManager<AppUser> users, CurrentUser me, TimeProvider clock)
{
    public async Task<List<UserDto>> ListAsync(string? search, int? platformId, CancellationToken cancellationToken)
    {
        var query = Visible();
        if (!string.IsNullOrWhiteSpace(search))
        {
            query = query.Where(u => u.UserName!.Contains(search) || u.DisplayName.Contains(search));
        }
        if (platformId is not null)
        {
            query = query.Where(u => u.PlatformId == platformId);
        }
        var rows = await query.OrderBy(u => u.UserName).Take(500)
            .Select(u => new { User = u, PlatformName = u.Platform != null ? u.Platform.Name : null })
            .ToListAsync(cancellationToken);
        var roleNames = await RolesByUserAsync(rows.Select(r => r.User.Id).ToList(), cancellationToken);
        var now = clock.GetUtcNow();
        return [.. rows.Select(r => ToDto(r.User, r.PlatformName, roleNames.GetValueOrDefault(r.User.Id, []), now))];
    }

    /// <summary>How many accounts the caller manages (the same scope as <see cref="ListAsync"/>, without its 500-row cap).</summary>
    public Task<int> CountAsync(CancellationToken cancellationToken) => Visible().CountAsync(cancellationToken);

    public async Task<UserDto> GetAsync(int id, CancellationToken cancellationToken)
    {
        var row = await Visible().Where(u => u.Id == id)
            .Select(u => new { User = u, PlatformName = u.Platform != null ? u.Platform.Name : null })
            .SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("User", id);
        var roles = await RolesByUserAsync([id], cancellationToken);
        return ToDto(row.User, row.PlatformName, roles.GetValueOrDefault(id, []), clock.GetUtcNow());
    }

    public async Task<UserDto> CreateAsync(CreateUserRequest request, CancellationToken cancellationToken)
    {
        await CheckAssignmentAsync(request.PlatformId, request.Roles, request.AgentId, cancellationToken);
        if (await users.FindByNameAsync(request.UserName) is not null)
        {
            throw new ConflictException($"The user name '{request.UserName}' is taken.", "userName");
        }
        var user = new AppUser
        {
            UserName = request.UserName.Trim(),
            DisplayName = request.DisplayName.Trim(),
            PlatformId = request.PlatformId,
            AgentId = request.AgentId,
            CreatedAt = clock.GetUtcNow(),
        };
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        Check(await users.CreateAsync(user, request.Password), "password");
        Check(await users.AddToRolesAsync(user, request.Roles.Distinct()), "roles");
        await transaction.CommitAsync(cancellationToken);
        return await GetAsync(user.Id, cancellationToken);
    }

    public async Task<UserDto> UpdateAsync(int id, UpdateUserRequest request, CancellationToken cancellationToken)
    {
        var user = await Visible().AsTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken)
            ?? throw new NotFoundException("User", id);
        await CheckAssignmentAsync(request.PlatformId, request.Roles, request.AgentId, cancellationToken);
        if (user.Id == me.UserId && (!request.IsActive || !request.Roles.Contains(LawlineRoles.Administrator) && me.IsInRole(LawlineRoles.Administrator)))
        {
            throw new DomainException("You cannot deactivate yourself or remove your own administrator role.", "isActive");
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        user.DisplayName = request.DisplayName.Trim();
        user.PlatformId = request.PlatformId;
        user.AgentId = request.AgentId;
        user.IsActive = request.IsActive;
        Check(await users.UpdateAsync(user), "displayName");
        var current = await users.GetRolesAsync(user);
        Check(await users.RemoveFromRolesAsync(user, current.Except(request.Roles)), "roles");
        Check(await users.AddToRolesAsync(user, request.Roles.Distinct().Except(current)), "roles");
        // Role or platform changes take effect at once: existing sessions must sign in again.
        await users.UpdateSecurityStampAsync(user);
        await transaction.CommitAsync(cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    public async Task UnlockAsync(int id, CancellationToken cancellationToken)
    {
        var user = await Visible().AsTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken)
            ?? throw new NotFoundException("User", id);
        Check(await users.SetLockoutEndDateAsync(user, null), "lockout");
        Check(await users.ResetAccessFailedCountAsync(user), "lockout");
    }

    public async Task ResetPasswordAsync(int id, string newPassword, CancellationToken cancellationToken)
    {
        var user = await Visible().AsTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken)
            ?? throw new NotFoundException("User", id);
        var token = await users.GeneratePasswordResetTokenAsync(user);
        Check(await users.ResetPasswordAsync(user, token, newPassword), "newPassword");
    }

    /// <summary>Users are not platform-filtered globally (sign-in must find them), so scope them here.</summary>
    private IQueryable<AppUser> Visible()
    {
        var visible = me.VisiblePlatformIds;
        return me.IsUnrestricted
            ? db.Users.AsNoTracking()
            : db.Users.AsNoTracking().Where(u => u.PlatformId != null && visible.Contains(u.PlatformId.Value));
    }

    private async Task CheckAssignmentAsync(int? platformId, IReadOnlyList<string> roles, int? agentId, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var unknown = roles.Where(r => !LawlineRoles.All.Contains(r)).ToList();
        if (unknown.Count > 0)
        {
            errors["roles"] = [$"Unknown role(s): {string.Join(", ", unknown)}."];
        }
        else if (roles.Contains(LawlineRoles.Administrator) && !me.IsInRole(LawlineRoles.Administrator))
        {
            errors["roles"] = ["Only an administrator can grant the administrator role."];
        }
        if (platformId is null)
        {
            if (!me.IsUnrestricted || !roles.Contains(LawlineRoles.Administrator))
            {
                errors["platformId"] = ["Choose the platform the user belongs to."];
            }
        }
        else if (!await db.Platforms.AnyAsync(p => p.Id == platformId, cancellationToken))
        {
            errors["platformId"] = ["The platform does not exist or is outside your scope."];
        }
        if (agentId is not null && !await db.Agents.AnyAsync(a => a.Id == agentId && a.PlatformId == platformId, cancellationToken))
        {
            errors["agentId"] = ["The agent does not exist on the user's platform."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
    }

    private async Task<Dictionary<int, List<string>>> RolesByUserAsync(List<int> userIds, CancellationToken cancellationToken)
        => (await db.UserRoles.Where(ur => userIds.Contains(ur.UserId))
                .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
                .ToListAsync(cancellationToken))
            .GroupBy(x => x.UserId)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Name!).Order().ToList());

    private static UserDto ToDto(AppUser u, string? platformName, List<string> roles, DateTimeOffset now)
        => new(u.Id, u.UserName!, u.DisplayName, u.PlatformId, platformName, roles, u.AgentId, u.IsActive,
            u.LockoutEnd is { } end && end > now, u.IsDemo);

    private static void Check(IdentityResult result, string field)
    {
        if (!result.Succeeded)
        {
            throw new ValidationFailedException(field, string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}

internal static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(LawlineRoles.ManagePeoplePolicy);
        group.MapGet("/", async (string? search, int? platformId, UserAdministration admin, CancellationToken ct)
            => TypedResults.Ok(await admin.ListAsync(search, platformId, ct)));
        group.MapGet("/{id:int}", async (int id, UserAdministration admin, CancellationToken ct)
            => TypedResults.Ok(await admin.GetAsync(id, ct)));
        group.MapPost("/", async Task<Created<UserDto>> (CreateUserRequest request, UserAdministration admin, CancellationToken ct) =>
        {
            var user = await admin.CreateAsync(request, ct);
            return TypedResults.Created($"/api/users/{user.Id}", user);
        });
        group.MapPut("/{id:int}", async (int id, UpdateUserRequest request, UserAdministration admin, CancellationToken ct)
            => TypedResults.Ok(await admin.UpdateAsync(id, request, ct)));
        group.MapPost("/{id:int}/unlock", async (int id, UserAdministration admin, CancellationToken ct) =>
        {
            await admin.UnlockAsync(id, ct);
            return TypedResults.NoContent();
        });
        group.MapPost("/{id:int}/password", async (int id, ResetPasswordRequest request, UserAdministration admin, CancellationToken ct) =>
        {
            await admin.ResetPasswordAsync(id, request.NewPassword, ct);
            return TypedResults.NoContent();
        });
        return app;
    }
}
