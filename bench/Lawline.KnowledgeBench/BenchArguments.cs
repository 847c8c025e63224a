using System.Globalization;

namespace Lawline.KnowledgeBench;

internal sealed record BenchArguments(string Mode, string RepoRoot, string LawsFolder, int Articles, int Queries, int Runs, string ResultsDirectory, int Seed)
{
    public string BenchDirectory => Path.Combine(RepoRoot, "bench", "Lawline.KnowledgeBench");

    public static BenchArguments Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }
        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        var root = FindRepoRoot();
        var mode = Get("--mode", "all");
        if (mode is not ("quality" or "latency" or "all"))
        {
            throw new ArgumentException($"--mode must be quality, latency or all, not '{mode}'.");
        }
        var laws = Path.GetFullPath(Get("--laws", Path.Combine(root, "..", "shared", "data", "laws")));
        if (!Directory.Exists(laws))
        {
            throw new ArgumentException($"The laws folder '{laws}' does not exist; pass --laws DIR.");
        }
        return new BenchArguments(mode, root, laws, Int("--articles", 100_000), Int("--queries", 2_000), Int("--runs", 3),
            Path.GetFullPath(Get("--results", Path.Combine(root, "bench", "Lawline.KnowledgeBench", "results"))), Int("--seed", 12348));
    }

    /// <summary>The folder holding Lawline.slnx, from the working directory up.</summary>
    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lawline.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Run from inside the Lawline repository (Lawline.slnx not found above the working directory).");
    }
}
