using System.Globalization;
using System.Text.RegularExpressions;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Microsoft.Extensions.Options;
using Directory = Lucene.Net.Store.Directory;

namespace Lawline.Server.Knowledge;

/// <summary>What to search for. Everything but <see cref="Text"/> narrows the result.</summary>
public sealed record KnowledgeQuery(string Text, int Top = 10)
{
    public KnowledgeKind? Kind { get; init; }
    public int? CategoryId { get; init; }

    /// <summary>Also return entries whose <see cref="KnowledgeArticle.ExpiresAt"/> has passed.</summary>
    public bool IncludeExpired { get; init; }

    /// <summary>Platforms whose own entries may be returned (shared entries always are); null = every platform.</summary>
    public IReadOnlyCollection<int>? PlatformIds { get; init; }

    /// <summary>The instant "expired" is judged at; null = now.</summary>
    public DateTimeOffset? At { get; init; }
}

public sealed record KnowledgeHit(int Id, KnowledgeKind Kind, string Title, string? Citation, string? ChapterPath, string Snippet, float Score);

public sealed record KnowledgeSearchResult(string Query, int TotalHits, IReadOnlyList<KnowledgeHit> Hits)
{
    public float TopScore => Hits.Count == 0 ? 0 : Hits[0].Score;
}

/// <summary>
/// The full-text index of published knowledge (Lucene.Net, SmartCn analyzer, BM25) under the data directory.
/// One writer per process, searched near-real-time through a <see cref="SearcherManager"/>. The database is the
/// truth: every document stores its article's <see cref="KnowledgeArticle.Version"/>, and
/// <see cref="KnowledgeIndexSync"/> compares the two at start-up (and periodically) and repairs any difference;
/// a missing or unreadable index is rebuilt from scratch.
/// </summary>
public sealed partial class KnowledgeIndex : IDisposable
{
    private const LuceneVersion Match = LuceneVersion.LUCENE_48;

    // Field names.
    internal const string FId = "id", FVersion = "ver", FKind = "kind", FTitle = "title", FQuestion = "question", FBody = "body",
        FLegal = "legal", FTags = "tags", FCitation = "citation", FLaw = "law", FArticle = "article", FChapter = "chapter",
        FCategory = "category", FPlatform = "platform", FExpires = "expires";

    private const string Shared = "shared";

    private readonly string _path;
    private readonly TimeProvider _clock;
    private readonly ILogger<KnowledgeIndex> _logger;
    private readonly Analyzer _analyzer = new SmartChineseAnalyzer(Match);
    private readonly System.Threading.Lock _gate = new();
    private Directory? _directory;
    private IndexWriter? _writer;
    private SearcherManager? _searchers;
    private volatile SynonymSet _synonyms = SynonymSet.Empty;
    private volatile string[] _lawNames = [];

    public KnowledgeIndex(IOptions<Data.LawlineOptions> options, TimeProvider clock, ILogger<KnowledgeIndex> logger)
    {
        _path = Path.Combine(options.Value.ResolveDataDirectory(), "search", "knowledge");
        _clock = clock;
        _logger = logger;
    }

    public string IndexPath => _path;

    /// <summary>Whether the index was created empty on opening (missing or unreadable): the caller must fill it.</summary>
    public bool WasRecreated { get; private set; }

    /// <summary>The synonym groups applied when queries are expanded (set from the database by the sync and the service).</summary>
    public SynonymSet Synonyms
    {
        get => _synonyms;
        set => _synonyms = value;
    }

    /// <summary>Opens (or creates, or rebuilds when corrupt) the index. Idempotent; every other method calls it.</summary>
    public void Open()
    {
        if (_searchers is not null)
        {
            return;
        }
        lock (_gate)
        {
            if (_searchers is not null)
            {
                return;
            }
            System.IO.Directory.CreateDirectory(_path);
            _directory = FSDirectory.Open(new DirectoryInfo(_path));
            try
            {
                var exists = DirectoryReader.IndexExists(_directory);
                if (exists)
                {
                    // Reading every segment once finds a corrupt index now rather than at the first search.
                    using var check = DirectoryReader.Open(_directory);
                    _ = check.NumDocs;
                }
                _writer = NewWriter(exists ? OpenMode.CREATE_OR_APPEND : OpenMode.CREATE);
                WasRecreated = !exists;
            }
            catch (Exception e) when (e is CorruptIndexException or IOException or IndexFormatTooOldException or IndexFormatTooNewException
                                          && e is not LockObtainFailedException)
            {
                Log.IndexUnreadable(_logger, _path, e);
                _writer?.Dispose();
                _writer = NewWriter(OpenMode.CREATE);
                WasRecreated = true;
            }
            _writer.Commit();
            _searchers = new SearcherManager(_writer, applyAllDeletes: true, new Bm25SearcherFactory());
            RefreshLawNames();
        }
    }

