using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Resources;
using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Lawline.Server.Satisfaction;

/// <summary>The query of a satisfaction table: Beijing days from..to, both included (default today), optionally one platform and its sub-platforms.</summary>
public sealed record SatisfactionKpiQuery(DateOnly? From, DateOnly? To, int? PlatformId, KpiGrouping? GroupBy)
{
    public (DateOnly From, DateOnly To, KpiGrouping GroupBy) Resolve(DateOnly today)
    {
        var from = From ?? today;
        return (from, To ?? from, GroupBy ?? KpiGrouping.Agent);
    }
}

/// <summary>The satisfaction KPIs over HTTP: the full table for those who supervise, a lawyer's own figures for the lawyer.</summary>
public static class SatisfactionKpisApi
{
    /// <summary>Who sees every lawyer's figures of their platforms.</summary>
    public static readonly string[] ViewerRoles =
        [LawlineRoles.Administrator, LawlineRoles.PlatformManager, LawlineRoles.Supervisor, LawlineRoles.QaInspector];

    public const string ViewerRolesList = "Administrator,PlatformManager,Supervisor,QaInspector";

    public static IEndpointRouteBuilder MapSatisfactionKpis(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/satisfaction").WithTags("Satisfaction");
        group.MapGet("/kpis", async ([AsParameters] SatisfactionKpiQuery query, SatisfactionKpis kpis, CancellationToken ct) =>
            {
                var (from, to, groupBy) = query.Resolve(kpis.Today);
                return TypedResults.Ok(await kpis.TableAsync(from, to, query.PlatformId, groupBy, ct));
            })
            .RequireAuthorization(p => p.RequireRole(ViewerRoles))
            .WithSummary("评价率, 满意率, strict 满意率 and 回访 coverage by agent, seat, skill, platform, day, week or month; from/to are Beijing days, both included as in /api/analytics (default today)");
        group.MapGet("/kpis.xlsx", async ([AsParameters] SatisfactionKpiQuery query, SatisfactionKpis kpis, IStringLocalizer<UiText> text, CancellationToken ct) =>
            {
                var (from, to, groupBy) = query.Resolve(kpis.Today);
                var table = await kpis.TableAsync(from, to, query.PlatformId, groupBy, ct);
                var stream = new MemoryStream();
                SatisfactionKpiExport.Write(stream, table, text["Satisfaction.Total"]);
                stream.Position = 0;
                return Results.File(stream, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"satisfaction-{from:yyyyMMdd}-{to:yyyyMMdd}.xlsx");
            })
            .RequireAuthorization(p => p.RequireRole(ViewerRoles))
            .WithSummary("The same table as an Excel workbook");
        group.MapGet("/kpis/me", async Task<Results<Ok<MySatisfactionDto>, NotFound>> (SatisfactionKpis kpis, AppDbContext db, CurrentUser me, CancellationToken ct) =>
            {
                var agentId = await db.Users.Where(u => u.Id == me.UserId).Select(u => u.AgentId).SingleOrDefaultAsync(ct);
                return agentId is { } id ? TypedResults.Ok(await kpis.ForAgentAsync(id, ct)) : TypedResults.NotFound();
            })
            .WithSummary("The signed-in lawyer's own figures today and this month (404 if the user is not a lawyer)");
        group.MapGet("/agents/{agentId:int}/ratings", async (int agentId, SatisfactionKpis kpis, CancellationToken ct)
                => TypedResults.Ok(await kpis.RecentRatingsAsync(agentId, 50, ct)))
            .RequireAuthorization(p => p.RequireRole(ViewerRoles))
            .WithSummary("A lawyer's most recent ratings, with the 回访 task of each low rating");
        return app;
    }
}

/// <summary>The Excel layout of a satisfaction table: Chinese headers, rates as percentages with two decimals as the page shows them.</summary>
public static class SatisfactionKpiExport
{
    public static readonly string[] Headers =
        ["分组", "服务量", "评价数", "满意", "基本满意", "不满意", "评价率", "满意率", "严格满意率", "低评价", "回访任务", "已回访", "回访率"];

    public static void Write(Stream output, SatisfactionKpiTable table, string totalLabel)
        => XlsxWriter.Write(output, "满意度", Headers, table.Rows.Append(table.Total with { Label = totalLabel }).Select(r => (IReadOnlyList<object?>)
        [
            r.Label, r.Counts.Answered, r.Counts.Rated, r.Counts.Satisfied, r.Counts.BasicallySatisfied, r.Counts.Dissatisfied,
            Percent(r.Counts.RatingRate), Percent(r.Counts.SatisfactionRate), Percent(r.Counts.StrictSatisfactionRate),
            r.Counts.LowRatings, r.Counts.Callbacks, r.Counts.CallbacksDone, Percent(r.Counts.CallbackCoverage),
        ]));

    /// <summary>As the page shows it: a percentage with two decimals, empty when there is nothing to divide by.</summary>
    public static string Percent(double? rate) => rate is { } r ? (r * 100).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "%" : "";
}
