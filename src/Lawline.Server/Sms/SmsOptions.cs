using System.ComponentModel.DataAnnotations;

namespace Lawline.Server.Sms;

/// <summary>The <c>Sms</c> section: the Kannel gateway, rate limits and retries.</summary>
public sealed class SmsOptions : IValidatableObject
{
    public const string Section = "Sms";

    /// <summary>Send through the gateway. When false, messages are still recorded (and blocked by the rules) but stay queued.</summary>
    public bool Enabled { get; set; }

    /// <summary>Kannel smsbox's sendsms listener, e.g. <c>http://127.0.0.1:13013</c>.</summary>
    public string? GatewayUrl { get; set; }

    /// <summary>A <c>sendsms-user</c> of the smsbox.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender number (<c>from</c>), e.g. the platform's 12348 short code or a 106 service number.</summary>
    public string? SenderNumber { get; set; }

    /// <summary>Route through one SMSC of the bearerbox (its <c>smsc-id</c>); empty lets Kannel choose.</summary>
    public string? SmscId { get; set; }

    /// <summary>This server's address as Kannel reaches it, for delivery reports, e.g. <c>http://10.0.0.5:5000</c>.</summary>
    public string? CallbackBaseUrl { get; set; }

    /// <summary>Shared secret in the delivery-report URL; the endpoint is anonymous (Kannel has no credentials) and checks it.</summary>
    public string? DeliveryReportToken { get; set; }

    /// <summary>Messages a number may receive in 24 hours; the next ones are blocked.</summary>
    [Range(1, 1000)]
    public int MaxPerNumberPerDay { get; set; } = 5;

    /// <summary>Shortest gap between two messages to the same number; 0 for none.</summary>
    [Range(0, 86400)]
    public int MinIntervalSeconds { get; set; } = 60;

    /// <summary>Calls to the gateway before a message is given up as failed.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait after the first failure; doubled after each further one, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the sender looks for due messages when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for the gateway's answer; a claim on a message expires after twice this.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    [Range(1, 1000)]
    public int BatchSize { get; set; } = 20;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult("Sms:RetryBaseDelay must be positive and not above Sms:RetryMaxDelay.", [nameof(RetryBaseDelay)]);
        }
        if (PollInterval <= TimeSpan.Zero || SendTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Sms:PollInterval and Sms:SendTimeout must be positive.", [nameof(PollInterval)]);
        }
        if (!Enabled)
        {
            yield break;
        }
        if (!Uri.TryCreate(GatewayUrl, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult("Sms:GatewayUrl must be the http(s) address of Kannel's sendsms port when Sms:Enabled is true.", [nameof(GatewayUrl)]);
        }
        if (string.IsNullOrWhiteSpace(Username) || string.IsNullOrWhiteSpace(Password))
        {
            yield return new ValidationResult("Sms:Username and Sms:Password (a Kannel sendsms-user) are required when Sms:Enabled is true.", [nameof(Username)]);
        }
        if (!Uri.TryCreate(CallbackBaseUrl, UriKind.Absolute, out var callback) || callback.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult("Sms:CallbackBaseUrl must be this server's http(s) address as Kannel reaches it (for delivery reports).", [nameof(CallbackBaseUrl)]);
        }
        if (string.IsNullOrEmpty(DeliveryReportToken) || DeliveryReportToken.Length < 16)
        {
            yield return new ValidationResult("Sms:DeliveryReportToken must be a secret of at least 16 characters when Sms:Enabled is true.", [nameof(DeliveryReportToken)]);
        }
    }

    /// <summary>Exponential back-off: base, 2×base, 4×base… capped.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(RetryBaseDelay.Ticks * factor, RetryMaxDelay.Ticks));
        return delay;
    }
}
