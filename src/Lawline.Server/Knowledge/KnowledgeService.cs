using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Knowledge;

/// <summary>
/// The knowledge base: entries and their review workflow, proposals from completed work orders, synonyms, and the
/// search that logs what it could not answer. The index is updated after each commit; should that fail (crash),
/// <see cref="KnowledgeIndexSync"/> catches up from the database.
/// </summary>
public sealed class KnowledgeService(
    AppDbContext db,
    KnowledgeIndex index,
    CurrentUser me,
    TimeProvider clock,
    IOptions<KnowledgeOptions> options)
{
    /// <summary>Who writes and edits entries.</summary>
    public static readonly IReadOnlyList<string> Editors =
        [LawlineRoles.Administrator, LawlineRoles.PlatformManager, LawlineRoles.Supervisor, LawlineRoles.Expert];

    /// <summary>Who approves (publishes), sends back and retires entries.</summary>
    public static readonly IReadOnlyList<string> Reviewers = [LawlineRoles.Administrator, LawlineRoles.PlatformManager, LawlineRoles.Supervisor];

    private bool IsEditor => me.IsUnrestricted || Editors.Any(me.IsInRole);
    private bool IsReviewer => me.IsUnrestricted || Reviewers.Any(me.IsInRole);
    private bool IsAdministrator => me.IsInRole(LawlineRoles.Administrator);

    // ---- search ----

    public async Task<KnowledgeSearchResult> SearchAsync(string? q, int? top, string? kind, int? categoryId, bool includeExpired, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var text = q?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            errors["q"] = ["Type what to search for (q)."];
        }
        else if (text.Length > KnowledgeLimits.Query)
        {
            errors["q"] = [$"A search is at most {KnowledgeLimits.Query} characters."];
        }
        if (top is < 1 or > KnowledgeLimits.MaxTop)
        {
            errors["top"] = [$"top is between 1 and {KnowledgeLimits.MaxTop}."];
        }
        KnowledgeKind? parsedKind = null;
        if (!string.IsNullOrWhiteSpace(kind))
        {
            if (Enum.TryParse<KnowledgeKind>(kind, ignoreCase: true, out var k) && Enum.IsDefined(k) && !int.TryParse(kind, out _))
            {
                parsedKind = k;
            }
            else
            {
                errors["kind"] = [$"Unknown kind '{kind}'; use one of {string.Join(", ", Enum.GetNames<KnowledgeKind>())}."];
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var result = index.Search(new KnowledgeQuery(text, top ?? 10)
        {
            Kind = parsedKind,
            CategoryId = categoryId,
            IncludeExpired = includeExpired,
            PlatformIds = me.IsUnrestricted ? null : me.VisiblePlatformIds,
        });
        if (result.Hits.Count == 0 || result.TopScore < options.Value.GapScoreThreshold)
        {
            db.KnowledgeSearchGaps.Add(new KnowledgeSearchGap
            {
                Query = text, Hits = result.TotalHits, TopScore = result.TopScore, At = clock.GetUtcNow(),
                UserId = me.UserId, UserName = me.UserName, PlatformId = me.PlatformId,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        return result;
    }

    public async Task<List<SearchGapSummary>> GapsAsync(int? days, CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow().AddDays(-Math.Clamp(days ?? 30, 1, 366));
        var rows = await db.KnowledgeSearchGaps.AsNoTracking().Where(g => g.At >= since)
            .OrderByDescending(g => g.At).Take(10_000).ToListAsync(cancellationToken);
        return [.. rows.GroupBy(g => g.Query, StringComparer.Ordinal)
            .Select(g => new SearchGapSummary(g.Key, g.Count(), g.Max(x => x.Hits), g.Max(x => x.TopScore), g.Max(x => x.At)))
            .OrderByDescending(g => g.Count).ThenByDescending(g => g.LastAt).Take(500)];
    }

    // ---- entries ----

    public async Task<KnowledgePage> ListAsync(KnowledgeListQuery query, CancellationToken cancellationToken)
    {
        var rows = db.KnowledgeArticles.AsNoTracking().AsQueryable();
        if (query.Kind is { } kind)
        {
            rows = rows.Where(a => a.Kind == kind);
        }
        if (query.Status is { } status)
        {
            rows = rows.Where(a => a.Status == status);
        }
        if (!string.IsNullOrWhiteSpace(query.Law))
        {
            var law = query.Law.Trim();
            rows = rows.Where(a => a.LawTitle != null && a.LawTitle.Contains(law));
        }
        var size = Math.Clamp(query.PageSize ?? 50, 1, 500);
        var page = Math.Max(query.Page ?? 1, 1);
        var total = await rows.CountAsync(cancellationToken);
        var items = await rows.OrderBy(a => a.LawTitle).ThenBy(a => a.ArticleNumber).ThenByDescending(a => a.UpdatedAt).ThenBy(a => a.Id)
            .Skip((page - 1) * size).Take(size)
            .Select(a => new KnowledgeArticleSummary(a.Id, a.Kind, a.Title, a.Citation, a.Status, a.Version, a.PlatformId, a.AuthorName, a.UpdatedAt, a.ReviewBy))
            .ToListAsync(cancellationToken);
        return new KnowledgePage(total, items);
    }

    public async Task<KnowledgeArticleDto> GetAsync(int id, CancellationToken cancellationToken)
        => KnowledgeArticleDto.From(await FindAsync(id, tracking: false, cancellationToken));

    public async Task<KnowledgeArticleDto> CreateAsync(SaveKnowledgeArticleRequest request, CancellationToken cancellationToken)
    {
        if (!IsEditor)
        {
            throw new DomainException("Only editors (supervisors, managers, experts, administrators) write entries; lawyers propose them from work orders.");
        }
        var platformId = ResolvePlatform(request);
        await ValidateAsync(request, null, cancellationToken);
        var article = KnowledgeArticle.Draft(request.Kind, platformId, me.UserId, AuthorName, clock.GetUtcNow());
        Apply(article, request);
        db.KnowledgeArticles.Add(article);
        await db.SaveChangesAsync(cancellationToken);
        return KnowledgeArticleDto.From(article);
    }

    public async Task<KnowledgeArticleDto> UpdateAsync(int id, SaveKnowledgeArticleRequest request, CancellationToken cancellationToken)
    {
        var article = await FindAsync(id, tracking: true, cancellationToken);
        EnsureMayEdit(article);
        CheckVersion(article, request.Version);
        if (request.Kind != article.Kind)
        {
            throw new ValidationFailedException("kind", "The kind of an entry cannot change; create a new entry instead.");
        }
        await ValidateAsync(request, article.Id, cancellationToken);
        Apply(article, request);
        article.Edited(clock.GetUtcNow());
        await SaveAndIndexAsync(article, cancellationToken);
        return KnowledgeArticleDto.From(article);
    }

    public async Task<KnowledgeArticleDto> TransitionAsync(int id, KnowledgeTransitionRequest request, CancellationToken cancellationToken)
    {
        var article = await FindAsync(id, tracking: true, cancellationToken);
        EnsureMayEdit(article);
        CheckVersion(article, request.Version);
        var now = clock.GetUtcNow();
        switch (request.Action)
        {
            case KnowledgeAction.Submit:
                article.SubmitForReview(now);
                break;
            case KnowledgeAction.Publish:
                EnsureReviewer();
                article.Publish(me.UserId, AuthorName, IsAdministrator || me.IsUnrestricted && me.UserId is null, now);
                break;
            case KnowledgeAction.Reject:
                EnsureReviewer();
                article.Reject(request.Note ?? string.Empty, now);
                break;
            case KnowledgeAction.Retire:
                EnsureReviewer();
                article.Retire(now);
                break;
            default:
                throw new ValidationFailedException("action", $"Unknown action '{request.Action}'.");
        }
        await SaveAndIndexAsync(article, cancellationToken);
        return KnowledgeArticleDto.From(article);
    }

    /// <summary>Deletes a draft that was never published (published entries are retired, so history stays).</summary>
    public async Task DeleteAsync(int id, CancellationToken cancellationToken)
    {
        var article = await FindAsync(id, tracking: true, cancellationToken);
        EnsureMayEdit(article);
        if (article.Status != KnowledgeStatus.Draft || article.PublishedAt is not null)
        {
            throw new DomainException("Only a draft that was never published can be deleted; retire a published entry instead.");
        }
        db.KnowledgeArticles.Remove(article);
        await db.SaveChangesAsync(cancellationToken);
        index.Remove([id]);
    }

    /// <summary>A lawyer's answer on a completed work order becomes a draft Q&amp;A for the editors to review.</summary>
    public async Task<KnowledgeArticleDto> ProposeFromWorkOrderAsync(int workOrderId, CancellationToken cancellationToken)
    {
        if (me.UserId is null && !me.IsUnrestricted)
        {
            throw new DomainException("Sign in to propose an entry.");
        }
        var order = await db.WorkOrders.AsNoTracking().SingleOrDefaultAsync(w => w.Id == workOrderId, cancellationToken)
            ?? throw new NotFoundException("Work order", workOrderId);
        if (order.Status is not (WorkOrderStatus.Completed or WorkOrderStatus.Closed))
        {
            throw new DomainException($"Work order {order.Number} is not completed yet; propose its answer once it is.", "workOrderId");
        }
        if (string.IsNullOrWhiteSpace(order.Answer) || string.IsNullOrWhiteSpace(order.Question))
        {
            throw new DomainException($"Work order {order.Number} has no question and answer to propose.", "workOrderId");
        }
        if (await db.KnowledgeArticles.AnyAsync(a => a.SourceWorkOrderId == workOrderId && a.Status != KnowledgeStatus.Retired, cancellationToken))
        {
            throw new ConflictException($"Work order {order.Number} has already been proposed.", "workOrderId");
        }
        int? skillId = order.CategoryId is { } categoryId
            ? await db.Categories.Where(c => c.Id == categoryId).Select(c => c.SkillId).SingleOrDefaultAsync(cancellationToken)
            : null;
        var question = order.Question.Trim();
        var article = KnowledgeArticle.Draft(KnowledgeKind.QAndA, order.PlatformId, me.UserId, AuthorName, clock.GetUtcNow());
        article.Title = question.Length <= 60 ? question : question[..60] + "…";
        article.Question = Clip(question, 4000);
        article.Body = Clip(order.Answer.Trim(), KnowledgeLimits.Body);
        article.LegalBasis = order.LegalBasis is null ? null : Clip(order.LegalBasis, 2000);
        article.CategoryId = order.CategoryId;
        article.SkillId = skillId;
        article.SourceWorkOrderId = order.Id;
        db.KnowledgeArticles.Add(article);
        await db.SaveChangesAsync(cancellationToken);
        return KnowledgeArticleDto.From(article);
    }

    // ---- synonyms ----

    public async Task<List<SynonymDto>> SynonymsAsync(CancellationToken cancellationToken)
        => await db.KnowledgeSynonyms.AsNoTracking().OrderBy(s => s.Term)
            .Select(s => new SynonymDto(s.Id, s.Term, s.Synonyms, s.UpdatedAt)).ToListAsync(cancellationToken);

    public async Task<SynonymDto> SaveSynonymAsync(int? id, SaveSynonymRequest request, CancellationToken cancellationToken)
    {
        var (term, synonyms) = ValidateSynonym(request);
        var duplicate = await db.KnowledgeSynonyms.AnyAsync(s => s.Term == term && s.Id != (id ?? 0), cancellationToken);
        if (duplicate)
        {
            throw new ConflictException($"'{term}' already has synonyms; edit that entry.", "term");
        }
        KnowledgeSynonym synonym;
        if (id is { } existing)
        {
            synonym = await db.KnowledgeSynonyms.AsTracking().SingleOrDefaultAsync(s => s.Id == existing, cancellationToken)
                ?? throw new NotFoundException("Synonym", existing);
        }
        else
        {
            synonym = new KnowledgeSynonym();
            db.KnowledgeSynonyms.Add(synonym);
        }
        synonym.Term = term;
        synonym.Synonyms = synonyms;
        synonym.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        index.Synonyms = await LoadSynonymsAsync(db, cancellationToken);
        return new SynonymDto(synonym.Id, synonym.Term, synonym.Synonyms, synonym.UpdatedAt);
    }

    public async Task DeleteSynonymAsync(int id, CancellationToken cancellationToken)
    {
        var synonym = await db.KnowledgeSynonyms.AsTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken)
            ?? throw new NotFoundException("Synonym", id);
        db.KnowledgeSynonyms.Remove(synonym);
        await db.SaveChangesAsync(cancellationToken);
        index.Synonyms = await LoadSynonymsAsync(db, cancellationToken);
    }

    public static async Task<SynonymSet> LoadSynonymsAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.KnowledgeSynonyms.AsNoTracking().Select(s => new { s.Term, s.Synonyms }).ToListAsync(cancellationToken);
        return new SynonymSet(rows.Select(r => r.Synonyms.Prepend(r.Term)));
    }

    private static (string Term, List<string> Synonyms) ValidateSynonym(SaveSynonymRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var term = request.Term?.Trim() ?? string.Empty;
        if (term.Length is 0 or > KnowledgeLimits.Term)
        {
            errors["term"] = [$"A term is 1–{KnowledgeLimits.Term} characters."];
        }
        var synonyms = (request.Synonyms ?? []).Select(s => s?.Trim() ?? string.Empty).ToList();
        if (synonyms.Count is 0 or > 20)
        {
            errors["synonyms"] = ["Give 1–20 synonyms."];
        }
        else if (synonyms.Any(s => s.Length is 0 or > KnowledgeLimits.Term))
        {
            errors["synonyms"] = [$"Each synonym is 1–{KnowledgeLimits.Term} characters."];
        }
        else if (synonyms.Contains(term, StringComparer.Ordinal))
        {
            errors["synonyms"] = ["A term is not its own synonym."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        return (term, [.. synonyms.Distinct(StringComparer.Ordinal)]);
    }

    // ---- helpers ----

    private string AuthorName => me.DisplayName.Length > 0 ? me.DisplayName : me.UserName;

    private async Task<KnowledgeArticle> FindAsync(int id, bool tracking, CancellationToken cancellationToken)
    {
        var query = tracking ? db.KnowledgeArticles.AsTracking() : db.KnowledgeArticles.AsNoTracking();
        return await query.SingleOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw new NotFoundException("Knowledge entry", id);
    }

    private async Task SaveAndIndexAsync(KnowledgeArticle article, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        index.Update([article]);
    }

    /// <summary>Editors edit within their platforms; shared entries only administrators; an author edits their own draft.</summary>
    private void EnsureMayEdit(KnowledgeArticle article)
    {
        if (article.PlatformId is null && !me.IsUnrestricted)
        {
            throw new DomainException("Shared entries (laws, national procedures) are maintained by administrators.");
        }
        var ownDraft = article.AuthorUserId is not null && article.AuthorUserId == me.UserId && article.Status == KnowledgeStatus.Draft;
        if (!IsEditor && !ownDraft)
        {
            throw new DomainException("Only editors change entries; a lawyer changes only their own drafts.");
        }
    }

    private void EnsureReviewer()
    {
        if (!IsReviewer)
        {
            throw new DomainException("Only supervisors, platform managers and administrators review and publish entries.", "action");
        }
    }

    private static void CheckVersion(KnowledgeArticle article, int? version)
    {
        if (version is null)
        {
            throw new ValidationFailedException("version", "Send the version you read.");
        }
        if (version != article.Version)
        {
            throw new ConflictException($"The entry was changed by someone else (version {article.Version}, you sent {version}); reload it.", "version");
        }
    }

    private int? ResolvePlatform(SaveKnowledgeArticleRequest request)
    {
        if (request.Shared)
        {
            if (!me.IsUnrestricted)
            {
                throw new ValidationFailedException("shared", "Only administrators write entries shared by every platform.");
            }
            return null;
        }
        var platformId = request.PlatformId ?? me.PlatformId;
        if (platformId is null)
        {
            return me.IsUnrestricted ? null : throw new ValidationFailedException("platformId", "Choose the platform the entry belongs to.");
        }
        if (!me.IsUnrestricted && !me.VisiblePlatformIds.Contains(platformId.Value))
        {
            throw new ValidationFailedException("platformId", "You cannot write entries for that platform.");
        }
        return platformId;
    }

    private async Task ValidateAsync(SaveKnowledgeArticleRequest r, int? id, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add(message);
        }
        void Max(string field, string? value, int max)
        {
            if (value is not null && value.Length > max)
            {
                Add(field, $"At most {max} characters.");
            }
        }
        if (!Enum.IsDefined(r.Kind))
        {
            Add("kind", $"Unknown kind; use one of {string.Join(", ", Enum.GetNames<KnowledgeKind>())}.");
        }
        if (string.IsNullOrWhiteSpace(r.Title))
        {
            Add("title", "A title is required.");
        }
        if (string.IsNullOrWhiteSpace(r.Body))
        {
            Add("body", r.Kind == KnowledgeKind.QAndA ? "The answer (body) is required." : "The text (body) is required.");
        }
        Max("title", r.Title, 200);
        Max("question", r.Question, 4000);
        Max("body", r.Body, KnowledgeLimits.Body);
        Max("legalBasis", r.LegalBasis, 2000);
        Max("lawTitle", r.LawTitle, 100);
        Max("chapterPath", r.ChapterPath, 300);
        Max("address", r.Address, 200);
        Max("phone", r.Phone, 64);
        Max("hours", r.Hours, 200);
        Max("areaServed", r.AreaServed, 200);
        switch (r.Kind)
        {
            case KnowledgeKind.QAndA when string.IsNullOrWhiteSpace(r.Question):
                Add("question", "A Q&A needs the question.");
                break;
            case KnowledgeKind.LawArticle:
                if (string.IsNullOrWhiteSpace(r.LawTitle))
                {
                    Add("lawTitle", "A law article needs the law's title.");
                }
                if (r.ArticleNumber is not (> 0 and <= 9999))
                {
                    Add("articleNumber", "A law article needs its number (1–9999).");
                }
                else if (!string.IsNullOrWhiteSpace(r.LawTitle)
                    && await db.KnowledgeArticles.IgnoreQueryFilters().AnyAsync(a => a.LawTitle == r.LawTitle.Trim() && a.ArticleNumber == r.ArticleNumber && a.Id != (id ?? 0), cancellationToken))
                {
                    Add("articleNumber", $"{ChineseNumerals.FormatArticle(r.ArticleNumber.Value)} of {r.LawTitle.Trim()} already exists.");
                }
                break;
            case KnowledgeKind.Agency when string.IsNullOrWhiteSpace(r.Address) && string.IsNullOrWhiteSpace(r.Phone):
                Add("address", "An agency needs an address or a phone number.");
                break;
        }
        var tags = r.Tags ?? [];
        if (tags.Count > 10 || tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Trim().Length > 32))
        {
            Add("tags", "At most 10 tags of 1–32 characters.");
        }
        if (r.ExpiresAt is { } expires && r.ReviewBy is { } review && review > expires)
        {
            Add("reviewBy", "The review date falls after the expiry.");
        }
        if (r.CategoryId is { } categoryId && !await db.Categories.AnyAsync(c => c.Id == categoryId, cancellationToken))
        {
            Add("categoryId", $"Category {categoryId} does not exist.");
        }
        if (r.SkillId is { } skillId && !await db.Skills.AnyAsync(s => s.Id == skillId, cancellationToken))
        {
            Add("skillId", $"Skill {skillId} does not exist.");
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }
    }

    private static void Apply(KnowledgeArticle a, SaveKnowledgeArticleRequest r)
    {
        a.Title = r.Title!.Trim();
        a.Question = Trimmed(r.Question);
        a.Body = r.Body!.Trim();
        a.LegalBasis = Trimmed(r.LegalBasis);
        if (r.Kind == KnowledgeKind.LawArticle)
        {
            a.LawTitle = r.LawTitle!.Trim();
            a.ArticleNumber = r.ArticleNumber;
            a.ChapterPath = Trimmed(r.ChapterPath);
            a.Citation = $"《{KnowledgeArticle.ShortLawName(a.LawTitle)}》{ChineseNumerals.FormatArticle(r.ArticleNumber!.Value)}";
        }
        a.Address = Trimmed(r.Address);
        a.Phone = Trimmed(r.Phone);
        a.Hours = Trimmed(r.Hours);
        a.AreaServed = Trimmed(r.AreaServed);
        a.CategoryId = r.CategoryId;
        a.SkillId = r.SkillId;
        a.Tags = [.. (r.Tags ?? []).Select(t => t.Trim()).Distinct(StringComparer.Ordinal)];
        a.ReviewBy = r.ReviewBy;
        a.ExpiresAt = r.ExpiresAt;
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}