    private IndexWriter NewWriter(OpenMode mode) => new(_directory, new IndexWriterConfig(Match, _analyzer)
    {
        OpenMode = mode,
        Similarity = new BM25Similarity(),
    });

    /// <summary>Adds or replaces the articles that search should return; removes the others (drafts, retired).</summary>
    public void Update(IEnumerable<KnowledgeArticle> articles)
    {
        Open();
        lock (_gate)
        {
            foreach (var article in articles)
            {
                var key = new Term(FId, article.Id.ToString(CultureInfo.InvariantCulture));
                if (article.Status == KnowledgeStatus.Published)
                {
                    _writer!.UpdateDocument(key, ToDocument(article));
                }
                else
                {
                    _writer!.DeleteDocuments(key);
                }
            }
            _writer!.Commit();
        }
        _searchers!.MaybeRefreshBlocking();
        RefreshLawNames();
    }

    public void Remove(IEnumerable<int> ids)
    {
        Open();
        lock (_gate)
        {
            foreach (var id in ids)
            {
                _writer!.DeleteDocuments(new Term(FId, id.ToString(CultureInfo.InvariantCulture)));
            }
            _writer!.Commit();
        }
        _searchers!.MaybeRefreshBlocking();
    }

    /// <summary>Empties the index (a rebuild follows).</summary>
    public void Clear()
    {
        Open();
        lock (_gate)
        {
            _writer!.DeleteAll();
            _writer.Commit();
        }
        _searchers!.MaybeRefreshBlocking();
    }

