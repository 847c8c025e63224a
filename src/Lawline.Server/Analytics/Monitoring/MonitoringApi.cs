using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lawline.Server.Analytics.Monitoring;

/// <summary>监测预警: repeat callers and surges, their follow-up, and the platform's rules.</summary>
public static class MonitoringApi
{
    public static IHostApplicationBuilder AddMonitoring(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<MonitoringService>();
        builder.Services.AddSingleton<RepeatCallerMonitor>();
        builder.Services.AddSingleton<SurgeMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SurgeMonitor>());
        return builder;
    }

    public static IEndpointRouteBuilder MapMonitoring(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/analytics/alerts").WithTags("Analytics").RequireAuthorization(LawlineRoles.SuperviseCallsPolicy);
        api.MapGet("/", async Task<Ok<IReadOnlyList<MonitoringAlertDto>>> (MonitoringAlertKind? kind, MonitoringAlertStatus? status, int? platform, bool? open,
                MonitoringService alerts, CancellationToken ct) =>
                TypedResults.Ok(await alerts.ListAsync(new MonitoringAlertQuery(kind, status, platform, open ?? false), ct)))
            .WithSummary("The monitoring alerts of the caller's platforms, newest first (at most 500)");
        api.MapPost("/{id:int}/assign", async Task<Ok<MonitoringAlertDto>> (int id, AssignAlertRequest request, MonitoringService alerts, CancellationToken ct) =>
                TypedResults.Ok(await alerts.AssignAsync(id, request, ct)))
            .WithSummary("Assigns the follow-up to a user (default: the caller)");
        api.MapPost("/{id:int}/follow-up", async Task<Ok<MonitoringAlertDto>> (int id, FollowUpAlertRequest request, MonitoringService alerts, CancellationToken ct) =>
                TypedResults.Ok(await alerts.FollowUpAsync(id, request, ct)))
            .WithSummary("Records what was done (called back, lawyer assigned)");
        api.MapPost("/{id:int}/close", async Task<Ok<MonitoringAlertDto>> (int id, CloseAlertRequest request, MonitoringService alerts, CancellationToken ct) =>
                TypedResults.Ok(await alerts.CloseAsync(id, request, ct)))
            .WithSummary("Closes the alert");
        api.MapPost("/surge-check", async Task<Ok<int>> (SurgeMonitor surges, CancellationToken ct) => TypedResults.Ok(await surges.CheckAsync(ct)))
            .WithSummary("Runs the surge check now; returns the alerts raised");
        api.MapGet("/settings/{platformId:int}", async Task<Ok<MonitoringSettingsDto>> (int platformId, MonitoringService alerts, CancellationToken ct) =>
                TypedResults.Ok(await alerts.SettingsAsync(platformId, ct)))
            .WithSummary("The platform's repeat-caller and surge rules");
        api.MapPut("/settings/{platformId:int}", async Task<Ok<MonitoringSettingsDto>> (int platformId, SaveMonitoringSettingsRequest request,
                MonitoringService alerts, CancellationToken ct) => TypedResults.Ok(await alerts.SaveSettingsAsync(platformId, request, ct)))
            .RequireAuthorization(p => p.RequireRole(LawlineRoles.Administrator, LawlineRoles.PlatformManager))
            .WithSummary("Changes the platform's rules (managers)");
        return app;
    }
}
