namespace Lawline.KnowledgeBench;

/// <summary>
/// Knowledge search benchmark. Usage (from the repository root):
/// <c>dotnet run -c Release --project bench/Lawline.KnowledgeBench -- [--mode quality|latency|all] [--laws DIR]
/// [--articles 100000] [--queries 2000] [--runs 3] [--results DIR]</c>.
/// (Not named Program: the server's Program is the host this benchmark starts.)
/// </summary>
internal static class KnowledgeBenchMain
{
    public static async Task<int> Main(string[] args)
    {
        var arguments = BenchArguments.Parse(args);
        Console.WriteLine($"Laws: {arguments.LawsFolder}; results: {arguments.ResultsDirectory}; {Environment.ProcessorCount} cores");
        if (arguments.Mode is "quality" or "all")
        {
            Quality.Write(arguments, await Quality.RunAsync(arguments));
        }
        if (arguments.Mode is "latency" or "all")
        {
            Latency.Write(arguments, await Latency.RunAsync(arguments));
        }
        return 0;
    }
}