    /// <summary>Every indexed article id with the version it was indexed at.</summary>
    public Dictionary<int, int> IndexedVersions()
    {
        Open();
        var searcher = _searchers!.Acquire();
        try
        {
            var reader = searcher.IndexReader;
            var live = MultiFields.GetLiveDocs(reader);
            var result = new Dictionary<int, int>(reader.NumDocs);
            var fields = new HashSet<string> { FId, FVersion };
            for (var i = 0; i < reader.MaxDoc; i++)
            {
                if (live is not null && !live.Get(i))
                {
                    continue;
                }
                var doc = reader.Document(i, fields);
                result[int.Parse(doc.Get(FId), CultureInfo.InvariantCulture)] = doc.GetField(FVersion).GetInt32Value() ?? 0;
            }
            return result;
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public int Count
    {
        get
        {
            Open();
            var searcher = _searchers!.Acquire();
            try
            {
                return searcher.IndexReader.NumDocs;
            }
            finally
            {
                _searchers.Release(searcher);
            }
        }
    }

    /// <summary>
    /// Ranked search of published knowledge: citations (民法典 1079, 第一千零七十九条, 劳动合同法82条) match the article
    /// itself first; the rest of the text is matched in title (×3), question (×2), tags, legal basis and body, with
    /// synonyms expanding lay terms. Usable without HTTP (benchmarks).
    /// </summary>
    public KnowledgeSearchResult Search(KnowledgeQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Open();
        var text = (query.Text ?? string.Empty).Trim();
        var top = Math.Clamp(query.Top, 1, KnowledgeLimits.MaxTop);
        var built = BuildQuery(text);
        if (built is null)
        {
            return new KnowledgeSearchResult(text, 0, []);
        }
        var filter = BuildFilter(query);
        var searcher = _searchers!.Acquire();
        try
        {
            var found = filter is null ? searcher.Search(built, top) : searcher.Search(built, filter, top);
            var highlighter = new Highlighter(new SimpleHTMLFormatter("<em>", "</em>"), MarkupEncoder.Instance, new QueryScorer(built))
            {
                TextFragmenter = new SimpleFragmenter(SnippetLength),
            };
            var hits = new List<KnowledgeHit>(found.ScoreDocs.Length);
            foreach (var scoreDoc in found.ScoreDocs)
            {
                var doc = searcher.Doc(scoreDoc.Doc);
                var snippet = Snippet(highlighter, searcher.IndexReader, scoreDoc.Doc, doc);
                hits.Add(new KnowledgeHit(
                    int.Parse(doc.Get(FId), CultureInfo.InvariantCulture),
                    Enum.Parse<KnowledgeKind>(doc.Get(FKind)),
                    doc.Get(FTitle),
                    doc.Get(FCitation),
                    doc.Get(FChapter),
                    snippet,
                    scoreDoc.Score));
            }
            return new KnowledgeSearchResult(text, found.TotalHits, hits);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    private const int SnippetLength = 120;

    private string Snippet(Highlighter highlighter, IndexReader reader, int docId, Document doc)
    {
        foreach (var field in new[] { FBody, FQuestion, FLegal })
        {
            var value = doc.Get(field);
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }
            // From the stored term vector when the document has one (no second pass of the Chinese analyzer, which
            // was most of a search's time); documents indexed before term vectors are analysed again.
            using var tokens = TokenSources.GetAnyTokenStream(reader, docId, field, doc, _analyzer);
            var fragment = highlighter.GetBestFragment(tokens, value);
            if (!string.IsNullOrEmpty(fragment))
            {
                // Adjacent highlighted tokens (家庭 暴力) read as one highlighted phrase.
                return fragment.Replace("</em><em>", string.Empty, StringComparison.Ordinal);
            }
        }
        var body = doc.Get(FBody) ?? string.Empty;
        return MarkupEncoder.Instance.EncodeText(body.Length <= SnippetLength ? body : body[..SnippetLength] + "…");
    }

    // ---- query building ----

    [GeneratedRegex(@"第\s*(?<n>[零〇一二两三四五六七八九十百千万]+|[0-9０-９]{1,5})\s*条?|(?<n>[0-9０-９]{1,5})\s*条|(?<n>[零〇一二两三四五六七八九十百千万]+)\s*条")]
    private static partial Regex ArticleReference();

    [GeneratedRegex(@"(?<![0-9０-９])(?<n>[0-9０-９]{1,5})(?![0-9０-９])")]
    private static partial Regex BareNumber();

    /// <summary>A citation found in a query: the law (when named) and the article number.</summary>
    internal sealed record CitationMatch(string? Law, int? Article, string Rest);

    internal CitationMatch FindCitation(string text)
    {
        string? law = null;
        var rest = text;
        foreach (var name in _lawNames)
        {
            var at = rest.IndexOf(name, StringComparison.Ordinal);
            if (at >= 0)
            {
                law = name;
                rest = rest.Remove(at, name.Length).Insert(at, " ");
                break;
            }
        }
        int? article = null;
        var reference = ArticleReference().Match(rest);
        if (reference.Success)
        {
            article = ChineseNumerals.Parse(reference.Groups["n"].Value);
            rest = rest.Remove(reference.Index, reference.Length).Insert(reference.Index, " ");
        }
        else if (law is not null || rest.Trim().All(c => c is >= '0' and <= '9' or >= '０' and <= '９'))
        {
            // "民法典 1079": a bare number beside a law's name (or alone) is an article number.
            var bare = BareNumber().Match(rest);
            if (bare.Success)
            {
                article = ChineseNumerals.Parse(bare.Groups["n"].Value);
                rest = rest.Remove(bare.Index, bare.Length).Insert(bare.Index, " ");
            }
        }
        return new CitationMatch(law, article, rest.Trim());
    }

    internal Query? BuildQuery(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }
        var query = new BooleanQuery();
        var citation = FindCitation(text);
        if (citation.Article is { } number)
        {
            var articleTerm = new TermQuery(new Term(FArticle, number.ToString(CultureInfo.InvariantCulture)));
            if (citation.Law is { } lawName)
            {
                var exact = new BooleanQuery { { new TermQuery(new Term(FLaw, lawName)), Occur.MUST }, { articleTerm, Occur.MUST } };
                exact.Boost = 50;
                query.Add(exact, Occur.SHOULD);
            }
            else
            {
                articleTerm.Boost = 20;
                query.Add(articleTerm, Occur.SHOULD);
            }
        }
        if (citation.Law is { } law)
        {
            query.Add(new TermQuery(new Term(FLaw, law)) { Boost = citation.Article is null ? 3 : 1 }, Occur.SHOULD);
        }

        // The words: the query's own tokens at full weight, synonyms' at a lower one (a phrase when several tokens).
        var words = Tokens(citation.Rest).Where(t => !QueryStopWords.Contains(t)).ToList();
        var expansions = _synonyms.Expand(text)
            .Select(Tokens)
            .Where(t => t.Count > 0)
            .ToList();
        (string Field, float Boost)[] fields = [(FTitle, 3), (FQuestion, 2), (FTags, 1.5f), (FLegal, 1), (FBody, 1)];
        foreach (var (field, boost) in fields)
        {
            var perField = new BooleanQuery();
            foreach (var word in words.Distinct())
            {
                // A lone character is mostly what the analyzer left of a word it did not know (干活 → 干 活): weaker evidence.
                perField.Add(new TermQuery(new Term(field, word)) { Boost = word.Length == 1 ? SingleCharacterWeight : 1 }, Occur.SHOULD);
            }
            foreach (var expansion in expansions)
            {
                Query clause;
                if (expansion.Count == 1)
                {
                    clause = new TermQuery(new Term(field, expansion[0]));
                }
                else
                {
                    var phrase = new PhraseQuery();
                    foreach (var token in expansion)
                    {
                        phrase.Add(new Term(field, token));
                    }
                    clause = phrase;
                }
                clause.Boost = SynonymWeight;
                perField.Add(clause, Occur.SHOULD);
            }
            if (perField.Clauses.Count > 0)
            {
                perField.Boost = boost;
                query.Add(perField, Occur.SHOULD);
            }
        }
        return query.Clauses.Count == 0 ? null : query;
    }

    // Chosen on the tuning split of bench/Lawline.KnowledgeBench (every third question held out).
    private const float SynonymWeight = 0.3f, SingleCharacterWeight = 0.5f;

    /// <summary>
    /// How callers phrase a question, not what it is about: left out of queries (the index keeps every word). Question
    /// words, pronouns, particles, hedges ("是不是", "合法吗"), and the counting words of "三个月", "五百块".
    /// </summary>
    private static readonly HashSet<string> QueryStopWords =
    [
        "怎么办", "怎么", "怎样", "怎么样", "什么", "如何", "为什么", "请问", "吗", "呢", "吧", "啊", "呀", "嘛", "哦", "啥", "咋", "咋办",
        "我", "我们", "你", "你们", "他", "她", "它", "他们", "她们", "自己", "人家", "这", "那", "这个", "那个", "这样", "那样", "这种", "哪", "哪里", "哪儿",
        "的", "了", "着", "过", "地", "得", "是", "想", "要", "能", "会", "该", "可以", "能不能", "可不可以", "是不是", "算不算", "行不行", "有没有",
        "还", "都", "就", "也", "又", "才", "再", "却", "很", "太", "挺", "么", "一", "个", "些", "一下", "一些", "一直", "已经", "现在", "突然",
        "说", "问", "找", "给", "让", "把", "在", "和", "跟", "与", "或", "或者", "但", "但是", "而且", "如果", "因为", "所以", "然后",
        "合法", "应该", "需要", "有", "没", "不", "没有", "多少", "几", "块", "元", "月", "年", "天", "次",
    ];

    internal List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return tokens;
        }
        using var stream = _analyzer.GetTokenStream(FBody, new StringReader(text));
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var token = term.ToString();
            if (token.Length > 0)
            {
                tokens.Add(token);
            }
        }
        stream.End();
        return tokens;
    }

    private Filter? BuildFilter(KnowledgeQuery query)
    {
        var filter = new BooleanQuery();
        if (query.Kind is { } kind)
        {
            filter.Add(new TermQuery(new Term(FKind, kind.ToString())), Occur.MUST);
        }
        if (query.CategoryId is { } category)
        {
            filter.Add(new TermQuery(new Term(FCategory, category.ToString(CultureInfo.InvariantCulture))), Occur.MUST);
        }
        if (query.PlatformIds is { } platforms)
        {
            var any = new BooleanQuery { { new TermQuery(new Term(FPlatform, Shared)), Occur.SHOULD } };
            foreach (var id in platforms)
            {
                any.Add(new TermQuery(new Term(FPlatform, id.ToString(CultureInfo.InvariantCulture))), Occur.SHOULD);
            }
            filter.Add(any, Occur.MUST);
        }
        if (!query.IncludeExpired)
        {
            var now = (query.At ?? _clock.GetUtcNow()).UtcTicks;
            filter.Add(NumericRangeQuery.NewInt64Range(FExpires, now + 1, long.MaxValue, true, true), Occur.MUST);
        }
        return filter.Clauses.Count == 0 ? null : new QueryWrapperFilter(filter);
    }

    // ---- documents ----

    /// <summary>Stored, analysed text with term vectors (positions and offsets), so snippets are highlighted without re-analysis.</summary>
    private static readonly FieldType HighlightedText = NewHighlightedText();

    private static FieldType NewHighlightedText()
    {
        var type = new FieldType(TextField.TYPE_STORED) { StoreTermVectors = true, StoreTermVectorPositions = true, StoreTermVectorOffsets = true };
        type.Freeze();
        return type;
    }

    private static Document ToDocument(KnowledgeArticle a)
    {
        var doc = new Document
        {
            new StringField(FId, a.Id.ToString(CultureInfo.InvariantCulture), Field.Store.YES),
            new StoredField(FVersion, a.Version),
            new StringField(FKind, a.Kind.ToString(), Field.Store.YES),
            new TextField(FTitle, a.Title, Field.Store.YES),
            new Field(FBody, a.Body, HighlightedText),
            new StringField(FPlatform, a.PlatformId?.ToString(CultureInfo.InvariantCulture) ?? Shared, Field.Store.NO),
            new Int64Field(FExpires, a.ExpiresAt?.UtcTicks ?? long.MaxValue, Field.Store.NO),
        };
        if (!string.IsNullOrEmpty(a.Question))
        {
            doc.Add(new Field(FQuestion, a.Question, HighlightedText));
        }
        if (!string.IsNullOrEmpty(a.LegalBasis))
        {
            doc.Add(new Field(FLegal, a.LegalBasis, HighlightedText));
        }
        if (a.Tags.Count > 0)
        {
            doc.Add(new TextField(FTags, string.Join(' ', a.Tags), Field.Store.NO));
        }
        // Agencies are found by where they are and whom they serve, too.
        var agency = string.Join(' ', new[] { a.Address, a.AreaServed }.Where(s => !string.IsNullOrEmpty(s)));
        if (agency.Length > 0)
        {
            doc.Add(new TextField(FTags, agency, Field.Store.NO));
        }
        if (!string.IsNullOrEmpty(a.Citation))
        {
            doc.Add(new StringField(FCitation, a.Citation, Field.Store.YES));
        }
        if (a.LawShortName is { } law)
        {
            doc.Add(new StringField(FLaw, law, Field.Store.YES));
        }
        if (a.ArticleNumber is { } number)
        {
            doc.Add(new StringField(FArticle, number.ToString(CultureInfo.InvariantCulture), Field.Store.YES));
        }
        if (!string.IsNullOrEmpty(a.ChapterPath))
        {
            doc.Add(new StoredField(FChapter, a.ChapterPath));
        }
        if (a.CategoryId is { } category)
        {
            doc.Add(new StringField(FCategory, category.ToString(CultureInfo.InvariantCulture), Field.Store.NO));
        }
        return doc;
    }

    /// <summary>The law names in the index, longest first, so 劳动合同法实施条例 is recognised before 劳动合同法.</summary>
    private void RefreshLawNames()
    {
        var searcher = _searchers!.Acquire();
        try
        {
            var names = new List<string>();
            var terms = MultiFields.GetTerms(searcher.IndexReader, FLaw);
            if (terms is not null)
            {
                var e = terms.GetEnumerator();
                while (e.MoveNext())
                {
                    names.Add(e.Term.Utf8ToString());
                }
            }
            _lawNames = [.. names.OrderByDescending(n => n.Length).ThenBy(n => n, StringComparer.Ordinal)];
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _searchers?.Dispose();
            _writer?.Dispose();
            _directory?.Dispose();
            _analyzer.Dispose();
            _searchers = null;
            _writer = null;
        }
    }

    /// <summary>Escapes only what HTML needs (SimpleHTMLEncoder turns every hanzi into a numeric entity).</summary>
    private sealed class MarkupEncoder : IEncoder
    {
        public static readonly MarkupEncoder Instance = new();

        public string EncodeText(string originalText) => originalText
            .Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
    }

    private sealed class Bm25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = new BM25Similarity() };
    }

    private static partial class Log
    {
        [LoggerMessage(7001, LogLevel.Warning, "The knowledge index at {Path} could not be read; it is rebuilt from the database")]
        public static partial void IndexUnreadable(ILogger logger, string path, Exception exception);
    }
}

/// <summary>
/// Synonym groups: a query containing any member of a group is expanded with every other member. Matching is
/// on the raw query text, so multi-word terms (拖欠工资) and lay words the analyzer would split still match.
/// </summary>
public sealed class SynonymSet
{
    public static readonly SynonymSet Empty = new([]);

    private readonly List<string[]> _groups;

    public SynonymSet(IEnumerable<IEnumerable<string>> groups)
        => _groups = [.. groups.Select(g => g.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToArray())
            .Where(g => g.Length > 1)];

    public int Count => _groups.Count;

    public IReadOnlyList<string> Expand(string query)
    {
        var result = new List<string>();
        foreach (var group in _groups)
        {
            if (group.Any(t => query.Contains(t, StringComparison.Ordinal)))
            {
                result.AddRange(group.Where(t => !query.Contains(t, StringComparison.Ordinal)));
            }
        }
        return [.. result.Distinct(StringComparer.Ordinal)];
    }
}
