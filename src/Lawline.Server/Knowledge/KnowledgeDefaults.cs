using System.Text.Json;
using System.Text.Json.Serialization;
using Lawline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Knowledge;

/// <summary>
/// The data the knowledge base ships with, embedded in the assembly: the default synonym groups (one source of truth,
/// also checked by bench/Lawline.KnowledgeBench/eval/validate.py) and the demo Q&amp;As, procedures and agencies.
/// </summary>
public static class KnowledgeDefaults
{
    public const string SynonymsResource = "Lawline.Server.Knowledge.default-synonyms.json";
    public const string SeedResource = "Lawline.Server.Knowledge.seed-qa.json";

    /// <summary>The tag every demo entry carries (the article has no IsDemo flag), so it is easy to find and remove.</summary>
    public const string DemoTag = "演示";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public sealed record SynonymGroup(string Term, List<string> Synonyms);

    public sealed record SeedEntry(
        KnowledgeKind Kind, string Title, string? Question, string Answer, List<string>? LegalBasis, List<string>? Tags,
        string? Address, string? Phone, string? Hours, string? AreaServed);

    public static async Task<List<SynonymGroup>> SynonymsAsync(CancellationToken cancellationToken)
    {
        var groups = await ReadAsync<List<SynonymGroup>>(SynonymsResource, cancellationToken);
        // The file may hold a term twice or list the term among its own synonyms; the database's unique term does not.
        return [.. groups
            .Where(g => !string.IsNullOrWhiteSpace(g.Term))
            .GroupBy(g => g.Term.Trim(), StringComparer.Ordinal)
            .Select(g => new SynonymGroup(g.Key, [.. g.SelectMany(x => x.Synonyms).Select(s => s.Trim())
                .Where(s => s.Length > 0 && s != g.Key).Distinct(StringComparer.Ordinal).Take(20)]))
            .Where(g => g.Synonyms.Count > 0)];
    }

    public static Task<List<SeedEntry>> SeedEntriesAsync(CancellationToken cancellationToken)
        => ReadAsync<List<SeedEntry>>(SeedResource, cancellationToken);

    /// <summary>
    /// Adds the demo entries as published entries shared by every platform, tagged <see cref="DemoTag"/>. An entry
    /// whose title is already shared is left alone, so running it again changes nothing. Returns how many were added.
    /// </summary>
    public static async Task<List<KnowledgeArticle>> EnsureDemoEntriesAsync(AppDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var entries = await SeedEntriesAsync(cancellationToken);
        var titles = entries.Select(e => e.Title).ToList();
        var existing = await db.KnowledgeArticles.IgnoreQueryFilters()
            .Where(a => a.PlatformId == null && titles.Contains(a.Title)).Select(a => a.Title).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var added = new List<KnowledgeArticle>();
        foreach (var entry in entries.Where(e => !existing.Contains(e.Title)))
        {
            var article = KnowledgeArticle.Draft(entry.Kind, null, null, "演示数据", now);
            article.Title = entry.Title;
            article.Question = entry.Question;
            article.Body = entry.Answer;
            article.LegalBasis = entry.LegalBasis is { Count: > 0 } basis ? string.Join("；", basis) : null;
            article.Tags = [.. (entry.Tags ?? []).Append(DemoTag).Distinct(StringComparer.Ordinal).Take(10)];
            article.Address = entry.Address;
            article.Phone = entry.Phone;
            article.Hours = entry.Hours;
            article.AreaServed = entry.AreaServed;
            article.SubmitForReview(now);
            article.Publish(null, "演示数据", isAdministrator: true, now);
            db.KnowledgeArticles.Add(article);
            added.Add(article);
        }
        await db.SaveChangesAsync(cancellationToken);
        return added;
    }

    private static async Task<T> ReadAsync<T>(string resource, CancellationToken cancellationToken)
    {
        await using var stream = typeof(KnowledgeDefaults).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource} is missing from the assembly.");
        return await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken)
            ?? throw new InvalidOperationException($"{resource} is empty.");
    }
}
