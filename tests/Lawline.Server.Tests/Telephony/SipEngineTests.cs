using System.Net;
using System.Net.Sockets;
using Lawline.Server.Data;
using Lawline.Server.Telephony;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Sip;
using Lawline.Sip.Registrar;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Tests.Telephony;

/// <summary>One installation per provider with the SIP engine running on loopback, shared by the tests of a class.</summary>
public sealed class SipInstallations : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, string?> Sip = new Dictionary<string, string?> { ["Sip:Enabled"] = "true" };

    private readonly Dictionary<DatabaseProvider, Lazy<Task<LawlineFactory>>> _factories = Enum.GetValues<DatabaseProvider>()
        .ToDictionary(p => p, p => new Lazy<Task<LawlineFactory>>(() => LawlineFactory.StartAsync(p, Sip)));

    public Task<LawlineFactory> GetAsync(DatabaseProvider provider) => _factories[provider].Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var factory in _factories.Values.Where(f => f.IsValueCreated && f.Value.IsCompletedSuccessfully))
        {
            await (await factory.Value).DisposeAsync();
        }
    }
}

/// <summary>The server hosting the SIP engine: real phones' REGISTERs (UDP, digest) against accounts made through the API.</summary>
public sealed class SipEngineTests(SipInstallations installations) : IClassFixture<SipInstallations>
{
    private const string Password = "phone-secret-42";

    private static IPEndPoint EngineEndPoint(LawlineFactory factory)
        => factory.Services.GetRequiredService<SipEngine>().LocalEndPoint;

    [Fact]
    public async Task The_engine_answers_OPTIONS_with_200()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        var engine = EngineEndPoint(factory);
        Assert.Equal(IPAddress.Loopback, engine.Address);
        Assert.NotEqual(0, engine.Port);

