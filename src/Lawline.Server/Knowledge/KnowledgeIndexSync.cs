using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Knowledge;

/// <summary>
/// Keeps the search index in step with the database. At start-up (before the app serves requests) and then every
/// <see cref="KnowledgeOptions.CatchUpInterval"/>, it compares each published article's version with the version
/// the index holds, re-indexes what differs and removes what is no longer published; a missing or unreadable index
/// is rebuilt whole. So a crash between a commit and the index update, or laws imported while the server ran,
/// never leave published knowledge unsearchable for long.
/// </summary>
public sealed partial class KnowledgeIndexSync(
    IServiceScopeFactory scopes,
    KnowledgeIndex index,
    IOptions<KnowledgeOptions> options,
    TimeProvider clock,
    ILogger<KnowledgeIndexSync> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CatchUpInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CatchUpAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.CatchUpFailed(logger, e);
            }
        }
    }

    public sealed record CatchUpReport(bool Rebuilt, int Indexed, int Removed, int Total);

    public async Task<CatchUpReport> CatchUpAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("knowledge-index");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        index.Synonyms = await KnowledgeService.LoadSynonymsAsync(db, cancellationToken);

        index.Open();
        var rebuilt = index.WasRecreated;
        var wanted = await db.KnowledgeArticles.AsNoTracking()
            .Where(a => a.Status == KnowledgeStatus.Published)
            .Select(a => new { a.Id, a.Version })
            .ToDictionaryAsync(a => a.Id, a => a.Version, cancellationToken);
        var indexed = index.IndexedVersions();
        var stale = wanted.Where(w => !indexed.TryGetValue(w.Key, out var v) || v != w.Value).Select(w => w.Key).ToList();
        var extra = indexed.Keys.Where(id => !wanted.ContainsKey(id)).ToList();
        if (extra.Count > 0)
        {
            index.Remove(extra);
        }
        foreach (var batch in stale.Chunk(500))
        {
            var articles = await db.KnowledgeArticles.AsNoTracking().Where(a => batch.Contains(a.Id)).ToListAsync(cancellationToken);
            index.Update(articles);
        }
        if (stale.Count > 0 || extra.Count > 0)
        {
            Log.CaughtUp(logger, rebuilt, stale.Count, extra.Count, wanted.Count);
        }
        return new CatchUpReport(rebuilt, stale.Count, extra.Count, wanted.Count);
    }

    private static partial class Log
    {
        [LoggerMessage(7201, LogLevel.Information, "Knowledge index caught up (rebuilt: {Rebuilt}): {Indexed} indexed, {Removed} removed, {Total} published")]
        public static partial void CaughtUp(ILogger logger, bool rebuilt, int indexed, int removed, int total);

        [LoggerMessage(7202, LogLevel.Error, "Knowledge index catch-up failed")]
        public static partial void CatchUpFailed(ILogger logger, Exception exception);
    }
}

/// <summary>Settings of the knowledge base's search (section <c>Knowledge</c>).</summary>
public sealed class KnowledgeOptions
{
    public const string Section = "Knowledge";

    /// <summary>How often the index is compared with the database (besides at start-up).</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A search whose best score is below this is logged as a gap, like one without any hit.</summary>
    [System.ComponentModel.DataAnnotations.Range(0.0, 1000.0)]
    public double GapScoreThreshold { get; set; } = 5.0;
}
