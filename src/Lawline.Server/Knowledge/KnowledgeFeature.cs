using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Knowledge;

public static class KnowledgeFeature
{
    /// <summary>Supervisors, managers, experts and administrators: write entries, read the search gaps.</summary>
    public const string EditPolicy = "KnowledgeEdit";

    public static IHostApplicationBuilder AddKnowledge(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KnowledgeOptions>().BindConfiguration(KnowledgeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<KnowledgeIndex>();
        builder.Services.AddScoped<KnowledgeService>();
        builder.Services.AddScoped<LawImporter>();
        builder.Services.AddSingleton<KnowledgeIndexSync>();
        builder.Services.AddHostedService(services => services.GetRequiredService<KnowledgeIndexSync>());
        builder.Services.AddAuthorizationBuilder().AddPolicy(EditPolicy, p => p.RequireRole(KnowledgeService.Editors));
        return builder;
    }

    public static IEndpointRouteBuilder MapKnowledge(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/knowledge").WithTags("Knowledge");

        group.MapGet("/search", async (string? q, int? top, string? kind, int? categoryId, bool? includeExpired,
                KnowledgeService service, CancellationToken ct)
                => TypedResults.Ok(await service.SearchAsync(q, top, kind, categoryId, includeExpired ?? false, ct)))
            .WithSummary("Ranked search of published knowledge: words, lay terms (synonyms) and citations such as 民法典 1079 or 劳动合同法第八十二条");

        group.MapGet("/articles", async ([AsParameters] KnowledgeListQuery query, KnowledgeService service, CancellationToken ct)
            => TypedResults.Ok(await service.ListAsync(query, ct))).WithSummary("Entries of every status, for editors' lists");
        group.MapGet("/articles/{id:int}", async (int id, KnowledgeService service, CancellationToken ct)
            => TypedResults.Ok(await service.GetAsync(id, ct)));
        group.MapPost("/articles", async Task<Created<KnowledgeArticleDto>> (SaveKnowledgeArticleRequest request, KnowledgeService service, CancellationToken ct) =>
        {
            var article = await service.CreateAsync(request, ct);
            return TypedResults.Created($"/api/knowledge/articles/{article.Id}", article);
        }).RequireAuthorization(EditPolicy).WithSummary("Write a draft entry (Q&A, law article, procedure, typical case, agency)");
        group.MapPut("/articles/{id:int}", async (int id, SaveKnowledgeArticleRequest request, KnowledgeService service, CancellationToken ct)
            => TypedResults.Ok(await service.UpdateAsync(id, request, ct)))
            .WithSummary("Change an entry (send the version you read); a published entry goes back to draft for review");
        group.MapPost("/articles/{id:int}/transitions", async (int id, KnowledgeTransitionRequest request, KnowledgeService service, CancellationToken ct)
            => TypedResults.Ok(await service.TransitionAsync(id, request, ct)))
            .WithSummary("Submit for review, publish, send back (with a note) or retire; the author cannot publish their own entry unless administrator");
        group.MapDelete("/articles/{id:int}", async (int id, KnowledgeService service, CancellationToken ct) =>
        {
            await service.DeleteAsync(id, ct);
            return TypedResults.NoContent();
        }).WithSummary("Delete a draft that was never published");
        group.MapPost("/proposals", async Task<Created<KnowledgeArticleDto>> (ProposeFromWorkOrderRequest request, KnowledgeService service, CancellationToken ct) =>
        {
            var article = await service.ProposeFromWorkOrderAsync(request.WorkOrderId, ct);
            return TypedResults.Created($"/api/knowledge/articles/{article.Id}", article);
        }).WithSummary("Propose a completed work order's question and answer as a draft Q&A");

        group.MapGet("/synonyms", async (KnowledgeService service, CancellationToken ct) => TypedResults.Ok(await service.SynonymsAsync(ct)));
        group.MapPost("/synonyms", async Task<Created<SynonymDto>> (SaveSynonymRequest request, KnowledgeService service, CancellationToken ct) =>
        {
            var synonym = await service.SaveSynonymAsync(null, request, ct);
            return TypedResults.Created($"/api/knowledge/synonyms/{synonym.Id}", synonym);
        }).RequireAuthorization(LawlineRoles.AdministerPolicy).WithSummary("Add a lay term and its synonyms (applied to queries at once)");
        group.MapPut("/synonyms/{id:int}", async (int id, SaveSynonymRequest request, KnowledgeService service, CancellationToken ct)
            => TypedResults.Ok(await service.SaveSynonymAsync(id, request, ct))).RequireAuthorization(LawlineRoles.AdministerPolicy);
        group.MapDelete("/synonyms/{id:int}", async (int id, KnowledgeService service, CancellationToken ct) =>
        {
            await service.DeleteSynonymAsync(id, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(LawlineRoles.AdministerPolicy);

        group.MapGet("/gaps", async (int? days, KnowledgeService service, CancellationToken ct) => TypedResults.Ok(await service.GapsAsync(days, ct)))
            .RequireAuthorization(EditPolicy).WithSummary("Searches that found nothing useful, most frequent first: what editors should write next");

        group.MapPost("/index/catch-up", async (KnowledgeIndexSync sync, CancellationToken ct) => TypedResults.Ok(await sync.CatchUpAsync(ct)))
            .RequireAuthorization(LawlineRoles.AdministerPolicy).WithSummary("Compare the search index with the database now and repair differences");
        return app;
    }

    /// <summary>
    /// On a new installation, the lay terms callers use and the words the law uses for them, from
    /// Knowledge/Data/default-synonyms.json (embedded): each term with its synonyms becomes one group.
    /// </summary>
    public static async Task EnsureDefaultSynonymsAsync(AppDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await db.KnowledgeSynonyms.AnyAsync(cancellationToken))
        {
            return;
        }
        var now = clock.GetUtcNow();
        foreach (var group in await KnowledgeDefaults.SynonymsAsync(cancellationToken))
        {
            db.KnowledgeSynonyms.Add(new KnowledgeSynonym { Term = group.Term, Synonyms = group.Synonyms, UpdatedAt = now });
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
