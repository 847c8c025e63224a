using System.Net;
using Lawline.Sip;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Telephony;

/// <summary>
/// Whether this node runs the SIP engine (section <c>Sip</c>, key <c>Enabled</c>). The engine's own settings
/// live in <see cref="SipEngineOptions"/>, bound from the same section: that class belongs to the engine
/// library, which knows nothing of hosts that leave it switched off (tests, a web-only node).
/// </summary>
public sealed class TelephonyOptions
{
    public const string Section = SipEngineOptions.Section;

    public bool Enabled { get; set; } = true;
}

/// <summary>Checks the engine's settings at start-up with messages that name the configuration key to change.</summary>
internal sealed class SipEngineOptionsValidator(IOptions<TelephonyOptions> telephony) : IValidateOptions<SipEngineOptions>
{
    public ValidateOptionsResult Validate(string? name, SipEngineOptions options)
    {
        if (!telephony.Value.Enabled)
        {
            return ValidateOptionsResult.Skip;
        }
        var failures = new List<string>();
        if (!IPAddress.TryParse(options.Address, out _))
        {
            failures.Add($"Sip:Address '{options.Address}' is not an IP address; use 0.0.0.0 to listen on every interface.");
        }
        if (!string.IsNullOrWhiteSpace(options.AdvertisedAddress) && !IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            failures.Add($"Sip:AdvertisedAddress '{options.AdvertisedAddress}' is not an IP address (the public address phones and carriers reach).");
        }
        if (options.RtpPortMin % 2 != 0)
        {
            failures.Add($"Sip:RtpPortMin ({options.RtpPortMin}) must be even: RTP takes the even port of a pair and RTCP the odd one above it.");
        }
        if (options.RtpPortMin >= options.RtpPortMax)
        {
            failures.Add($"Sip:RtpPortMin ({options.RtpPortMin}) must be below Sip:RtpPortMax ({options.RtpPortMax}).");
        }
        if (options.Port != 0 && options.Port >= options.RtpPortMin && options.Port <= options.RtpPortMax)
        {
            failures.Add($"Sip:Port ({options.Port}) lies inside the RTP range Sip:RtpPortMin–Sip:RtpPortMax ({options.RtpPortMin}–{options.RtpPortMax}).");
        }
        if (string.IsNullOrWhiteSpace(options.Realm) || options.Realm.Contains('"', StringComparison.Ordinal))
        {
            failures.Add("Sip:Realm must be a non-empty name without quotes.");
        }
        if (options.MinRegisterExpires > options.MaxRegisterExpires)
        {
            failures.Add($"Sip:MinRegisterExpires ({options.MinRegisterExpires}) must not exceed Sip:MaxRegisterExpires ({options.MaxRegisterExpires}).");
        }
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Trunks.Count; i++)
        {
            var trunk = options.Trunks[i];
            var key = $"Sip:Trunks:{i}";
            if (string.IsNullOrWhiteSpace(trunk.Name))
            {
                failures.Add($"{key}:Name is required.");
            }
            else if (!names.Add(trunk.Name))
            {
                failures.Add($"{key}:Name '{trunk.Name}' is used by another trunk.");
            }
            if (string.IsNullOrWhiteSpace(trunk.Host))
            {
                failures.Add($"{key}:Host is required (the carrier's or gateway's address).");
            }
            if (trunk.Port is < 1 or > 65535)
            {
                failures.Add($"{key}:Port ({trunk.Port}) must be 1–65535.");
            }
            if (trunk.Register && (string.IsNullOrWhiteSpace(trunk.Username) || string.IsNullOrEmpty(trunk.Password)))
            {
                failures.Add($"{key}: a trunk with Register=true needs Username and Password.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
