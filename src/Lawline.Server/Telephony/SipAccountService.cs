using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Sip;
using Lawline.Sip.Registrar;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Telephony;

/// <summary>A SIP account as the API and the pages show it: never its HA1 values.</summary>
public sealed record SipAccountDto(int Id, int PlatformId, string PlatformName, string Username, string? DisplayName,
    int? AgentId, string? AgentName, bool Enabled, string Realm, bool NeedsNewPassword,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset PasswordChangedAt);

public sealed record CreateSipAccountRequest(
    int PlatformId,
    [property: Required, RegularExpression(SipAccount.UsernamePattern, ErrorMessage = SipAccountService.UsernameRule)] string Username,
    [property: MaxLength(64)] string? DisplayName,
    int? AgentId,
    [property: Required, MinLength(8), MaxLength(128)] string Password);

public sealed record UpdateSipAccountRequest(
    int PlatformId,
    [property: MaxLength(64)] string? DisplayName,
    int? AgentId,
    bool Enabled = true);

public sealed record SetSipPasswordRequest([property: Required, MinLength(8), MaxLength(128)] string Password);

/// <summary>One registered device.</summary>
public sealed record SipRegistrationDto(string Username, int AccountId, int PlatformId, string Contact, string Source,
    string? UserAgent, DateTimeOffset RegisteredAt, DateTimeOffset ExpiresAt);

public sealed record SipTrunkStatusDto(string Name, string Host, int Port, bool Registers, DateTimeOffset? RegisteredUntil);

public sealed record TelephonyStatusDto(bool Enabled, bool Running, string Address, int Port, string? AdvertisedAddress, string Realm,
    int RtpPortMin, int RtpPortMax, int ActiveLegs, int Registrations, IReadOnlyList<SipTrunkStatusDto> Trunks);

