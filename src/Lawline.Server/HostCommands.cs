using Lawline.Server.Data;
using Lawline.Server.Demo;
using Lawline.Server.Security;

namespace Lawline.Server;

/// <summary>
/// Commands run instead of the web host: `seed-demo` fills the demonstration data; `--demo` on a normal
/// start does the same on first start; `import-laws DIR` imports the Markdown laws of a folder into the knowledge base;
/// `rebuild-rollups` recomputes the analytics rollups from the raw calls and work orders; `generate-history --years N`
/// writes synthetic history (calls, work orders, ratings and their rollups) into a platform of its own.
/// </summary>
internal static class HostCommands
{
    public sealed record Command(string? Name, string[] HostArgs, string[] CommandArgs);

    public static Command Parse(string[] args)
    {
        var hostArgs = args.Where(a => a != "--demo").ToList();
        if (args.Contains("--demo"))
        {
            hostArgs.Add("--Lawline:Demo=true");
        }
        if (hostArgs.Count > 0 && hostArgs[0] is "seed-demo" or "import-laws" or "rebuild-rollups" or "generate-history")
        {
            // Positional arguments (import-laws DIR) stay out of the host's configuration: a path starting with '/'
            // would read as a "/key value" switch and swallow the next setting. "--Key value" keeps its value.
            var settings = new List<string>();
            var positional = new List<string>();
            var rest = hostArgs.Skip(1).ToList();
            for (var i = 0; i < rest.Count; i++)
            {
                if (!rest[i].StartsWith("--", StringComparison.Ordinal))
                {
                    positional.Add(rest[i]);
                    continue;
                }
                settings.Add(rest[i]);
                if (!rest[i].Contains('=', StringComparison.Ordinal) && i + 1 < rest.Count && !rest[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    settings.Add(rest[++i]);
                }
            }
            return new Command(hostArgs[0], [.. settings], [.. positional]);
        }
        return new Command(null, [.. hostArgs], []);
    }

    public static async Task<int> RunAsync(WebApplication app, Command command)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        switch (command.Name)
        {
            case "seed-demo":
                var initializer = app.Services.GetServices<IHostedService>().OfType<DatabaseInitializer>().Single();
                await initializer.InitializeAsync(services, demo: false, CancellationToken.None);
                services.GetRequiredService<CurrentUser>().ActAsSystem("seed-demo");
                var summary = await services.GetRequiredService<DemoSeeder>().SeedAsync(CancellationToken.None);
                Console.WriteLine(summary);
                return 0;
            case "import-laws":
                if (command.CommandArgs.Length != 1)
                {
                    await Console.Error.WriteLineAsync("Usage: import-laws DIR   (a folder of Markdown laws, e.g. ../shared/data/laws)");
                    return 2;
                }
                var migrate = app.Services.GetServices<IHostedService>().OfType<DatabaseInitializer>().Single();
                await migrate.InitializeAsync(services, demo: false, CancellationToken.None);
                services.GetRequiredService<CurrentUser>().ActAsSystem("import-laws");
                try
                {
                    var report = await services.GetRequiredService<Knowledge.LawImporter>()
                        .ImportDirectoryAsync(Path.GetFullPath(command.CommandArgs[0]), CancellationToken.None);
                    Console.WriteLine(report);
                    return 0;
                }
                catch (Exception e) when (e is Knowledge.LawFormatException or Common.ValidationFailedException)
                {
                    var message = e is Common.ValidationFailedException v ? string.Join(" ", v.Errors.SelectMany(x => x.Value)) : e.Message;
                    await Console.Error.WriteLineAsync($"import-laws: {message} Nothing was imported.");
                    return 1;
                }
            case "rebuild-rollups":
                var start = app.Services.GetServices<IHostedService>().OfType<DatabaseInitializer>().Single();
                await start.InitializeAsync(services, demo: false, CancellationToken.None);
                var days = await services.GetRequiredService<Analytics.RollupWorker>().RebuildAsync(CancellationToken.None);
                Console.WriteLine($"Rollups rebuilt from the raw records: {days} platform-days.");
                return 0;
            case "generate-history":
                var years = app.Configuration.GetValue<int?>("years");
                if (years is null)
                {
                    await Console.Error.WriteLineAsync("Usage: generate-history --years N [--calls-per-year 1350000] [--platform SYNBJ] [--seed 12348]   (SYNTHETIC data for demos and benchmarks)");
                    return 2;
                }
                var init = app.Services.GetServices<IHostedService>().OfType<DatabaseInitializer>().Single();
                await init.InitializeAsync(services, demo: false, CancellationToken.None);
                services.GetRequiredService<CurrentUser>().ActAsSystem("generate-history");
                try
                {
                    var history = await services.GetRequiredService<Analytics.History.HistoryGenerator>().GenerateAsync(new Analytics.History.HistoryRequest(
                        years.Value,
                        app.Configuration.GetValue<int?>("calls-per-year") ?? 1_350_000,
                        app.Configuration["platform"] ?? Analytics.History.HistoryGenerator.DefaultPlatformCode,
                        app.Configuration.GetValue<int?>("seed") ?? 12348), CancellationToken.None);
                    Console.WriteLine(history);
                    return 0;
                }
                catch (Exception e) when (e is Common.ValidationFailedException or Common.ConflictException or Common.DomainException)
                {
                    var message = e is Common.ValidationFailedException v ? string.Join(" ", v.Errors.SelectMany(x => x.Value)) : e.Message;
                    await Console.Error.WriteLineAsync($"generate-history: {message}");
                    return 1;
                }
            default:
                await Console.Error.WriteLineAsync($"Unknown command '{command.Name}'.");
                return 2;
        }
    }
}
