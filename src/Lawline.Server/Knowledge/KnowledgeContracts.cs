namespace Lawline.Server.Knowledge;

/// <summary>Creates or changes an entry. On change, send the <see cref="Version"/> you read (409 if it moved on).</summary>
public sealed record SaveKnowledgeArticleRequest
{
    public KnowledgeKind Kind { get; init; }
    public string? Title { get; init; }
    public string? Question { get; init; }
    public string? Body { get; init; }
    public string? LegalBasis { get; init; }
    public string? LawTitle { get; init; }
    public int? ArticleNumber { get; init; }
    public string? ChapterPath { get; init; }
    public string? Address { get; init; }
    public string? Phone { get; init; }
    public string? Hours { get; init; }
    public string? AreaServed { get; init; }
    public int? CategoryId { get; init; }
    public int? SkillId { get; init; }
    public List<string>? Tags { get; init; }
    public DateTimeOffset? ReviewBy { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Shared by every platform (administrators only); otherwise it belongs to <see cref="PlatformId"/> or the author's platform.</summary>
    public bool Shared { get; init; }
    public int? PlatformId { get; init; }
    public int? Version { get; init; }
}

public enum KnowledgeAction
{
    Submit,
    Publish,
    Reject,
    Retire,
}

public sealed record KnowledgeTransitionRequest(KnowledgeAction Action, int Version, string? Note = null);

public sealed record ProposeFromWorkOrderRequest(int WorkOrderId);

public sealed record KnowledgeArticleDto(
    int Id, int? PlatformId, KnowledgeKind Kind, string Title, string? Question, string Body, string? LegalBasis,
    string? Citation, string? LawTitle, int? ArticleNumber, string? ChapterPath,
    string? Address, string? Phone, string? Hours, string? AreaServed,
    int? CategoryId, int? SkillId, IReadOnlyList<string> Tags, KnowledgeStatus Status, int Version,
    DateTimeOffset? ReviewBy, DateTimeOffset? ExpiresAt, int? AuthorUserId, string AuthorName, int? ApproverUserId, string? ApproverName,
    string? ReviewNote, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, int? SourceWorkOrderId)
{
    public static KnowledgeArticleDto From(KnowledgeArticle a) => new(
        a.Id, a.PlatformId, a.Kind, a.Title, a.Question, a.Body, a.LegalBasis, a.Citation, a.LawTitle, a.ArticleNumber, a.ChapterPath,
        a.Address, a.Phone, a.Hours, a.AreaServed, a.CategoryId, a.SkillId, [.. a.Tags], a.Status, a.Version, a.ReviewBy, a.ExpiresAt,
        a.AuthorUserId, a.AuthorName, a.ApproverUserId, a.ApproverName, a.ReviewNote, a.CreatedAt, a.UpdatedAt, a.PublishedAt, a.SourceWorkOrderId);
}

public sealed record KnowledgeArticleSummary(int Id, KnowledgeKind Kind, string Title, string? Citation, KnowledgeStatus Status, int Version,
    int? PlatformId, string AuthorName, DateTimeOffset UpdatedAt, DateTimeOffset? ReviewBy);

public sealed record KnowledgeListQuery(KnowledgeKind? Kind, KnowledgeStatus? Status, string? Law, int? Page, int? PageSize);

public sealed record KnowledgePage(int Total, IReadOnlyList<KnowledgeArticleSummary> Items);

public sealed record SaveSynonymRequest(string? Term, List<string>? Synonyms);

public sealed record SynonymDto(int Id, string Term, IReadOnlyList<string> Synonyms, DateTimeOffset UpdatedAt);

public sealed record SearchGapSummary(string Query, int Count, int Hits, float TopScore, DateTimeOffset LastAt);
