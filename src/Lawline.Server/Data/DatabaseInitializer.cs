using System.Security.Cryptography;
using Lawline.Server.Demo;
using Lawline.Server.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Data;

/// <summary>
/// Brings the database to the current schema at start-up, creates the roles and, on an empty database,
/// the administrator account; fills the demonstration data when asked.
/// </summary>
internal sealed partial class DatabaseInitializer(
    IServiceScopeFactory scopes,
    IOptions<LawlineOptions> options,
    IConfiguration configuration,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public const string AdminUserName = "admin";
    public const string AdminPasswordVariable = "LAWLINE_ADMIN_PASSWORD";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await InitializeAsync(scope.ServiceProvider, options.Value.Demo, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal async Task InitializeAsync(IServiceProvider services, bool demo, CancellationToken cancellationToken)
    {
        services.GetRequiredService<CurrentUser>().ActAsSystem();
        var db = services.GetRequiredService<AppDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            Log.ApplyingMigrations(logger, pending.Count, db.Database.ProviderName ?? "?");
            await db.Database.MigrateAsync(cancellationToken);
        }
        if (db.Database.IsSqlite())
        {
            // Refresh the planner's statistics where they are stale, so searches on large tables pick their indexes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;", cancellationToken);
        }

        var roles = services.GetRequiredService<RoleManager<IdentityRole<int>>>();
        foreach (var role in LawlineRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole<int>(role));
            }
        }

        await EnsureAdministratorAsync(services, db, cancellationToken);
        await Platforms.SkillCatalog.EnsureDefaultsAsync(db, cancellationToken);
        await Taxonomy.TaxonomyFeature.EnsureDefaultTaxonomyAsync(services, cancellationToken);
        await WorkOrders.WorkOrdersFeature.EnsureDefaultTimeLimitsAsync(db, cancellationToken);
        await Knowledge.KnowledgeFeature.EnsureDefaultSynonymsAsync(db, services.GetRequiredService<TimeProvider>(), cancellationToken);
        await Sms.SmsFeature.EnsureDefaultTemplatesAsync(db, services.GetRequiredService<TimeProvider>(), cancellationToken);
        if (demo)
        {
            await services.GetRequiredService<DemoSeeder>().SeedAsync(cancellationToken);
        }
    }

    private async Task EnsureAdministratorAsync(IServiceProvider services, AppDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(cancellationToken))
        {
            return;
        }
        var users = services.GetRequiredService<UserManager<AppUser>>();
        // Read through configuration, which includes the environment variables: a host (or a test) can also set
        // it per instance, e.g. --LAWLINE_ADMIN_PASSWORD=..., without touching the process environment.
        var configured = configuration[AdminPasswordVariable];
        var password = string.IsNullOrEmpty(configured) ? GeneratePassword() : configured;
        var admin = new AppUser
        {
            UserName = AdminUserName,
            DisplayName = "系统管理员",
            CreatedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
        };
        var result = await users.CreateAsync(admin, password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Could not create the administrator ({AdminPasswordVariable} must satisfy the password policy): "
                + string.Join("; ", result.Errors.Select(e => e.Description)));
        }
        await users.AddToRoleAsync(admin, LawlineRoles.Administrator);
        if (string.IsNullOrEmpty(configured))
        {
            // Printed once, on the console only (never to the log files): the operator must note it now.
            Console.WriteLine();
            Console.WriteLine("==============================================================");
            Console.WriteLine($"  Lawline administrator created: user '{AdminUserName}'");
            Console.WriteLine($"  password: {password}");
            Console.WriteLine("  This password is shown only once. Change it after signing in.");
            Console.WriteLine("==============================================================");
            Console.WriteLine();
        }
        Log.AdministratorCreated(logger, AdminUserName);
    }

    private static string GeneratePassword()
    {
        // No look-alike characters (0/O, 1/l/I), so the password survives being read off a screen.
        const string letters = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
        const string digits = "23456789";
        var chars = new char[16];
        for (var i = 0; i < chars.Length; i++)
        {
            var pool = i % 4 == 3 ? digits : letters;
            chars[i] = pool[RandomNumberGenerator.GetInt32(pool.Length)];
        }
        return new string(chars);
    }

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Information, "Applying {Count} database migrations ({Provider})")]
        public static partial void ApplyingMigrations(ILogger logger, int count, string provider);

        [LoggerMessage(1002, LogLevel.Warning, "Created the administrator account '{UserName}' on an empty database")]
        public static partial void AdministratorCreated(ILogger logger, string userName);
    }
}
