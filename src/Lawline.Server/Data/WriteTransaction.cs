using Microsoft.EntityFrameworkCore.Storage;

namespace Lawline.Server.Data;

/// <summary>
/// SQLite lets one writer in at a time. Left to SQLite, concurrent writers spin in its busy handler with
/// growing sleeps, and throughput collapses under load; so on SQLite the writers of this process queue on
/// an async gate instead, and readers (WAL) never wait. PostgreSQL needs no gate.
/// </summary>
public sealed class DatabaseWriteGate(bool serializeWriters)
{
    public SemaphoreSlim? Gate { get; } = serializeWriters ? new SemaphoreSlim(1, 1) : null;
}

/// <summary>A database transaction that holds the write gate until it is disposed.</summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private readonly IDbContextTransaction _transaction;
    private readonly SemaphoreSlim? _gate;
    private readonly AppDbContext _db;
    private bool _released;

    private WriteTransaction(AppDbContext db, IDbContextTransaction transaction, SemaphoreSlim? gate)
    {
        _db = db;
        _transaction = transaction;
        _gate = gate;
    }

    internal static async Task<WriteTransaction> BeginAsync(AppDbContext db, SemaphoreSlim? gate, CancellationToken cancellationToken)
    {
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken);
        }
        try
        {
            return new WriteTransaction(db, await db.Database.BeginTransactionAsync(cancellationToken), gate);
        }
        catch
        {
            gate?.Release();
            throw;
        }
    }

    /// <summary>Commits, then runs what was waiting for the commit (<see cref="AppDbContext.AfterCommit"/>).</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await _transaction.CommitAsync(cancellationToken);
        _db.RunAfterCommit();
    }

    public async ValueTask DisposeAsync()
    {
        // Rolled back (or committed and already run): nothing waits any more.
        _db.ForgetAfterCommit();
        try
        {
            await _transaction.DisposeAsync();
        }
        finally
        {
            if (!_released)
            {
                _released = true;
                _gate?.Release();
            }
        }
    }
}
