using System.Data.Common;
using Lawline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Lawline.Server.Analytics.History;

/// <summary>
/// Writes many rows of one entity type fast, from EF Core's own model (table, columns, value converters), so the rows
/// are exactly what <c>SaveChanges</c> would have written: prepared INSERTs inside the caller's transaction on SQLite,
/// binary COPY on PostgreSQL. Keys are written as given (the caller assigns them). No change tracking, no audit: for
/// generated history only.
/// </summary>
public sealed class BulkInserter<T>
    where T : class
{
    private readonly IEntityType _entity;
    private readonly string _table;
    private readonly IReadOnlyList<(IProperty Property, string Column, Func<T, object?> Read)> _columns;

    public BulkInserter(AppDbContext db)
    {
        _entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        _table = _entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(_table, _entity.GetSchema());
        _columns = [.. _entity.GetProperties()
            .Where(p => p.GetColumnName(store) is not null && !p.IsShadowProperty())
            .Select(p =>
            {
                var getter = p.GetGetter();
                var converter = p.GetTypeMapping().Converter;
                Func<T, object?> read = converter is null
                    ? e => getter.GetClrValue(e)
                    : e => getter.GetClrValue(e) is { } value ? converter.ConvertToProvider(value) : null;
                return (p, p.GetColumnName(store)!, read);
            })];
    }

    public async Task InsertAsync(AppDbContext db, IReadOnlyCollection<T> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var connection = db.Database.GetDbConnection();
        if (connection is NpgsqlConnection npgsql)
        {
            await CopyAsync(npgsql, rows, cancellationToken);
            return;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"INSERT INTO \"{_table}\" ({string.Join(", ", _columns.Select(c => $"\"{c.Column}\""))}) "
            + $"VALUES ({string.Join(", ", _columns.Select((_, i) => "$p" + i))})";
        var parameters = _columns.Select((_, i) =>
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "$p" + i;
            command.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        await command.PrepareAsync(cancellationToken);
        foreach (var row in rows)
        {
            for (var i = 0; i < _columns.Count; i++)
            {
                parameters[i].Value = _columns[i].Read(row) ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task CopyAsync(NpgsqlConnection connection, IReadOnlyCollection<T> rows, CancellationToken cancellationToken)
    {
        var sql = $"COPY \"{_table}\" ({string.Join(", ", _columns.Select(c => $"\"{c.Column}\""))}) FROM STDIN (FORMAT BINARY)";
        await using var writer = await connection.BeginBinaryImportAsync(sql, cancellationToken);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(cancellationToken);
            foreach (var column in _columns)
            {
                switch (column.Read(row))
                {
                    case null:
                        await writer.WriteNullAsync(cancellationToken);
                        break;
                    case DateTimeOffset instant:
                        await writer.WriteAsync(instant.ToUniversalTime(), cancellationToken);
                        break;
                    case var value:
                        // COPY BINARY takes each value in its own binary format; the CLR type picks it (string → text, int → integer…).
                        await writer.WriteAsync(value, cancellationToken);
                        break;
                }
            }
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>After rows with explicit keys: PostgreSQL's identity sequence moves past them (SQLite needs nothing).</summary>
    public async Task ResetIdentityAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection() is not NpgsqlConnection)
        {
            return;
        }

        var key = _entity.FindPrimaryKey()!.Properties[0].GetColumnName(StoreObjectIdentifier.Table(_table, _entity.GetSchema()));
#pragma warning disable EF1002 // table and column names come from the model, not from input
        await db.Database.ExecuteSqlRawAsync(
            $"SELECT setval(pg_get_serial_sequence('\"{_table}\"', '{key}'), GREATEST((SELECT COALESCE(MAX(\"{key}\"), 0) FROM \"{_table}\"), 1))",
            cancellationToken);
#pragma warning restore EF1002
    }
}
