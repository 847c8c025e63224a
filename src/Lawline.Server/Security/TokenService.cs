using System.Security.Claims;
using System.Security.Cryptography;
using Lawline.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Lawline.Server.Security;

/// <summary>
/// Issues and validates the API's bearer tokens (signed JWTs). The signing key is generated on first use
/// and kept in the data directory, never in configuration files or the repository.
/// </summary>
public sealed class TokenService
{
    public const string Issuer = "lawline";
    public const string Audience = "lawline-api";

    private readonly TimeProvider _clock;
    private readonly TimeSpan _lifetime;

    public TokenService(IOptions<LawlineOptions> options, TimeProvider clock)
    {
        _clock = clock;
        _lifetime = options.Value.AccessTokenLifetime;
        var keyFile = Path.Combine(options.Value.ResolveDataDirectory(), "keys", "token-signing.key");
        SigningKey = new SymmetricSecurityKey(LoadOrCreateKey(keyFile));
    }

    public SymmetricSecurityKey SigningKey { get; }

    public (string Token, DateTimeOffset ExpiresAt) Issue(ClaimsPrincipal principal)
    {
        var now = _clock.GetUtcNow();
        var expires = now + _lifetime;
        var claims = principal.Claims
            .Where(c => c.Type is ClaimTypes.NameIdentifier or ClaimTypes.Name or ClaimTypes.Role
                or LawlineClaims.Platform or LawlineClaims.DisplayName)
            .GroupBy(c => c.Type)
            .ToDictionary(g => g.Key, g => g.Count() == 1 && g.Key != ClaimTypes.Role
                ? (object)g.First().Value
                : g.Select(c => c.Value).ToArray());
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        };
        return (new JsonWebTokenHandler().CreateToken(descriptor), expires);
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = SigningKey,
        NameClaimType = ClaimTypes.Name,
        RoleClaimType = ClaimTypes.Role,
        ClockSkew = TimeSpan.FromSeconds(30),
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            var now = _clock.GetUtcNow().UtcDateTime;
            return (notBefore is null || notBefore <= now.AddSeconds(30)) && expires is not null && expires > now;
        },
    };

    private static byte[] LoadOrCreateKey(string keyFile)
    {
        if (File.Exists(keyFile))
        {
            return Convert.FromBase64String(File.ReadAllText(keyFile).Trim());
        }
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
        var key = RandomNumberGenerator.GetBytes(64);
        File.WriteAllText(keyFile, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return key;
    }
}

/// <summary>Adds the platform and display-name claims to the sign-in cookie and to tokens.</summary>
internal sealed class LawlineClaimsFactory(
    UserManager<AppUser> users,
    RoleManager<IdentityRole<int>> roles,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole<int>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(LawlineClaims.DisplayName, user.DisplayName));
        if (user.PlatformId is { } platformId)
        {
            identity.AddClaim(new Claim(LawlineClaims.Platform, platformId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return identity;
    }
}
