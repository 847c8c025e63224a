using System.Security.Claims;
using Lawline.Server.Data;
using Lawline.Server.Routing.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Security;

public static class SecuritySetup
{
    private const string SmartScheme = "Lawline";

    public static IHostApplicationBuilder AddLawlineSecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<TokenService>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<AuditLogReader>();
        services.AddScoped<UserScopes>();
        services.AddScoped<CircuitHandler, CurrentUserCircuitHandler>();

        services.AddIdentityCore<AppUser>(options =>
            {
                options.Password.RequiredLength = 8;
                options.Password.RequireDigit = true;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 4;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.User.RequireUniqueEmail = false;
                options.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@";
            })
            .AddRoles<IdentityRole<int>>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<LawlineClaimsFactory>()
            .AddDefaultTokenProviders();

        services.AddDataProtection()
            .SetApplicationName("Lawline")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(DataDirectory(builder), "keys")));

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = SmartScheme;
                options.DefaultChallengeScheme = SmartScheme;
            })
            // API clients send a bearer token; the browser UI has the sign-in cookie. One scheme picks.
            .AddPolicyScheme(SmartScheme, "Cookie or bearer token", options =>
            {
                // A wall screen's display link (大屏令牌) signs in to the hubs only.
                options.ForwardDefaultSelector = context =>
                    WallDisplayAuthenticationHandler.TokenOf(context.Request) is not null
                        ? WallDisplayAuthenticationHandler.SchemeName
                        : context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        || HubAccessToken(context.Request) is not null
                        ? JwtBearerDefaults.AuthenticationScheme
                        : IdentityConstants.ApplicationScheme;
            })
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                // Browsers cannot set headers on WebSocket and EventSource requests: SignalR clients send the token
                // in the query string there, which is accepted on the hubs only (elsewhere it would end up in logs
                // and referrers for nothing).
                options.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        context.Token ??= HubAccessToken(context.Request);
                        return Task.CompletedTask;
                    },
                };
            })
            .AddScheme<AuthenticationSchemeOptions, WallDisplayAuthenticationHandler>(WallDisplayAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(options =>
            {
                options.LoginPath = "/account/login";
                options.LogoutPath = "/account/logout";
                options.AccessDeniedPath = "/account/denied";
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
                options.SlidingExpiration = true;
                options.Cookie.Name = "lawline.auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                // The API answers 401/403; only pages redirect to the sign-in page.
                options.Events.OnRedirectToLogin = context => ApiOrRedirect(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => ApiOrRedirect(context, StatusCodes.Status403Forbidden);
            }));
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenService>((options, tokens) => options.TokenValidationParameters = tokens.ValidationParameters());

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(LawlineRoles.AdministerPolicy, p => p.RequireRole(LawlineRoles.Administrator))
            .AddPolicy(LawlineRoles.ManagePeoplePolicy, p => p.RequireRole(LawlineRoles.Administrator, LawlineRoles.PlatformManager))
            .AddPolicy(LawlineRoles.SuperviseCallsPolicy, p => p.RequireRole(LawlineRoles.SuperviseCalls))
            .AddPolicy(LawlineRoles.ListenToRecordingsPolicy, p => p.RequireRole(LawlineRoles.ListenToRecordings));
        services.AddCascadingAuthenticationState();
        return builder;
    }

    private static string DataDirectory(IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(LawlineOptions.Section).Get<LawlineOptions>() ?? new LawlineOptions();
        return options.ResolveDataDirectory();
    }

    private static string? HubAccessToken(HttpRequest request)
        => request.Path.StartsWithSegments("/hubs") && request.Query["access_token"].ToString() is { Length: > 0 } token ? token : null;

    private static Task ApiOrRedirect(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Resolves who is calling and which platforms they see, once per request, before any endpoint runs.</summary>
    public static IApplicationBuilder UseCurrentUser(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var user = context.RequestServices.GetRequiredService<CurrentUser>();
        user.RemoteAddress = context.Connection.RemoteIpAddress?.ToString();
        var db = context.RequestServices.GetRequiredService<AppDbContext>();
        await user.InitializeAsync(context.User, db, context.RequestAborted);
        if (context.User.Identity?.IsAuthenticated == true && !user.IsAuthenticated && !user.IsDisplay)
        {
            // A valid token or cookie of a user who was deactivated (or deleted) since: treat the request
            // as anonymous, so the API answers 401 and pages send the person to the sign-in page.
            context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        }
        await next(context);
    });

    public static IEndpointRouteBuilder MapLawlineSecurity(this IEndpointRouteBuilder app)
    {
        app.MapAuthApi();
        app.MapUsersApi();
        app.MapAuditApi();
        app.MapAccountEndpoints();
        return app;
    }
}

/// <summary>A Blazor circuit has its own DI scope: resolve the signed-in user's platform scope for it too.</summary>
internal sealed class CurrentUserCircuitHandler(
    CurrentUser currentUser,
    AuthenticationStateProvider authentication,
    IServiceScopeFactory scopes) : CircuitHandler
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        await using var scope = scopes.CreateAsyncScope();
        await currentUser.InitializeAsync(state.User, scope.ServiceProvider.GetRequiredService<AppDbContext>(), cancellationToken);
    }
}