/// <summary>
/// SIP accounts of the platforms the caller sees, and what the engine knows about them. Passwords are turned
/// into HA1 values for the configured realm at once and never stored, logged or returned.
/// </summary>
public sealed class SipAccountService(
    AppDbContext db,
    SipCredentialStore credentials,
    SipEngineHost host,
    IOptions<SipEngineOptions> options,
    TimeProvider clock)
{
    public const string UsernameRule = "An extension is 3–32 characters: digits, lower-case letters, '.', '_' or '-'.";

    private string Realm => options.Value.Realm;

    public async Task<List<SipAccountDto>> ListAsync(int? platformId, CancellationToken cancellationToken)
    {
        var accounts = db.SipAccounts.AsNoTracking();
        if (platformId is { } id)
        {
            accounts = accounts.Where(a => a.PlatformId == id);
        }
        return await Project(accounts.OrderBy(a => a.Username)).ToListAsync(cancellationToken);
    }

    public async Task<SipAccountDto> GetAsync(int id, CancellationToken cancellationToken)
        => await Project(db.SipAccounts.AsNoTracking().Where(a => a.Id == id)).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("SipAccount", id);

    public async Task<SipAccountDto> CreateAsync(CreateSipAccountRequest request, CancellationToken cancellationToken)
    {
        var username = request.Username.Trim();
        await CheckAsync(request.PlatformId, request.AgentId, cancellationToken);
        if (await db.SipAccounts.IgnoreQueryFilters().AnyAsync(a => a.Username == username, cancellationToken))
        {
            throw new ConflictException($"The extension '{username}' is taken.", "username");
        }
        var account = SipAccount.Create(request.PlatformId, username, Realm, request.Password, clock.GetUtcNow());
        account.DisplayName = Blank(request.DisplayName);
        account.AgentId = request.AgentId;
        db.SipAccounts.Add(account);
        await db.SaveChangesAsync(cancellationToken);
        credentials.Invalidate(username);
        return await GetAsync(account.Id, cancellationToken);
    }

    public async Task<SipAccountDto> UpdateAsync(int id, UpdateSipAccountRequest request, CancellationToken cancellationToken)
    {
        var account = await FindAsync(id, cancellationToken);
        await CheckAsync(request.PlatformId, request.AgentId, cancellationToken);
        var now = clock.GetUtcNow();
        account.PlatformId = request.PlatformId;
        account.DisplayName = Blank(request.DisplayName);
        account.AgentId = request.AgentId;
        account.SetEnabled(request.Enabled, now);
        if (db.Entry(account).State == EntityState.Modified)
        {
            account.Touch(now);
        }
        await db.SaveChangesAsync(cancellationToken);
        AfterChange(account);
        return await GetAsync(id, cancellationToken);
    }

    public async Task<SipAccountDto> SetPasswordAsync(int id, string password, CancellationToken cancellationToken)
    {
        var account = await FindAsync(id, cancellationToken);
        account.SetPassword(Realm, password, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        AfterChange(account);
        return await GetAsync(id, cancellationToken);
    }

    public async Task<SipAccountDto> SetEnabledAsync(int id, bool enabled, CancellationToken cancellationToken)
    {
        var account = await FindAsync(id, cancellationToken);
        account.SetEnabled(enabled, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        AfterChange(account);
        return await GetAsync(id, cancellationToken);
    }

    /// <summary>The devices registered for the accounts the caller sees.</summary>
    public async Task<List<SipRegistrationDto>> RegistrationsAsync(CancellationToken cancellationToken)
    {
        if (host.Engine is not { } engine)
        {
            return [];
        }
        var bindings = engine.Locations.All();
        if (bindings.Count == 0)
        {
            return [];
        }
        var visible = await db.SipAccounts.AsNoTracking()
            .Select(a => new { a.Id, a.PlatformId, a.Username })
            .ToDictionaryAsync(a => a.Username, StringComparer.OrdinalIgnoreCase, cancellationToken);
        return
        [
            .. from binding in bindings
               let user = UserOf(binding)
               where user is not null && visible.ContainsKey(user)
               let account = visible[user]
               orderby user, binding.RegisteredAt
               select new SipRegistrationDto(account.Username, account.Id, account.PlatformId, binding.Contact.ToString(),
                   binding.Source.ToString(), binding.UserAgent, binding.RegisteredAt, binding.ExpiresAt),
        ];
    }

    public TelephonyStatusDto Status()
    {
        var settings = options.Value;
        var engine = host.Engine;
        var registered = engine?.TrunkRegistrations ?? new Dictionary<string, DateTimeOffset>();
        var trunks = settings.Trunks
            .Select(t => new SipTrunkStatusDto(t.Name, t.Host, t.Port, t.Register, registered.TryGetValue(t.Name, out var until) ? until : null))
            .ToList();
        return engine is null
            ? new TelephonyStatusDto(host.Enabled, false, settings.Address, settings.Port, settings.AdvertisedAddress, settings.Realm,
                settings.RtpPortMin, settings.RtpPortMax, 0, 0, trunks)
            : new TelephonyStatusDto(true, true, engine.LocalEndPoint.Address.ToString(), engine.LocalEndPoint.Port, engine.AdvertisedAddress.ToString(),
                settings.Realm, settings.RtpPortMin, settings.RtpPortMax, engine.ActiveLegCount, engine.Locations.Count, trunks);
    }

    /// <summary>The user part of a binding's address of record, which is what the location service is keyed by.</summary>
    internal static string? UserOf(Binding binding)
        => Lawline.Sip.Messages.SipUri.TryParse(binding.AddressOfRecord, out var aor) ? LocationService.KeyFor(aor!) : null;

    private void AfterChange(SipAccount account)
    {
        credentials.Invalidate(account.Username);
        if (!account.Enabled)
        {
            // A disabled account's phones stop receiving calls at once, not when their registration runs out.
            host.Engine?.Locations.RemoveAll(account.Username);
        }
    }

    private async Task<SipAccount> FindAsync(int id, CancellationToken cancellationToken)
        => await db.SipAccounts.AsTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
            ?? throw new NotFoundException("SipAccount", id);

    private async Task CheckAsync(int platformId, int? agentId, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!await db.Platforms.AnyAsync(p => p.Id == platformId, cancellationToken))
        {
            errors["platformId"] = ["The platform does not exist or is outside your scope."];
        }
        else if (agentId is { } agent && !await db.Agents.AnyAsync(a => a.Id == agent && a.PlatformId == platformId, cancellationToken))
        {
            errors["agentId"] = ["The agent does not exist on this platform."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private IQueryable<SipAccountDto> Project(IQueryable<SipAccount> accounts)
    {
        var realm = Realm;
        return accounts.Select(a => new SipAccountDto(a.Id, a.PlatformId, a.Platform!.Name, a.Username, a.DisplayName, a.AgentId,
            a.Agent != null ? a.Agent.Name : null, a.Enabled, a.Realm, a.Realm != realm, a.CreatedAt, a.UpdatedAt, a.PasswordChangedAt));
    }
}
