using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Knowledge;

public sealed record LawImportReport(int Files, int Laws, int Added, int Updated, int Unchanged)
{
    public override string ToString()
        => $"{Files} files, {Laws} laws: {Added} articles added, {Updated} updated, {Unchanged} unchanged.";
}

/// <summary>
/// Imports Markdown laws (see <see cref="LawMarkdownReader"/>) as one published law-article record per article,
/// keyed by the law's title and the article number, so importing again changes nothing and a changed text updates
/// the record in place. Several files with the same title (民法典's books) are one law. All files are read and
/// checked before anything is written; the writes are one transaction.
/// </summary>
public sealed partial class LawImporter(AppDbContext db, KnowledgeIndex index, CurrentUser me, TimeProvider clock, ILogger<LawImporter> logger)
{
    public async Task<LawImportReport> ImportDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ValidationFailedException("directory", $"The folder '{directory}' does not exist.");
        }
        var files = System.IO.Directory.GetFiles(directory, "*.md", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new ValidationFailedException("directory", $"The folder '{directory}' holds no Markdown (.md) law files.");
        }
        return await ImportAsync(files.Select(LawMarkdownReader.Read).ToList(), cancellationToken);
    }

    public async Task<LawImportReport> ImportAsync(IReadOnlyList<LawDocument> documents, CancellationToken cancellationToken)
    {
        // One law may come in several files (民法典): its article numbers must not collide across them.
        var incoming = new Dictionary<(string Law, int Number), (LawDocument Document, LawArticleText Article)>();
        foreach (var document in documents)
        {
            foreach (var article in document.Articles)
            {
                if (incoming.TryGetValue((document.Title, article.Number), out var earlier))
                {
                    throw new LawFormatException(document.FileName, article.Line,
                        $"{ChineseNumerals.FormatArticle(article.Number)} of {document.Title} is also in {earlier.Document.FileName} (line {earlier.Article.Line}).");
                }
                incoming[(document.Title, article.Number)] = (document, article);
            }
        }

        var titles = incoming.Keys.Select(k => k.Law).Distinct().ToList();
        var existing = await db.KnowledgeArticles.IgnoreQueryFilters().AsTracking()
            .Where(a => a.Kind == KnowledgeKind.LawArticle && a.LawTitle != null && titles.Contains(a.LawTitle))
            .ToDictionaryAsync(a => (a.LawTitle!, a.ArticleNumber ?? 0), cancellationToken);

        var now = clock.GetUtcNow();
        int added = 0, updated = 0, unchanged = 0;
        var changed = new List<KnowledgeArticle>();
        foreach (var ((law, number), (document, text)) in incoming.OrderBy(p => p.Key.Law, StringComparer.Ordinal).ThenBy(p => p.Key.Number))
        {
            var shortName = KnowledgeArticle.ShortLawName(law);
            var citation = $"《{shortName}》{ChineseNumerals.FormatArticle(number)}";
            if (!existing.TryGetValue((law, number), out var article))
            {
                article = KnowledgeArticle.ImportedLaw(me.UserName, now);
                article.LawTitle = law;
                article.ArticleNumber = number;
                Fill(article, citation, text);
                db.KnowledgeArticles.Add(article);
                changed.Add(article);
                added++;
                continue;
            }
            if (article.Citation == citation && article.Title == citation && article.Body == text.Text && article.ChapterPath == Clip(text.ChapterPath, 300))
            {
                unchanged++;
                continue;
            }
            Fill(article, citation, text);
            article.Touch(now);
            changed.Add(article);
            updated++;
        }

        var report = new LawImportReport(documents.Count, titles.Count, added, updated, unchanged);
        if (changed.Count > 0)
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            db.AuditEvent(AuditAction.Update, "Laws", null, null, report.ToString());
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            try
            {
                index.Update(changed);
            }
            catch (Lucene.Net.Store.LockObtainFailedException e)
            {
                // A running server holds the index: its periodic catch-up indexes these rows from the database.
                Log.IndexBusy(logger, e.Message);
            }
        }
        return report;
    }

    private static void Fill(KnowledgeArticle article, string citation, LawArticleText text)
    {
        article.Citation = citation;
        article.Title = citation;
        article.Body = text.Text;
        article.ChapterPath = Clip(text.ChapterPath, 300);
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];

    private static partial class Log
    {
        [LoggerMessage(7101, LogLevel.Warning, "The knowledge index is in use by another process ({Message}); it catches up from the database")]
        public static partial void IndexBusy(ILogger logger, string message);
    }
}
