using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Data;

public sealed class SqliteTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    [Fact]
    public async Task The_database_is_a_WAL_mode_file_in_the_configured_data_directory()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);

        Assert.True(File.Exists(factory.Database.SqliteFile), $"{factory.Database.SqliteFile} exists");
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = factory.Database.SqliteFile,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Every_connection_of_the_app_enforces_foreign_keys_and_waits_when_busy()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.OpenConnectionAsync();

        Assert.Equal(1L, await ScalarAsync(db, "PRAGMA foreign_keys"));
        Assert.Equal(10000L, await ScalarAsync(db, "PRAGMA busy_timeout"));
        Assert.Equal("wal", await ScalarAsync(db, "PRAGMA journal_mode"));
    }

    private static async Task<object?> ScalarAsync(AppDbContext db, string sql)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
