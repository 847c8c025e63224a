using Lawline.Server.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Lawline.Server.Tests.Infrastructure;

/// <summary>
/// The real Lawline host on a throwaway database of the given provider, with a fake clock and a known
/// administrator password. Start one with <see cref="StartAsync(DatabaseProvider)"/>.
/// </summary>
public sealed class LawlineFactory : WebApplicationFactory<Program>
{
    public const string AdminUserName = DatabaseInitializer.AdminUserName;
    public const string AdminPassword = "Admin-Pass-2468";

    private static int s_rtpBlock;

    private readonly bool _ownsDatabase;
    private readonly Dictionary<string, string?> _settings;

    public LawlineFactory(TestDatabase database, bool ownsDatabase, IReadOnlyDictionary<string, string?>? settings = null)
    {
        Database = database;
        _ownsDatabase = ownsDatabase;
        // SIP is off unless a test asks for it (Sip:Enabled=true). When on, the engine listens on loopback on a
        // port the system picks, and each server gets its own block of RTP ports, so parallel servers never collide.
        var block = Interlocked.Increment(ref s_rtpBlock) % 100;
        _settings = new Dictionary<string, string?>
        {
            ["Sip:Enabled"] = "false",
            ["Sip:Address"] = "127.0.0.1",
            ["Sip:Port"] = "0",
            ["Sip:RtpPortMin"] = (40000 + block * 200).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Sip:RtpPortMax"] = (40000 + block * 200 + 199).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
        // The real clock's "now", so that ASP.NET Core Identity (which reads the system clock for lockouts)
        // and the app agree; tests move this clock forward when time matters.
        if (_settings.GetValueOrDefault(KestrelPortSetting) is { } port)
        {
            // Outside processes (an SMS gateway's delivery reports) need a real socket, not the in-memory test server.
            UseKestrel(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
            ClientOptions.BaseAddress = new Uri($"http://127.0.0.1:{port}");
            UsesKestrel = true;
        }
        Clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        Clock.SetLocalTimeZone(TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
    }

    public TestDatabase Database { get; }

    public DatabaseProvider Provider => Database.Provider;

    public FakeTimeProvider Clock { get; }

    /// <summary>A setting that serves the app on this loopback port with Kestrel (CreateClient then talks to it over TCP).</summary>
    public const string KestrelPortSetting = "Test:KestrelPort";

    public bool UsesKestrel { get; }

    /// <summary>A setting that keeps the system clock in the app (for calls with real phones).</summary>
    public const string SystemClockSetting = "Test:SystemClock";

    /// <summary>A fresh installation: its own database, started (migrated, administrator created).</summary>
    public static async Task<LawlineFactory> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null)
        => await StartAsync(await TestDatabase.CreateAsync(provider), ownsDatabase: true, settings);

    /// <summary>Starts an app instance on existing storage (e.g. a second start on the same database).</summary>
    public static async Task<LawlineFactory> StartAsync(TestDatabase database, bool ownsDatabase, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new LawlineFactory(database, ownsDatabase, settings);
        try
        {
            // Builds and starts the host (migrations, first-start initialisation) off the test's thread.
            if (factory.UsesKestrel)
            {
                await Task.Run(factory.StartServer);
            }
            else
            {
                await Task.Run(() => factory.Server);
            }
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
        return factory;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in Database.Settings.Concat(_settings))
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting(DatabaseInitializer.AdminPasswordVariable, AdminPassword);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Warning");
        // The exception handler logs 500s at Error: keep those visible, silence the expected 4xx noise.
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Error");
        // Calls with real phones need real time: the media clock paces audio every 20 ms ("Test:SystemClock").
        if (!string.Equals(_settings.GetValueOrDefault(SystemClockSetting), "true", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Clock);
            });
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }
}
