using System.ComponentModel.DataAnnotations;
using Lawline.Sip.Transactions;

namespace Lawline.Sip;

/// <summary>Configuration of the engine (section <c>Sip</c> in the host).</summary>
public sealed class SipEngineOptions
{
    public const string Section = "Sip";

    /// <summary>Address to listen on; all interfaces by default.</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>UDP port for SIP; 0 picks a free one (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 5060;

    /// <summary>The address put in Via, Contact and SDP when listening on all interfaces or behind NAT.</summary>
    public string? AdvertisedAddress { get; set; }

    [Range(1024, 65534)]
    public int RtpPortMin { get; set; } = 20000;

    [Range(1025, 65535)]
    public int RtpPortMax { get; set; } = 30000;

    /// <summary>Digest realm for agents' phones.</summary>
    [Required]
    public string Realm { get; set; } = "lawline";

    public string UserAgent { get; set; } = "Lawline";

    /// <summary>
    /// Also challenge with SHA-256 (RFC 7616), listed first. Off by default: many phones and sipp answer only the
    /// first challenge and fail when it is not MD5.
    /// </summary>
    public bool DigestSha256 { get; set; }

    /// <summary>RFC 3261 §10.3: registrations are clamped to [MinExpires, MaxExpires]; short expiries keep NAT bindings alive.</summary>
    [Range(10, 86400)]
    public int MinRegisterExpires { get; set; } = 60;

    [Range(60, 86400)]
    public int MaxRegisterExpires { get; set; } = 3600;

    public int DefaultRegisterExpires { get; set; } = 600;

    /// <summary>OPTIONS keep-alive interval for registered phones (0 disables); unreachable phones are dropped.</summary>
    public int KeepAliveSeconds { get; set; } = 30;

    public int KeepAliveMaxFailures { get; set; } = 3;

    /// <summary>RFC 4028: session interval granted to callers that ask for timers; Min-SE below which we answer 422.</summary>
    public int SessionExpiresSeconds { get; set; } = 1800;

    public int MinSessionExpiresSeconds { get; set; } = 90;

    /// <summary>Hang up an answered, unheld leg when no RTP arrived for this long (0 disables).</summary>
    public int MediaTimeoutSeconds { get; set; } = 60;

    /// <summary>WAV played to a caller whose agent put them on hold; a generated tone when absent.</summary>
    public string? MusicOnHoldPath { get; set; }

    public SipTimerSettings Timers { get; set; } = new();

    public List<SipTrunkOptions> Trunks { get; set; } = [];
}

/// <summary>An outbound SIP trunk (carrier, 12345 gateway, PBX): IP-authenticated or registering with digest.</summary>
public sealed class SipTrunkOptions
{
    [Required]
    public string Name { get; set; } = "";

    [Required]
    public string Host { get; set; } = "";

    public int Port { get; set; } = 5060;

    /// <summary>Digest user for INVITE challenges and registration; empty for IP-authenticated trunks.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Register to the trunk (carrier registration mode) and keep the registration refreshed.</summary>
    public bool Register { get; set; }

    public int RegisterExpires { get; set; } = 600;

    /// <summary>The domain in From and Request-URI; the host when empty.</summary>
    public string? Domain { get; set; }

    /// <summary>The number presented on outbound calls when the caller's number must not be shown (the hotline's number).</summary>
    public string? CallerNumber { get; set; }
}
