using System.Text.Json;
using System.Text.RegularExpressions;
using Lawline.Server.Knowledge;

namespace Lawline.KnowledgeBench;

internal sealed record EvalQuestion(string Id, string Question, string[] Relevant, string Topic)
{
    /// <summary>Every third question (q003, q006, …) is held out: never looked at while tuning the search.</summary>
    public bool HeldOut => int.Parse(Id[1..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0;
}

internal sealed record SeedEntry(string Title, string Question, string Answer, string[] LegalBasis, string Kind, string[] Tags);

internal static partial class EvalSet
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static List<EvalQuestion> Questions(string benchDirectory)
        => JsonSerializer.Deserialize<List<EvalQuestion>>(File.ReadAllText(Path.Combine(benchDirectory, "eval", "questions.json")), Json)
           ?? throw new InvalidDataException("questions.json is empty");

    public static List<SeedEntry> Seed(string repoRoot)
        => JsonSerializer.Deserialize<List<SeedEntry>>(
               File.ReadAllText(Path.Combine(repoRoot, "src", "Lawline.Server", "Knowledge", "Data", "seed-qa.json")), Json)
           ?? throw new InvalidDataException("seed-qa.json is empty");

    public static KnowledgeArticle ToArticle(SeedEntry e, DateTimeOffset now)
    {
        var article = KnowledgeArticle.ImportedLaw("knowledge-bench", now);
        article.Kind = Enum.Parse<KnowledgeKind>(e.Kind);
        article.Title = e.Title;
        article.Question = e.Question;
        article.Body = e.Answer;
        article.LegalBasis = e.LegalBasis.Length == 0 ? null : string.Join("；", e.LegalBasis);
        article.Tags = [.. e.Tags];
        return article;
    }

    [GeneratedRegex(@"《[^》]+》第[零〇一二两三四五六七八九十百千万]+条")]
    private static partial Regex CitationPattern();

    /// <summary>The law articles a hit stands for: a law article itself; another entry, the articles of its legal basis.</summary>
    public static IReadOnlyList<string> CitationsOf(KnowledgeHit hit, IReadOnlyDictionary<int, string?> legalBasisById)
    {
        if (hit.Citation is { } citation)
        {
            return [citation];
        }
        return legalBasisById.TryGetValue(hit.Id, out var basis) && basis is not null
            ? [.. CitationPattern().Matches(basis).Select(m => m.Value)]
            : [];
    }
}
