using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Knowledge;
using Lawline.Server.Platforms;
using Lawline.Server.Security;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.SelfService;

public sealed record SelfServiceAnswer(int Id, KnowledgeKind Kind, string Title, string Snippet, string? Question, string Body, string? LegalBasis, float Score);

public sealed record SelfServiceLaw(int Id, string Title, string? Citation, string? ChapterPath, string Snippet);

public sealed record SelfServiceAgency(int Id, string Title, string Snippet, string? Address, string? Phone, string? Hours, string? AreaServed);

public sealed record SelfServiceResult(long SessionId, string Question, IReadOnlyList<SelfServiceAnswer> Answers,
    IReadOnlyList<SelfServiceLaw> Laws, IReadOnlyList<SelfServiceAgency> Agencies);

/// <summary>A citizen's request for a lawyer's callback. <see cref="SessionId"/> links it to the page visit, if any.</summary>
public sealed record SelfServiceCallbackRequest(string? Phone, string? Name, string? Question, long? SessionId = null);

public sealed record SelfServiceCallbackResponse(string WorkOrderNumber, DateTimeOffset DueAt);

/// <summary>
/// The public self-service desk (智能服务): answers a citizen's plain-language question from the published knowledge base
/// and takes their request for a lawyer's callback. Nobody is signed in: every operation runs in a scope acting as the
/// system (<see cref="CurrentUser.ActAsSystem"/>), and what it shows is narrowed here — only the search index (which
/// holds published entries alone), only unexpired entries, only entries shared by every platform or of the
/// self-service platform.
/// </summary>
public sealed class SelfServiceDesk(
    AppDbContext db,
    KnowledgeIndex index,
    WorkOrderService workOrders,
    CallbackRequestLimiter limiter,
    IOptions<SelfServiceOptions> options,
    IOptions<KnowledgeOptions> knowledgeOptions,
    TimeProvider clock)
{
    public const string ActorName = "self-service";
    public const int MaxQuestion = 500;
    public const int MaxName = 32;

    /// <summary>The platform the page answers for: <see cref="SelfServiceOptions.PlatformCode"/>, else the first top-level 12348 platform.</summary>
    public async Task<Platform> PlatformAsync(CancellationToken cancellationToken)
    {
        var code = options.Value.PlatformCode;
        var platform = string.IsNullOrWhiteSpace(code)
            ? await db.Platforms.AsNoTracking().Where(p => p.IsActive && p.ParentId == null && p.Kind == PlatformKind.LegalService12348)
                .OrderBy(p => p.Id).FirstOrDefaultAsync(cancellationToken)
            : await db.Platforms.AsNoTracking().SingleOrDefaultAsync(p => p.Code == code.Trim() && p.IsActive, cancellationToken);
        return platform ?? throw new DomainException("Self-service is not available: no 12348 platform is set up for it.");
    }

    public async Task<SelfServiceResult> AskAsync(long? sessionId, string? question, CancellationToken cancellationToken)
    {
        var text = question?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            throw new ValidationFailedException("question", "Type your question.");
        }
        if (text.Length > MaxQuestion)
        {
            throw new ValidationFailedException("question", $"A question is at most {MaxQuestion} characters.");
        }
        var platform = await PlatformAsync(cancellationToken);
        var now = clock.GetUtcNow();
        // Published only (the index holds nothing else), unexpired, shared or the platform's own.
        KnowledgeQuery Query(string q, int top, KnowledgeKind kind) => new(q, top) { Kind = kind, PlatformIds = [platform.Id], At = now };

        var hits = index.Search(Query(text, 3, KnowledgeKind.QAndA)).Hits
            .Concat(index.Search(Query(text, 2, KnowledgeKind.Procedure)).Hits)
            .OrderByDescending(h => h.Score).ToList();
        var ids = hits.Select(h => h.Id).ToList();
        var articles = await db.KnowledgeArticles.AsNoTracking()
            .Where(a => ids.Contains(a.Id) && a.Status == KnowledgeStatus.Published && (a.PlatformId == null || a.PlatformId == platform.Id))
            .ToDictionaryAsync(a => a.Id, cancellationToken);
        var answers = hits.Where(h => articles.ContainsKey(h.Id)).Select(h =>
        {
            var a = articles[h.Id];
            return new SelfServiceAnswer(h.Id, h.Kind, h.Title, h.Snippet, a.Question, a.Body, a.LegalBasis, h.Score);
        }).ToList();

        // The law behind the answers: each cited article (《劳动合同法》第三十条) found by its citation, then the
        // question's own best law articles.
        var laws = new List<SelfServiceLaw>();
        var citations = answers.Take(2).SelectMany(a => SplitCitations(a.LegalBasis)).Distinct(StringComparer.Ordinal).Take(4);
        foreach (var citation in citations)
        {
            if (index.Search(Query(citation, 1, KnowledgeKind.LawArticle)).Hits is [var law, ..] && law.Citation is not null
                && NormalizeCitation(law.Citation) == NormalizeCitation(citation) && laws.All(l => l.Id != law.Id))
            {
                laws.Add(new SelfServiceLaw(law.Id, law.Title, law.Citation, law.ChapterPath, law.Snippet));
            }
        }
        foreach (var law in index.Search(Query(text, 3, KnowledgeKind.LawArticle)).Hits.Where(l => laws.All(x => x.Id != l.Id)))
        {
            laws.Add(new SelfServiceLaw(law.Id, law.Title, law.Citation, law.ChapterPath, law.Snippet));
        }

        var agencyHits = index.Search(Query(text, 2, KnowledgeKind.Agency)).Hits;
        var agencyIds = agencyHits.Select(h => h.Id).ToList();
        var agencyRows = await db.KnowledgeArticles.AsNoTracking()
            .Where(a => agencyIds.Contains(a.Id) && a.Status == KnowledgeStatus.Published).ToDictionaryAsync(a => a.Id, cancellationToken);
        var agencies = agencyHits.Where(h => agencyRows.ContainsKey(h.Id)).Select(h =>
        {
            var a = agencyRows[h.Id];
            return new SelfServiceAgency(h.Id, h.Title, h.Snippet, a.Address, a.Phone, a.Hours, a.AreaServed);
        }).ToList();

        var best = answers.Count == 0 ? 0 : answers.Max(a => a.Score);
        if (answers.Count == 0 || best < knowledgeOptions.Value.GapScoreThreshold)
        {
            db.KnowledgeSearchGaps.Add(new KnowledgeSearchGap
            {
                Query = text.Length <= KnowledgeLimits.Query ? text : text[..KnowledgeLimits.Query],
                Hits = answers.Count, TopScore = best, At = now, UserName = ActorName, PlatformId = platform.Id,
            });
        }
        var session = await SessionAsync(sessionId, platform.Id, now, cancellationToken);
        session.Searched(now);
        await db.SaveChangesAsync(cancellationToken);
        return new SelfServiceResult(session.Id, text, answers, laws, agencies);
    }

    public async Task<SelfServiceCallbackResponse> RequestCallbackAsync(SelfServiceCallbackRequest request, string? remoteAddress, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        NormalizedPhoneNumber? phone = null;
        if (string.IsNullOrWhiteSpace(request.Phone))
        {
            errors["phone"] = ["Give the phone number the lawyer should call."];
        }
        else if (!PhoneNumberFormatter.TryNormalize(request.Phone, out phone) || phone is null)
        {
            errors["phone"] = [$"'{request.Phone}' is not a valid phone number."];
        }
        var question = request.Question?.Trim() ?? string.Empty;
        if (question.Length == 0)
        {
            errors["question"] = ["Type your question."];
        }
        else if (question.Length > 2000)
        {
            errors["question"] = ["A question is at most 2000 characters."];
        }
        var name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim();
        if (name is { Length: > MaxName })
        {
            errors["name"] = [$"A name is at most {MaxName} characters."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        if (!limiter.TryAcquire(remoteAddress, phone!.E164))
        {
            throw new TooManyRequestsException("Too many callback requests; please try again later or call 12348.");
        }

        var platform = await PlatformAsync(cancellationToken);
        var (ownerId, ownerName) = await OwnerAsync(platform, cancellationToken);
        var order = await workOrders.RegisterCallbackRequestAsync(platform, phone, name, question, ownerId, ownerName, cancellationToken);
        var now = clock.GetUtcNow();
        var session = await SessionAsync(request.SessionId, platform.Id, now, cancellationToken);
        session.AskedForCallback(order.Id, now);
        await db.SaveChangesAsync(cancellationToken);
        return new SelfServiceCallbackResponse(order.Number, order.DueAt);
    }

    private async Task<SelfServiceSession> SessionAsync(long? id, int platformId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var session = id is { } existing
            ? await db.SelfServiceSessions.AsTracking().SingleOrDefaultAsync(s => s.Id == existing && s.PlatformId == platformId, cancellationToken)
            : null;
        if (session is null)
        {
            session = SelfServiceSession.Start(platformId, now);
            db.SelfServiceSessions.Add(session);
        }
        return session;
    }

    /// <summary>
    /// First responsibility for a request nobody signed in to make: the platform's manager, else a supervisor, else an
    /// administrator of the platform, else any administrator (active users, the longest-standing first).
    /// </summary>
    private async Task<(int Id, string Name)> OwnerAsync(Platform platform, CancellationToken cancellationToken)
    {
        string[] order = [LawlineRoles.PlatformManager, LawlineRoles.Supervisor, LawlineRoles.Administrator];
        var candidates = await (
            from user in db.Users
            join link in db.UserRoles on user.Id equals link.UserId
            join role in db.Roles on link.RoleId equals role.Id
            where user.IsActive && order.Contains(role.Name!) && (user.PlatformId == platform.Id || role.Name == LawlineRoles.Administrator)
            select new { user.Id, user.DisplayName, user.UserName, user.PlatformId, Role = role.Name! })
            .ToListAsync(cancellationToken);
        var owner = candidates
            .OrderBy(c => c.PlatformId == platform.Id ? 0 : 1)
            .ThenBy(c => Array.IndexOf(order, c.Role))
            .ThenBy(c => c.Id)
            .FirstOrDefault() ?? throw new DomainException("Self-service is not available: the platform has nobody to take callback requests.");
        return (owner.Id, owner.DisplayName.Length > 0 ? owner.DisplayName : owner.UserName ?? ActorName);
    }

    private static IEnumerable<string> SplitCitations(string? legalBasis)
        => string.IsNullOrWhiteSpace(legalBasis) ? [] : legalBasis.Split(['；', ';', '，', ',', '、', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(c => c.StartsWith('《') && c.Contains('条', StringComparison.Ordinal));

    private static string NormalizeCitation(string citation) => citation.Replace("中华人民共和国", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);
}
