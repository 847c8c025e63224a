using System.Reflection;
using System.Runtime.Loader;
using Lawline.Server.Security;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Data;

public static class DatabaseSetup
{
    private static readonly SqlitePragmaInterceptor Pragmas = new();

    /// <summary>The one place the provider is chosen. Migrations come from the provider's own assembly.</summary>
    public static IHostApplicationBuilder AddLawlineDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        builder.Services.AddScoped<CurrentUser>();
        builder.Services.AddSingleton(services => new DatabaseWriteGate(
            services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Sqlite));
        // Options are built once (they hold the provider, the migrations assembly, the interceptors); each
        // scope (request, circuit operation) gets its own context bound to its CurrentUser.
        builder.Services.AddDbContext<AppDbContext>((services, options) =>
        {
            var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var lawline = services.GetRequiredService<IOptions<LawlineOptions>>().Value;
            Configure(options, database, lawline.ResolveDataDirectory());
        }, contextLifetime: ServiceLifetime.Scoped, optionsLifetime: ServiceLifetime.Singleton);
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database");
        return builder;
    }

    internal static void Configure(DbContextOptionsBuilder options, DatabaseOptions database, string dataDirectory)
    {
        switch (database.Provider)
        {
            case DatabaseProvider.Sqlite:
                var connectionString = database.ConnectionString;
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    Directory.CreateDirectory(dataDirectory);
                    connectionString = new SqliteConnectionStringBuilder
                    {
                        DataSource = Path.Combine(dataDirectory, "lawline.db"),
                        Pooling = true,
                    }.ToString();
                }
                options.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(LoadMigrations("Lawline.Data.Sqlite")))
                    .AddInterceptors(Pragmas);
                break;
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(database.ConnectionString))
                {
                    throw new OptionsValidationException(DatabaseOptions.Section, typeof(DatabaseOptions),
                        ["Database:ConnectionString is required when Database:Provider is Postgres."]);
                }
                options.UseNpgsql(database.ConnectionString, npgsql => npgsql.MigrationsAssembly(LoadMigrations("Lawline.Data.Postgres")));
                break;
            default:
                throw new OptionsValidationException(DatabaseOptions.Section, typeof(DatabaseOptions),
                    [$"Unknown database provider '{database.Provider}'."]);
        }
    }

    // The migrations assemblies are built after the server (they compile against it) and copied beside it,
    // so they are not in the server's dependency manifest: load them by path.
    private static Assembly LoadMigrations(string name)
    {
        var loaded = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.GetName().Name == name);
        if (loaded is not null)
        {
            return loaded;
        }
        var candidates = new[] { AppContext.BaseDirectory, Path.GetDirectoryName(typeof(DatabaseSetup).Assembly.Location)! }
            .Select(dir => Path.Combine(dir, name + ".dll"));
        var path = candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"The migrations assembly {name}.dll was not found beside the server. Build the server project (it builds its migrations assemblies).");
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }
}
