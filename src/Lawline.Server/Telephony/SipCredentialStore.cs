using System.Collections.Concurrent;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Sip;
using Lawline.Sip.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Telephony;

/// <summary>An enabled SIP account as the registrar and the registration watcher need it.</summary>
public sealed record SipAccountKey(int Id, int PlatformId, int? AgentId, string Username, DigestSecret Secret);

/// <summary>
/// The registrar's user table: enabled accounts whose HA1 values were computed for the configured realm. Phones
/// refresh their registrations constantly (hundreds of REGISTERs a second on a big platform, each challenged
/// once), so lookups are cached in memory, unknown names too (scanners try thousands); the account service
/// invalidates an entry when the account changes, and entries expire after a minute so that another node's
/// changes (several app nodes share one database) are seen soon.
/// </summary>
public sealed partial class SipCredentialStore(
    IServiceScopeFactory scopes,
    IOptions<SipEngineOptions> options,
    TimeProvider clock,
    ILogger<SipCredentialStore> logger) : IDigestCredentialStore
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<string, Entry> cache = new(StringComparer.Ordinal);
    private long generation;

    private sealed record Entry(SipAccountKey? Account, DateTimeOffset LoadedAt);

    public async ValueTask<DigestSecret?> FindAsync(string username, string realm, CancellationToken cancellationToken)
    {
        if (!string.Equals(realm, options.Value.Realm, StringComparison.Ordinal))
        {
            return null;
        }
        return (await FindAccountAsync(username, cancellationToken))?.Secret;
    }

    /// <summary>The enabled account with this user name (an AOR's user part), or null.</summary>
    public async ValueTask<SipAccountKey?> FindAccountAsync(string username, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(username, out var cached) && now - cached.LoadedAt < Lifetime)
        {
            return cached.Account;
        }
        var version = Interlocked.Read(ref generation);
        SipAccountKey? account;
        try
        {
            account = await LoadAsync(username, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A database hiccup must not sign every phone out: keep answering from what was known.
            Log.LookupFailed(logger, exception, username);
            return cached?.Account;
        }
        if (Interlocked.Read(ref generation) == version)
        {
            if (cache.Count >= MaxEntries)
            {
                cache.Clear();
            }
            cache[username] = new Entry(account, now);
        }
        return account;
    }

    /// <summary>Forgets what is cached about an account (after it was created, changed, disabled or got a new password).</summary>
    public void Invalidate(string username)
    {
        Interlocked.Increment(ref generation);
        cache.TryRemove(username, out _);
    }

    private async Task<SipAccountKey?> LoadAsync(string username, CancellationToken cancellationToken)
    {
        // The registrar acts for no signed-in person: a scope of its own acting as the system sees every platform.
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("sip-registrar");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var realm = options.Value.Realm;
        var row = await db.SipAccounts.AsNoTracking()
            .Where(a => a.Username == username && a.Enabled && a.Realm == realm)
            .Select(a => new { a.Id, a.PlatformId, a.AgentId, a.Username, a.Md5Ha1, a.Sha256Ha1 })
            .SingleOrDefaultAsync(cancellationToken);
        return row is null
            ? null
            : new SipAccountKey(row.Id, row.PlatformId, row.AgentId, row.Username, DigestSecret.FromHa1(row.Md5Ha1, row.Sha256Ha1));
    }

    private static partial class Log
    {
        [LoggerMessage(5101, LogLevel.Warning, "Looking up SIP account {Username} failed; answering from the cache")]
        public static partial void LookupFailed(ILogger logger, Exception exception, string username);
    }
}
