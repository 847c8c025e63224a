using Lawline.Server.Components.Shared;
using MudBlazor;
using MudBlazor.Services;

namespace Lawline.Server.Components;

public static class UiSetup
{
    public static IHostApplicationBuilder AddLawlineUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.TopCenter;
            options.SnackbarConfiguration.VisibleStateDuration = 4000;
            options.SnackbarConfiguration.ShowCloseIcon = true;
            options.SnackbarConfiguration.PreventDuplicates = false;
        });
        builder.Services.AddTransient<MudLocalizer, LawlineMudLocalizer>();
        return builder;
    }

    public static WebApplication MapLawlineUi(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode()
            // The circuit's hub (/_blazor) is open without a sign-in, as in Blazor's default set-up: a wall screen's
            // display link (/wall/{token}) needs a circuit, and every page still checks its own [Authorize] in
            // AuthorizeRouteView (the sign-in redirect of a page request is unchanged).
            .Add(endpoint =>
            {
                if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } pattern }
                    && pattern.TrimStart('/').StartsWith("_blazor", StringComparison.Ordinal))
                {
                    endpoint.Metadata.Add(new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute());
                }
            });
        // An unknown address typed into the browser gets the "page not found" page in the app's look;
        // API clients and everything that is not a page navigation keep the plain 404.
        app.MapFallback(context =>
        {
            var isPageNavigation = HttpMethods.IsGet(context.Request.Method)
                && !context.Request.Path.StartsWithSegments("/api")
                && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
            if (isPageNavigation)
            {
                context.Response.Redirect("/not-found");
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
            return Task.CompletedTask;
        }).ExcludeFromDescription();
        return app;
    }
}
