using Lawline.Server.Data;
using Lawline.Server.Knowledge;
using Lawline.Server.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.KnowledgeBench;

/// <summary>
/// The real Lawline host (the app's own Program and service registrations) on a throwaway SQLite data directory,
/// telephony off. Start-up migrates the database and seeds the default synonyms, as on a new installation.
/// </summary>
internal sealed class BenchHost : WebApplicationFactory<Program>
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("lawline-knowledge-bench-").FullName;

    public static async Task<BenchHost> StartAsync()
    {
        var host = new BenchHost();
        await Task.Run(() => host.Server);
        // The start-up catch-up has run or runs now; afterwards the index holds what the database holds.
        await host.Services.GetRequiredService<KnowledgeIndexSync>().CatchUpAsync(CancellationToken.None);
        return host;
    }

    public KnowledgeIndex Index => Services.GetRequiredService<KnowledgeIndex>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Lawline:DataDirectory", _dataDirectory);
        builder.UseSetting("Database:Provider", nameof(DatabaseProvider.Sqlite));
        builder.UseSetting("Sip:Enabled", "false");
        builder.UseSetting("LAWLINE_ADMIN_PASSWORD", "Bench-Pass-2468");
        // The periodic comparison with the database must not run in the middle of a timed run.
        builder.UseSetting("Knowledge:CatchUpInterval", "1.00:00:00");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Error");
    }

    /// <summary>Imports the Markdown laws of a folder with the app's importer (database, then index).</summary>
    public async Task<LawImportReport> ImportLawsAsync(string folder)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("knowledge-bench");
        return await scope.ServiceProvider.GetRequiredService<LawImporter>().ImportDirectoryAsync(folder, CancellationToken.None);
    }

    /// <summary>Stores published entries in the database in batches and returns them with their ids (not yet indexed).</summary>
    public async Task<List<KnowledgeArticle>> StoreAsync(IEnumerable<KnowledgeArticle> articles, int batch = 5_000)
    {
        var stored = new List<KnowledgeArticle>();
        foreach (var chunk in articles.Chunk(batch))
        {
            await using var scope = Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("knowledge-bench");
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.KnowledgeArticles.AddRange(chunk);
            await db.SaveChangesAsync();
            stored.AddRange(chunk);
        }
        return stored;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the system later.
        }
    }
}
