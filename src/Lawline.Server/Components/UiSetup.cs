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
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
