using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Lawline.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Routing.Live;

/// <summary>
/// Signs a wall screen in to the routing hub with its display token (<c>/hubs/routing?display_token=…</c>): a principal
/// with the display's id and platform and no roles. The smart scheme forwards here only on <c>/hubs</c>, so a display
/// token opens nothing else.
/// </summary>
internal sealed class WallDisplayAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    WallDisplayTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "DisplayToken";
    public const string QueryParameter = "display_token";

    /// <summary>The claim that marks a display principal; its value is the display's id.</summary>
    public const string DisplayClaim = CurrentUser.DisplayClaim;

    public static string? TokenOf(HttpRequest request)
        => request.Path.StartsWithSegments("/hubs") && request.Query[QueryParameter].ToString() is { Length: > 0 } token ? token : null;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = TokenOf(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var grant = await tokens.ResolveAsync(token, Context.RequestAborted);
        if (grant is null)
        {
            return AuthenticateResult.Fail("The display link is invalid, expired or revoked.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(DisplayClaim, grant.DisplayId.ToString(CultureInfo.InvariantCulture)),
                new Claim(LawlineClaims.Platform, grant.PlatformId.ToString(CultureInfo.InvariantCulture)),
                new Claim(LawlineClaims.DisplayName, grant.Name),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
