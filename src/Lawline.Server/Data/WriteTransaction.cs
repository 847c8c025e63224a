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
    private bool _released;

    private WriteTransaction(IDbContextTransaction transaction, SemaphoreSlim? gate)
    {
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
            return new WriteTransaction(await db.Database.BeginTransactionAsync(cancellationToken), gate);
        }
        catch
        {
            gate?.Release();
            throw;
        }
    }

    public Task CommitAsync(CancellationToken cancellationToken = default) => _transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
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
