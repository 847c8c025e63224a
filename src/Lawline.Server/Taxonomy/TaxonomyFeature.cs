using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.WorkOrders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Taxonomy;

public static class TaxonomyFeature
{
    public const string DefaultTaxonomyResource = "Lawline.Server.Taxonomy.default-taxonomy.json";

    public static IHostApplicationBuilder AddTaxonomy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PinyinInitials>();
        builder.Services.AddSingleton<TaxonomyIndex>();
        builder.Services.AddScoped<TaxonomyImporter>();
        builder.Services.AddScoped<TaxonomyReader>();
        return builder;
    }

    /// <summary>On an empty database, imports the taxonomy shipped with Lawline.</summary>
    public static async Task EnsureDefaultTaxonomyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<AppDbContext>();
        if (await db.Categories.AnyAsync(cancellationToken))
        {
            return;
        }
        await using var stream = typeof(TaxonomyFeature).Assembly.GetManifestResourceStream(DefaultTaxonomyResource)
            ?? throw new InvalidOperationException("The default taxonomy is missing from the assembly.");
        var document = await TaxonomyFile.ReadAsync(stream, "default-taxonomy.json", null, cancellationToken);
        await services.GetRequiredService<TaxonomyImporter>().ImportAsync(document, retireMissing: false, cancellationToken);
    }

    public static IEndpointRouteBuilder MapTaxonomy(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/taxonomy").WithTags("Taxonomy");
        group.MapGet("/", async (bool? includeRetired, TaxonomyIndex index, CancellationToken ct) =>
        {
            var all = await index.AllAsync(ct);
            return TypedResults.Ok(includeRetired == true ? all : [.. all.Where(c => !c.IsRetired)]);
        }).WithSummary("The whole taxonomy in tree order, with each category's inherited skill");
        group.MapGet("/search", async (string? q, int? top, bool? includeRetired, TaxonomyIndex index, WorkOrderService orders, CancellationToken ct) =>
        {
            var recent = await orders.RecentCategoriesAsync(ct);
            return TypedResults.Ok(await index.SearchAsync(q, recent, top ?? 20, includeRetired ?? false, ct));
        }).WithSummary("The category picker: hanzi, pinyin initials or code; recently used first");
        group.MapGet("/{code}", async Task<Results<Ok<CategoryEntry>, NotFound>> (string code, TaxonomyIndex index, CancellationToken ct)
            => await index.FindAsync(code, ct) is { } entry ? TypedResults.Ok(entry) : TypedResults.NotFound());
        group.MapGet("/{code}/revisions", async (string code, TaxonomyReader reader, CancellationToken ct)
            => TypedResults.Ok(await reader.RevisionsAsync(code, ct)));

        group.MapPost("/import", async (IFormFile file, [FromForm] string? version, [FromForm] bool? retireMissing,
                TaxonomyImporter importer, CancellationToken ct) =>
            {
                await using var stream = file.OpenReadStream();
                var document = await TaxonomyFile.ReadAsync(stream, file.FileName, string.IsNullOrWhiteSpace(version) ? null : version, ct);
                return TypedResults.Ok(await importer.ImportAsync(document, retireMissing ?? false, ct));
            })
            .DisableAntiforgery()
            .RequireAuthorization(LawlineRoles.AdministerPolicy)
            .WithSummary("Import a taxonomy file (Lawline JSON/CSV, or the cause-of-action tree CSV/JSON); all or nothing");
        group.MapGet("/export", async (string? format, TaxonomyIndex index, CancellationToken ct) =>
        {
            var all = await index.AllAsync(ct);
            var document = new TaxonomyDocument("export", "Lawline",
                [.. all.Where(c => !c.IsRetired).Select(c => new TaxonomyNode(c.Code, c.Name, c.ParentCode, c.Level, c.OwnSkillCode))]);
            return string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
                ? Results.File(System.Text.Encoding.UTF8.GetBytes(TaxonomyFile.WriteCsv(document)), "text/csv; charset=utf-8", "taxonomy.csv")
                : Results.File(System.Text.Encoding.UTF8.GetBytes(TaxonomyFile.WriteJson(document)), "application/json; charset=utf-8", "taxonomy.json");
        }).RequireAuthorization(LawlineRoles.AdministerPolicy).WithSummary("Export the active taxonomy as JSON or CSV");
        group.MapPost("/{code}/retire", async (string code, RetireCategoryRequest request, TaxonomyImporter importer, CancellationToken ct) =>
        {
            await importer.RetireAsync(code, request.ReplacedByCode, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(LawlineRoles.AdministerPolicy);
        return app;
    }
}

public sealed record RetireCategoryRequest([property: System.ComponentModel.DataAnnotations.MaxLength(40)] string? ReplacedByCode);
