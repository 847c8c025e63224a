using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Lawline.Server.Data;

/// <summary>
/// Sets the SQLite pragmas every connection needs: WAL so readers never block the writer, a busy timeout
/// so concurrent writers wait instead of failing, and foreign keys (off by default in SQLite).
/// </summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    // A 32 MB page cache and memory-mapped reads keep a database of millions of work orders fast to search.
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; "
        + "PRAGMA cache_size=-32000; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
