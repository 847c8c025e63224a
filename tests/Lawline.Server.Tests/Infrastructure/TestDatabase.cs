using System.Security.Cryptography;
using Lawline.Server.Data;
using Npgsql;

namespace Lawline.Server.Tests.Infrastructure;

/// <summary>
/// One throwaway installation's storage: a temporary data directory (keys, and the SQLite file) and, for
/// PostgreSQL, a database of its own on the server named by <see cref="PostgresVariable"/>, dropped at dispose.
/// Several app instances can be started on it one after the other (first start, second start).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "LAWLINE_TEST_POSTGRES";

    private readonly string? _serverConnectionString;
    private readonly string? _databaseName;

    private TestDatabase(DatabaseProvider provider, string dataDirectory, string? serverConnectionString, string? databaseName)
    {
        Provider = provider;
        DataDirectory = dataDirectory;
        _serverConnectionString = serverConnectionString;
        _databaseName = databaseName;
        if (databaseName is not null)
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = databaseName }.ConnectionString;
        }
    }

    public DatabaseProvider Provider { get; }

    public string DataDirectory { get; }

    /// <summary>The PostgreSQL database's connection string; null for SQLite (the app puts lawline.db in the data directory).</summary>
    public string? ConnectionString { get; }

    public string SqliteFile => Path.Combine(DataDirectory, "lawline.db");

    /// <summary>The configuration that points an app instance at this storage.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Lawline:DataDirectory"] = DataDirectory,
        ["Database:Provider"] = Provider.ToString(),
        ["Database:ConnectionString"] = ConnectionString ?? string.Empty,
    };

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            return new TestDatabase(provider, Directory.CreateTempSubdirectory("lawline-test-").FullName, null, null);
        }

        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                $"{PostgresVariable} is not set, so this PostgreSQL test cannot run. Run the tests with `bash scripts/test.sh`, "
                + "which starts a throwaway PostgreSQL and sets it, or set it to the connection string of a role that may "
                + "create databases (e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres).");
        }
        var name = "lawline_t_" + RandomNumberGenerator.GetHexString(12, lowercase: true);
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new TestDatabase(provider, Directory.CreateTempSubdirectory("lawline-test-").FullName, server, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_databaseName is not null)
        {
            await using (var pooled = new NpgsqlConnection(ConnectionString))
            {
                NpgsqlConnection.ClearPool(pooled);
            }
            await using var connection = new NpgsqlConnection(_serverConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a pooled connection; the temp folder is cleaned by the OS.
        }
    }
}
