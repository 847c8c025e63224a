using System.ComponentModel.DataAnnotations;
using Lawline.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Security;

public sealed record TokenRequest([property: Required, MaxLength(256)] string UserName, [property: Required, MaxLength(256)] string Password);

public sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt, string TokenType = "Bearer");

public sealed record MeResponse(int? Id, string UserName, string DisplayName, int? PlatformId, IReadOnlyList<string> Roles, IReadOnlyList<int> VisiblePlatformIds, bool SeesAllPlatforms);

internal static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Authentication");
        group.MapPost("/token", IssueToken).AllowAnonymous()
            .WithSummary("Exchange a user name and password for a bearer token")
            .WithDescription("Send the token as `Authorization: Bearer <token>`. Five wrong passwords lock the account for 15 minutes.");
        group.MapGet("/me", Me).WithSummary("Who the token or cookie belongs to, and which platforms they see");
        return app;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(
        TokenRequest request,
        UserManager<AppUser> users,
        SignInManager<AppUser> signIn,
        TokenService tokens,
        AppDbContext db,
        HttpContext http)
    {
        db.CurrentUser.RemoteAddress = http.Connection.RemoteIpAddress?.ToString();
        var user = await users.FindByNameAsync(request.UserName);
        if (user is null || !user.IsActive)
        {
            db.AuditEvent(AuditAction.SignInFailed, "User", null, null, $"token request for unknown or inactive user '{request.UserName}'");
            await db.SaveChangesAsync();
            return InvalidCredentials();
        }

        var result = await signIn.CheckPasswordSignInAsync(user, request.Password, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            db.AuditEvent(AuditAction.LockedOut, "User", user.Id, user.PlatformId, "token request refused: account locked");
            await db.SaveChangesAsync();
            var until = await users.GetLockoutEndDateAsync(user);
            return TypedResults.Problem(
                title: "Account locked",
                detail: $"Too many wrong passwords. The account is locked until {until:yyyy-MM-dd HH:mm} UTC, or until an administrator unlocks it.",
                statusCode: StatusCodes.Status401Unauthorized,
                type: "https://lawline.local/problems/account-locked");
        }
        if (!result.Succeeded)
        {
            db.AuditEvent(AuditAction.SignInFailed, "User", user.Id, user.PlatformId, "token request with a wrong password");
            await db.SaveChangesAsync();
            return InvalidCredentials();
        }

        var principal = await signIn.CreateUserPrincipalAsync(user);
        var (token, expiresAt) = tokens.Issue(principal);
        db.AuditEvent(AuditAction.TokenIssued, "User", user.Id, user.PlatformId, $"API token valid until {expiresAt:O}");
        await db.SaveChangesAsync();
        return TypedResults.Ok(new TokenResponse(token, expiresAt));
    }

    private static ProblemHttpResult InvalidCredentials() => TypedResults.Problem(
        title: "Invalid credentials",
        detail: "The user name or password is wrong.",
        statusCode: StatusCodes.Status401Unauthorized);

    private static async Task<Ok<MeResponse>> Me(CurrentUser me, AppDbContext db)
    {
        var platformIds = me.IsUnrestricted
            ? await db.Platforms.Select(p => p.Id).ToListAsync()
            : me.VisiblePlatformIds.ToList();
        return TypedResults.Ok(new MeResponse(me.UserId, me.UserName, me.DisplayName, me.PlatformId,
            [.. me.Roles.Order()], platformIds, me.IsUnrestricted));
    }
}
