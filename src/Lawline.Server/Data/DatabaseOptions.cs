using System.ComponentModel.DataAnnotations;

namespace Lawline.Server.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Which database, and where. SQLite in the data directory unless configured otherwise.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For PostgreSQL, required. For SQLite, optional: the default is lawline.db in the data directory.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>The host's own settings: where data lives (database, recordings, search index, keys).</summary>
public sealed class LawlineOptions
{
    public const string Section = "Lawline";

    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>How long an API access token lives.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Fill the demonstration platforms and people on first start (same as the seed-demo command).</summary>
    public bool Demo { get; set; }

    /// <summary>
    /// A relative data directory is taken from the working directory (where the operator started Lawline;
    /// `dotnet run` keeps the caller's directory, see the server's csproj), not from the binaries' folder.
    /// </summary>
    public string ResolveDataDirectory() => Path.GetFullPath(DataDirectory, Environment.CurrentDirectory);
}
