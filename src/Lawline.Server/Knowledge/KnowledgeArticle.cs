using Lawline.Server.Common;

namespace Lawline.Server.Knowledge;

public enum KnowledgeKind
{
    QAndA,
    LawArticle,
    Procedure,
    TypicalCase,
    Agency,
}

public enum KnowledgeStatus
{
    Draft,
    InReview,
    Published,
    Retired,
}

/// <summary>
/// One entry of the knowledge base (知识库): a Q&amp;A, a law article, a procedure, a typical case (典型案例) or an
/// agency of the directory. Content is edited as a draft, reviewed and published; only published entries are
/// searchable. <see cref="PlatformId"/> null means shared by every platform (law articles, national procedures);
/// otherwise the entry belongs to one platform and is seen by it and the platforms above it.
/// </summary>
public sealed class KnowledgeArticle
{
    public int Id { get; private set; }
    public int? PlatformId { get; set; }
    public KnowledgeKind Kind { get; set; }
    public string Title { get; set; } = string.Empty;
    public string? Question { get; set; }
    public string Body { get; set; } = string.Empty;
    public string? LegalBasis { get; set; }

    // Law articles: 《民法典》第一千零七十九条, with the law's full title, the number and the chapter path.
    public string? Citation { get; set; }
    public string? LawTitle { get; set; }
    public int? ArticleNumber { get; set; }
    public string? ChapterPath { get; set; }

    // Agency directory: legal aid centres, mediation committees, notary offices, arbitration commissions, courts.
    public string? Address { get; set; }
    public string? Phone { get; set; }
    public string? Hours { get; set; }
    public string? AreaServed { get; set; }

    public int? CategoryId { get; set; }
    public int? SkillId { get; set; }
    public List<string> Tags { get; set; } = [];

    public KnowledgeStatus Status { get; private set; } = KnowledgeStatus.Draft;

    /// <summary>Counts every change (content or status); the client echoes it back, and the search index stores it.</summary>
    public int Version { get; private set; } = 1;

    /// <summary>When editors should check the entry again (a reminder; the entry stays searchable).</summary>
    public DateTimeOffset? ReviewBy { get; set; }

    /// <summary>After this instant the entry is no longer valid and search leaves it out unless asked for expired entries.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    public int? AuthorUserId { get; private set; }
    public string AuthorName { get; private set; } = string.Empty;
    public int? ApproverUserId { get; private set; }
    public string? ApproverName { get; private set; }
    public string? ReviewNote { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? PublishedAt { get; private set; }
    public int? SourceWorkOrderId { get; set; }

    /// <summary>The law's name without 中华人民共和国, as citations use it (民法典, 劳动合同法).</summary>
    public string? LawShortName => LawTitle is null ? null : ShortLawName(LawTitle);

    public static string ShortLawName(string title) => title.Replace("中华人民共和国", string.Empty, StringComparison.Ordinal).Trim();

    public static KnowledgeArticle Draft(KnowledgeKind kind, int? platformId, int? authorUserId, string authorName, DateTimeOffset now) => new()
    {
        Kind = kind, PlatformId = platformId, AuthorUserId = authorUserId, AuthorName = authorName, CreatedAt = now, UpdatedAt = now,
    };

    /// <summary>A law article straight from the law's text: published, with no author (the importer acts as the system).</summary>
    public static KnowledgeArticle ImportedLaw(string importer, DateTimeOffset now)
    {
        var article = Draft(KnowledgeKind.LawArticle, null, null, importer, now);
        article.Status = KnowledgeStatus.Published;
        article.ApproverName = importer;
        article.PublishedAt = now;
        return article;
    }

    /// <summary>
    /// A content change. A published or retired entry goes back to draft: what readers see has always been
    /// reviewed. (Law articles re-imported from the law's text use <see cref="Touch"/> and stay published.)
    /// </summary>
    public void Edited(DateTimeOffset now)
    {
        if (Status is KnowledgeStatus.Published or KnowledgeStatus.Retired or KnowledgeStatus.InReview)
        {
            Status = KnowledgeStatus.Draft;
            ApproverUserId = null;
            ApproverName = null;
        }
        Touch(now);
    }

    public void Touch(DateTimeOffset now)
    {
        Version++;
        UpdatedAt = now;
    }

    public void SubmitForReview(DateTimeOffset now)
    {
        if (Status != KnowledgeStatus.Draft)
        {
            throw new DomainException($"Only a draft can be submitted for review; this entry is {Status}.", "action");
        }
        Status = KnowledgeStatus.InReview;
        ReviewNote = null;
        Touch(now);
    }

    /// <summary>
    /// Four eyes: the reviewer may not be the author, except an administrator (small installations where one
    /// person runs the knowledge base).
    /// </summary>
    public void Publish(int? approverUserId, string approverName, bool isAdministrator, DateTimeOffset now)
    {
        if (Status != KnowledgeStatus.InReview)
        {
            throw new DomainException($"Only an entry in review can be published; this entry is {Status}.", "action");
        }
        if (!isAdministrator && approverUserId is not null && approverUserId == AuthorUserId)
        {
            throw new DomainException("The author cannot approve their own entry; another reviewer must publish it.", "action");
        }
        Status = KnowledgeStatus.Published;
        ApproverUserId = approverUserId;
        ApproverName = approverName;
        PublishedAt = now;
        Touch(now);
    }

    public void Reject(string note, DateTimeOffset now)
    {
        if (Status != KnowledgeStatus.InReview)
        {
            throw new DomainException($"Only an entry in review can be sent back; this entry is {Status}.", "action");
        }
        if (string.IsNullOrWhiteSpace(note))
        {
            throw new DomainException("Say why the entry is sent back.", "note");
        }
        Status = KnowledgeStatus.Draft;
        ReviewNote = note.Trim();
        Touch(now);
    }

    public void Retire(DateTimeOffset now)
    {
        if (Status != KnowledgeStatus.Published)
        {
            throw new DomainException($"Only a published entry can be retired; this entry is {Status}.", "action");
        }
        Status = KnowledgeStatus.Retired;
        Touch(now);
    }

    /// <summary>Whether search returns it at <paramref name="now"/> (published and not expired).</summary>
    public bool IsSearchable(DateTimeOffset now) => Status == KnowledgeStatus.Published && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>A lay term and the words the law uses for it (欠薪 ~ 拖欠工资, 劳动报酬), applied when a query is expanded.</summary>
public sealed class KnowledgeSynonym
{
    public int Id { get; set; }
    public string Term { get; set; } = string.Empty;
    public List<string> Synonyms { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A search that found nothing useful (no hit, or only weak ones): a hint for editors of what to write.</summary>
public sealed class KnowledgeSearchGap : Data.INotAudited
{
    public long Id { get; set; }
    public string Query { get; set; } = string.Empty;
    public int Hits { get; set; }
    public float TopScore { get; set; }
    public DateTimeOffset At { get; set; }
    public int? UserId { get; set; }
    public string? UserName { get; set; }
    public int? PlatformId { get; set; }
}
