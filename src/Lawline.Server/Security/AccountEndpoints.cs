using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;

namespace Lawline.Server.Security;

/// <summary>Browser-side account actions that need a plain HTTP round trip (cookies can't be set from a circuit).</summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (SignInManager<AppUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login");
        }).ExcludeFromDescription();

        // Switches the UI language (zh-CN default, en) and returns to the page the user was on.
        app.MapGet("/culture", (string culture, string? redirectUri, HttpContext http, TimeProvider clock) =>
        {
            var chosen = culture is "en" or "zh-CN" ? culture : "zh-CN";
            http.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions { Expires = clock.GetUtcNow().AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax });
            return TypedResults.LocalRedirect(IsLocal(redirectUri) ? redirectUri! : "/");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static bool IsLocal(string? uri)
        => !string.IsNullOrEmpty(uri) && uri.StartsWith('/') && !uri.StartsWith("//", StringComparison.Ordinal) && !uri.StartsWith("/\\", StringComparison.Ordinal);
}
