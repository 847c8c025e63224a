using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lawline.Server.Knowledge;

namespace Lawline.KnowledgeBench;

/// <summary>One question's outcome: the ranked citations returned and the metrics.</summary>
internal sealed record QuestionResult(string Id, string Topic, bool HeldOut, string Question, double Recall5, bool Hit5, double ReciprocalRank,
    int? FirstRelevantRank, string[] Relevant, string[] Top5);

internal sealed record Figures(int Questions, double Recall5, double Hit5, double Mrr)
{
    public static Figures Of(IReadOnlyCollection<QuestionResult> results) => results.Count == 0
        ? new(0, 0, 0, 0)
        : new(results.Count, results.Average(r => r.Recall5), results.Average(r => r.Hit5 ? 1.0 : 0.0), results.Average(r => r.ReciprocalRank));
}

internal sealed record RunFigures(string Name, Figures All, Figures Tuning, Figures HeldOut, Dictionary<string, Figures> ByTopic, List<QuestionResult> Results);

/// <summary>
/// Retrieval quality: the laws imported with the app's importer, the default synonyms seeded by start-up, and each
/// evaluation question searched (top 10) (a) among law articles only and (b) over everything, the seed Q&amp;As,
/// procedures and agencies included (an entry counts as the articles of its legal basis).
/// </summary>
internal static class Quality
{
    public const int Top = 10;
    public const int K = 5;

    public static async Task<List<RunFigures>> RunAsync(BenchArguments args)
    {
        var questions = EvalSet.Questions(args.BenchDirectory);
        await using var host = await BenchHost.StartAsync();
        var report = await host.ImportLawsAsync(args.LawsFolder);
        Console.WriteLine($"Laws: {report}");
        var seed = await host.StoreAsync(EvalSet.Seed(args.RepoRoot).Select(e => EvalSet.ToArticle(e, TimeProvider.System.GetUtcNow())));
        host.Index.Update(seed);
        var legalBasis = seed.ToDictionary(a => a.Id, a => a.LegalBasis);
        Console.WriteLine($"Seed entries: {seed.Count}; synonym groups: {host.Index.Synonyms.Count}; index: {host.Index.Count} documents");

        var runs = new List<RunFigures>
        {
            Evaluate("law articles only (kind=LawArticle)", host.Index, questions, KnowledgeKind.LawArticle, legalBasis),
            Evaluate("everything (laws + seed Q&As/procedures)", host.Index, questions, null, legalBasis),
        };
        foreach (var run in runs)
        {
            Print(run);
        }
        return runs;
    }

    private static RunFigures Evaluate(string name, KnowledgeIndex index, List<EvalQuestion> questions, KnowledgeKind? kind,
        IReadOnlyDictionary<int, string?> legalBasis)
    {
        var results = new List<QuestionResult>();
        foreach (var q in questions)
        {
            var hits = index.Search(new KnowledgeQuery(q.Question, Top) { Kind = kind }).Hits;
            var relevant = q.Relevant.ToHashSet(StringComparer.Ordinal);
            var ranked = hits.Select(h => EvalSet.CitationsOf(h, legalBasis)).ToList();
            var found = ranked.Take(K).SelectMany(c => c).Where(relevant.Contains).Distinct(StringComparer.Ordinal).Count();
            var first = ranked.FindIndex(c => c.Any(relevant.Contains));
            results.Add(new QuestionResult(q.Id, q.Topic, q.HeldOut, q.Question,
                (double)found / relevant.Count, found > 0, first < 0 ? 0 : 1.0 / (first + 1), first < 0 ? null : first + 1,
                q.Relevant, [.. hits.Take(K).Select(h => h.Citation ?? h.Title)]));
        }
        return new RunFigures(name, Figures.Of(results), Figures.Of([.. results.Where(r => !r.HeldOut)]), Figures.Of([.. results.Where(r => r.HeldOut)]),
            results.GroupBy(r => r.Topic).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => Figures.Of([.. g])), results);
    }

    private static void Print(RunFigures run)
    {
        Console.WriteLine();
        Console.WriteLine($"== {run.Name}");
        Console.WriteLine(Markdown(run));
        Console.WriteLine("10 worst questions (lowest reciprocal rank, then recall):");
        foreach (var r in run.Results.OrderBy(r => r.ReciprocalRank).ThenBy(r => r.Recall5).Take(10))
        {
            Console.WriteLine($"  {r.Id} [{r.Topic}{(r.HeldOut ? ", held out" : "")}] {r.Question}");
            Console.WriteLine($"      want {string.Join(" ", r.Relevant)}");
            Console.WriteLine($"      got  {string.Join(" ", r.Top5)}");
        }
    }

    public static string Markdown(RunFigures run)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| questions | n | Recall@5 | hit@5 | MRR (top 10) |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        void Row(string label, Figures f) => sb.AppendLine(CultureInfo.InvariantCulture,
            $"| {label} | {f.Questions} | {f.Recall5:0.000} | {f.Hit5:0.000} | {f.Mrr:0.000} |");
        Row("**all**", run.All);
        Row("tuning split (q not divisible by 3)", run.Tuning);
        Row("held-out split (every 3rd)", run.HeldOut);
        foreach (var (topic, f) in run.ByTopic)
        {
            Row(topic, f);
        }
        return sb.ToString();
    }

    public static void Write(BenchArguments args, List<RunFigures> runs)
    {
        Directory.CreateDirectory(args.ResultsDirectory);
        var json = JsonSerializer.Serialize(new { date = TimeProvider.System.GetUtcNow(), runs }, new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        File.WriteAllText(Path.Combine(args.ResultsDirectory, "quality.json"), json);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Knowledge search quality ({TimeProvider.System.GetUtcNow():yyyy-MM-dd})");
        foreach (var run in runs)
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## {run.Name}").AppendLine().Append(Markdown(run));
        }
        File.WriteAllText(Path.Combine(args.ResultsDirectory, "quality.md"), md.ToString());
        Debug.Assert(runs.Count > 0);
    }
}
