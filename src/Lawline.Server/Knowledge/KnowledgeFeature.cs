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

    /// <summary>On a new installation, the common lay terms a caller uses and the words the law uses for them.</summary>
    public static async Task EnsureDefaultSynonymsAsync(AppDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await db.KnowledgeSynonyms.AnyAsync(cancellationToken))
        {
            return;
        }
        var now = clock.GetUtcNow();
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in DefaultSynonyms.Concat(CallerTermSynonyms()))
        {
            // One row per term (the unique key): a term in both lists keeps the first list's group.
            if (terms.Add(group[0]))
            {
                db.KnowledgeSynonyms.Add(new KnowledgeSynonym { Term = group[0], Synonyms = [.. group.Skip(1)], UpdatedAt = now });
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The words callers use mapped to the words the laws use (Data/default-synonyms.json: 欠薪 → 拖欠, 劳动报酬; 炒鱿鱼,
    /// 老赖, 造谣 …; every synonym is checked to occur in the law texts by bench/Lawline.KnowledgeBench/eval/validate.py).
    /// </summary>
    public static IReadOnlyList<string[]> CallerTermSynonyms()
    {
        using var stream = typeof(KnowledgeFeature).Assembly.GetManifestResourceStream("Lawline.Server.Knowledge.default-synonyms.json");
        if (stream is null)
        {
            return [];
        }
        var entries = System.Text.Json.JsonSerializer.Deserialize<List<SynonymEntry>>(stream, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)) ?? [];
        return [.. entries.Where(e => !string.IsNullOrWhiteSpace(e.Term) && e.Synonyms is { Count: > 0 })
            .Select(e => (string[])[e.Term.Trim(), .. e.Synonyms!.Select(s => s.Trim()).Where(s => s.Length > 0)])];
    }

    private sealed record SynonymEntry(string Term, List<string>? Synonyms);

    public static readonly IReadOnlyList<string[]> DefaultSynonyms =
    [
        ["欠薪", "拖欠工资", "拖欠劳动报酬", "克扣工资", "未足额支付劳动报酬"],
        ["工资", "劳动报酬"],
        ["加班费", "加班工资", "延长工作时间"],
        ["双倍工资", "二倍的工资", "二倍工资"],
        ["没签合同", "未订立书面劳动合同", "未签劳动合同"],
        ["辞退", "开除", "炒鱿鱼", "解除劳动合同"],
        ["补偿金", "经济补偿", "遣散费"],
        ["老板", "用人单位", "雇主"],
        ["员工", "劳动者", "职工"],
        ["工伤", "工伤认定", "因工受伤", "工伤保险"],
        ["社保", "社会保险"],
        ["劳动仲裁", "劳动争议仲裁", "仲裁委员会"],
        ["离婚", "解除婚姻关系", "离婚诉讼"],
        ["结婚", "婚姻登记", "结婚登记"],
        ["家暴", "家庭暴力", "人身安全保护令"],
        ["打我", "殴打", "家庭暴力"],
        ["老公", "丈夫", "配偶"],
        ["老婆", "妻子", "配偶"],
        ["彩礼", "婚约财产"],
        ["抚养费", "子女抚养费"],
        ["抚养权", "直接抚养"],
        ["赡养费", "赡养", "赡养义务"],
        ["夫妻财产", "夫妻共同财产", "财产分割"],
        ["遗产", "继承", "遗嘱"],
        ["小孩", "未成年人", "未成年子女"],
        ["借钱不还", "借款合同", "民间借贷", "欠款"],
        ["欠条", "借条", "借据"],
        ["房东", "出租人"],
        ["租客", "承租人"],
        ["房租", "租金"],
        ["押金", "保证金"],
        ["商家", "经营者"],
        ["假货", "欺诈", "假冒伪劣"],
        ["退货", "无理由退货", "退换货"],
        ["车祸", "交通事故", "机动车交通事故"],
        ["打官司", "起诉", "提起诉讼"],
        ["法援", "法律援助", "免费律师"],
        ["调解", "人民调解"],
        ["强制执行", "申请执行", "判决不执行"],
    ];
}
