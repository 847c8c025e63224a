using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lawline.Server.Analytics.Reports;

/// <summary>Generated reports (工作报告): on demand, on the schedule, listed and downloaded within the caller's platforms.</summary>
public static class ReportsApi
{
    public static IHostApplicationBuilder AddReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ReportGenerator>();
        builder.Services.AddScoped<ReportService>();
        builder.Services.AddSingleton<ReportScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReportScheduler>());
        return builder;
    }

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/analytics/reports").WithTags("Analytics").RequireAuthorization(LawlineRoles.SuperviseCallsPolicy);
        api.MapPost("/", async Task<Created<GeneratedReportDto>> (GenerateReportRequest request, ReportService reports, CancellationToken ct) =>
            {
                var report = await reports.GenerateAsync(request, ct);
                return TypedResults.Created($"/api/analytics/reports/{report.Id}", report);
            })
            .WithSummary("Generates a report (Word and Excel) of a platform for a period (default: the last complete week, month, quarter or half-year)");
        api.MapGet("/", async Task<Ok<IReadOnlyList<GeneratedReportDto>>> (int? platform, ReportService reports, CancellationToken ct) =>
                TypedResults.Ok(await reports.ListAsync(platform, ct)))
            .WithSummary("The reports of the caller's platforms, newest first");
        api.MapGet("/{id:int}/{format:regex(^(docx|xlsx)$)}", async (int id, string format, ReportService reports, CancellationToken ct) =>
            {
                var (path, name, type) = await reports.OpenAsync(id, format, ct);
                return TypedResults.PhysicalFile(path, type, name);
            })
            .WithSummary("Downloads a report as Word (docx) or Excel (xlsx); audited");
        return app;
    }
}
