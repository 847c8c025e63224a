using Lawline.Server.Data;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Lawline.Server.Tests.Browser;

/// <summary>
/// The real Lawline host on a real Kestrel port (a browser needs a socket, not the in-memory test server),
/// on a throwaway SQLite database filled with the demo data, with a known administrator password.
/// </summary>
public sealed class BrowserApp : WebApplicationFactory<Program>
{
    public const string AdminUserName = DatabaseInitializer.AdminUserName;
    public const string AdminPassword = "Admin-Browser-2468";

    private readonly TestDatabase _database;
    private readonly bool _telephony;

    private BrowserApp(TestDatabase database, bool telephony)
    {
        _database = database;
        _telephony = telephony;
        UseKestrel(0);
    }

    public Uri BaseAddress { get; private set; } = default!;

    /// <param name="telephony">Run the SIP engine too (on loopback, on a port the system picks).</param>
    public static async Task<BrowserApp> StartAsync(bool telephony = false)
    {
        var app = new BrowserApp(await TestDatabase.CreateAsync(DatabaseProvider.Sqlite), telephony);
        try
        {
            // Migrates, creates the administrator and seeds the demo data before it listens.
            await Task.Run(app.StartServer);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            app.BaseAddress = new Uri(address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    /// <summary>Debian's Chromium, headless; the fonts-wqy-microhei package draws the Chinese text.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

    /// <summary>artifacts/screenshots in the repository (git-ignored), for a person to look at after a run.</summary>
    public static string ScreenshotDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Lawline.slnx")))
        {
            directory = directory.Parent;
        }
        var path = Path.Combine(directory?.FullName ?? Path.GetTempPath(), "artifacts", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _database.Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting(DatabaseInitializer.AdminPasswordVariable, AdminPassword);
        builder.UseSetting("Lawline:Demo", "true");
        builder.UseSetting("Sip:Enabled", _telephony ? "true" : "false");
        builder.UseSetting("Sip:Address", "127.0.0.1");
        builder.UseSetting("Sip:Port", "0");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Error");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }
}
