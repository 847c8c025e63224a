using Lawline.Server.Analytics.Monitoring;
using Lawline.Server.Analytics.Reports;
using Lawline.Server.Analytics.Topics;
using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lawline.Server.Analytics;

/// <summary>Analytics: rollups kept current by a worker, the KPI engine over them, and its API.</summary>
public static class AnalyticsFeature
{
    public static IHostApplicationBuilder AddAnalytics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RollupWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RollupWorker>());
        builder.Services.AddScoped<KpiService>();
        builder.Services.AddScoped<History.HistoryGenerator>();
        builder.Services.AddScoped<AnalyticsBreakdowns>();
        builder.AddMonitoring();
        builder.AddHotTopics();
        builder.AddReports();
        return builder;
    }

    public static IEndpointRouteBuilder MapAnalytics(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/analytics").WithTags("Analytics").RequireAuthorization(LawlineRoles.SuperviseCallsPolicy);
        api.MapGet("/kpis", async Task<Ok<KpiReport>> (DateOnly? from, DateOnly? to, int? platform, KpiService kpis, CancellationToken ct) =>
            {
                var end = to ?? kpis.Today;
                return TypedResults.Ok(await kpis.ReportAsync(platform, from ?? end, end, ct));
            })
            .WithSummary("Every KPI of the platform (with its sub-platforms) for the days from..to (Beijing, inclusive; default today), "
                + "with the same period a year before and the period just before, and the changes");
        app.MapAnalyticsBreakdowns();
        app.MapMonitoring();
        app.MapHotTopics();
        app.MapReports();
        return app;
    }
}