        using var phone = new SipTestPhone(engine);
        var response = await phone.OptionsAsync();

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("REGISTER", response.Headers["Allow"]);
    }

    [Theory, DatabaseData]
    public async Task A_phone_registers_with_the_accounts_password_and_shows_up_in_registrations(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var account = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts",
            new CreateSipAccountRequest(platform.Id, SipAccountApiTests.Extension(), "一号席", null, Password));
        var notifier = factory.Services.GetRequiredService<RegistrationNotifier>();
        var registered = new TaskCompletionSource<SipRegistrationChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = notifier.Subscribe(change =>
        {
            if (change.Username == account.Username && change.Change == RegistrationChange.Registered)
            {
                registered.TrySetResult(change);
            }
            return Task.CompletedTask;
        });

        using var phone = new SipTestPhone(EngineEndPoint(factory));
        var response = await phone.RegisterAsync(account.Username, Password);

        Assert.Equal(200, response.StatusCode);
        var registrations = await admin.GetOkAsync<List<SipRegistrationDto>>("/api/telephony/registrations");
        var device = Assert.Single(registrations, r => r.Username == account.Username);
        Assert.Equal(account.Id, device.AccountId);
        Assert.Equal(platform.Id, device.PlatformId);
        Assert.Equal(phone.LocalEndPoint.ToString(), device.Source);
        Assert.Equal(phone.UserAgent, device.UserAgent);
        Assert.True(device.ExpiresAt > factory.Clock.GetUtcNow());

        // The watcher passes the change on with the account it belongs to.
        var change = await registered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(account.Id, change.AccountId);
        Assert.Equal(1, change.DevicesRegistered);

        var status = await admin.GetOkAsync<TelephonyStatusDto>("/api/telephony/status");
        Assert.True(status.Running);
        Assert.Equal(EngineEndPoint(factory).Port, status.Port);
        Assert.True(status.Registrations >= 1);
    }

    [Theory, DatabaseData]
    public async Task A_wrong_password_or_a_disabled_account_does_not_register(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var account = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts",
            new CreateSipAccountRequest(platform.Id, SipAccountApiTests.Extension(), null, null, Password));
        using var phone = new SipTestPhone(EngineEndPoint(factory));

        Assert.Equal(403, (await phone.RegisterAsync(account.Username, "wrong-password")).StatusCode);
        Assert.Equal(403, (await phone.RegisterAsync("7" + account.Username, Password)).StatusCode);
        Assert.DoesNotContain(await admin.GetOkAsync<List<SipRegistrationDto>>("/api/telephony/registrations"), r => r.Username == account.Username);

        // Registered, then disabled: the registration is dropped at once and the phone cannot register again.
        Assert.Equal(200, (await phone.RegisterAsync(account.Username, Password)).StatusCode);
        Assert.Contains(await admin.GetOkAsync<List<SipRegistrationDto>>("/api/telephony/registrations"), r => r.Username == account.Username);
        await admin.PostOkAsync<SipAccountDto>($"/api/telephony/accounts/{account.Id}/disable", null, HttpStatusCode.OK);
        Assert.DoesNotContain(await admin.GetOkAsync<List<SipRegistrationDto>>("/api/telephony/registrations"), r => r.Username == account.Username);
        Assert.Equal(403, (await phone.RegisterAsync(account.Username, Password)).StatusCode);

        // A new password takes effect at once (the credential cache is invalidated), the old one stops working.
        await admin.PostOkAsync<SipAccountDto>($"/api/telephony/accounts/{account.Id}/enable", null, HttpStatusCode.OK);
        await admin.PostOkAsync<SipAccountDto>($"/api/telephony/accounts/{account.Id}/password", new SetSipPasswordRequest("new-phone-secret-9"), HttpStatusCode.OK);
        Assert.Equal(403, (await phone.RegisterAsync(account.Username, Password)).StatusCode);
        Assert.Equal(200, (await phone.RegisterAsync(account.Username, "new-phone-secret-9")).StatusCode);
    }

    [Fact]
    public async Task Registrations_are_scoped_to_the_accounts_the_caller_sees()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var (_, a, b) = await admin.CreateCityWithDistrictsAsync();
        var ofA = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts",
            new CreateSipAccountRequest(a.Id, SipAccountApiTests.Extension(), null, null, Password));
        var ofB = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts",
            new CreateSipAccountRequest(b.Id, SipAccountApiTests.Extension(), null, null, Password));
        using var phoneA = new SipTestPhone(EngineEndPoint(factory));
        using var phoneB = new SipTestPhone(EngineEndPoint(factory));
        Assert.Equal(200, (await phoneA.RegisterAsync(ofA.Username, Password)).StatusCode);
        Assert.Equal(200, (await phoneB.RegisterAsync(ofB.Username, Password)).StatusCode);

        using var managerA = await factory.CreateUserAndSignInAsync(admin, a.Id, Lawline.Server.Security.LawlineRoles.PlatformManager);
        var seen = (await managerA.GetOkAsync<List<SipRegistrationDto>>("/api/telephony/registrations")).Select(r => r.Username).ToList();

        Assert.Contains(ofA.Username, seen);
        Assert.DoesNotContain(ofB.Username, seen);
    }

    [Fact]
    public async Task Credentials_are_cached_until_the_account_changes_or_a_minute_passes()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var account = await admin.PostOkAsync<SipAccountDto>("/api/telephony/accounts",
            new CreateSipAccountRequest(platform.Id, SipAccountApiTests.Extension(), null, null, Password));
        using var phone = new SipTestPhone(EngineEndPoint(factory));
        Assert.Equal(200, (await phone.RegisterAsync(account.Username, Password)).StatusCode);

        // Disabled behind the service's back (as another app node would): the registrar still answers from its cache...
        await DisableInDatabaseAsync(factory, account.Id);
        Assert.Equal(200, (await phone.RegisterAsync(account.Username, Password)).StatusCode);

        // ...for at most a minute.
        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(403, (await phone.RegisterAsync(account.Username, Password)).StatusCode);
    }

    private static async Task DisableInDatabaseAsync(LawlineFactory factory, int accountId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Lawline.Server.Security.CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.SipAccounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(set => set.SetProperty(a => a.Enabled, false));
    }

    [Fact]
    public async Task A_taken_port_fails_start_up_with_a_message_naming_the_port_and_the_setting()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        var settings = new Dictionary<string, string?>(SipInstallations.Sip) { ["Sip:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => LawlineFactory.StartAsync(DatabaseProvider.Sqlite, settings));

        var message = Flatten(failure);
        Assert.Contains($"127.0.0.1:{port}", message);
        Assert.Contains("already in use", message);
        Assert.Contains("Sip:Port", message);
    }

    [Fact]
    public async Task Inconsistent_sip_settings_fail_start_up_naming_the_keys()
    {
        var settings = new Dictionary<string, string?>(SipInstallations.Sip)
        {
            ["Sip:RtpPortMin"] = "30001",
            ["Sip:RtpPortMax"] = "30000",
            ["Sip:Address"] = "not-an-address",
            ["Sip:Trunks:0:Name"] = "carrier",
            ["Sip:Trunks:0:Host"] = "",
        };

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => LawlineFactory.StartAsync(DatabaseProvider.Sqlite, settings));

        var message = Flatten(failure);
        Assert.Contains("Sip:RtpPortMin (30001) must be even", message);
        Assert.Contains("Sip:RtpPortMin (30001) must be below Sip:RtpPortMax (30000)", message);
        Assert.Contains("Sip:Address 'not-an-address'", message);
        Assert.Contains("Sip:Trunks:0:Host is required", message);
    }

    [Fact]
    public async Task Stopping_the_server_stops_the_engine_and_frees_its_port()
    {
        var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite, SipInstallations.Sip);
        var endPoint = EngineEndPoint(factory);
        Assert.True(factory.Services.GetRequiredService<IOptions<TelephonyOptions>>().Value.Enabled);

        await factory.DisposeAsync();

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(endPoint);
    }

    private static string Flatten(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                messages.AddRange(aggregate.InnerExceptions.Select(Flatten));
            }
        }
        return string.Join(" | ", messages);
    }
}
