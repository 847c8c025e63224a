using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Sms;

/// <summary>One message as the gateway gets it.</summary>
public sealed record SmsOutgoing(long Id, string To, string Text);

/// <summary>The gateway's answer. <paramref name="Permanent"/> failures are not retried (bad credentials, a refused number).</summary>
public sealed record SmsGatewayResult(bool Accepted, string? Reply, string? Error, bool Permanent = false)
{
    public static SmsGatewayResult Ok(string? reply) => new(true, reply, null);

    public static SmsGatewayResult Transient(string error) => new(false, null, error);

    public static SmsGatewayResult Refused(string error) => new(false, null, error, Permanent: true);
}

/// <summary>Hands messages to an SMS gateway. Delivery reports come back on their own (see <see cref="SmsFeature"/>).</summary>
public interface ISmsGateway
{
    Task<SmsGatewayResult> SendAsync(SmsOutgoing message, CancellationToken cancellationToken);
}

/// <summary>
/// Kannel's HTTP sendsms interface (smsbox, <c>/cgi-bin/sendsms</c>). The text goes as UTF-8 with <c>coding=2</c>, so
/// Kannel sends it as UCS-2 and splits it into concatenated parts (the sendsms-user needs <c>max-messages</c> &gt; 1);
/// <c>dlr-mask=31</c> asks for every delivery report (1 delivered, 2 undeliverable, 4 queued at the SMSC, 8 accepted by
/// the SMSC, 16 refused by the SMSC), which Kannel fetches from <c>dlr-url</c> with <c>%d</c> replaced by the type.
/// </summary>
public sealed class KannelSmsGateway(HttpClient http, IOptionsMonitor<SmsOptions> options) : ISmsGateway
{
    public async Task<SmsGatewayResult> SendAsync(SmsOutgoing message, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var url = BuildUrl(settings, message);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.SendTimeout);
        try
        {
            using var response = await http.GetAsync(url, timeout.Token);
            var body = (await response.Content.ReadAsStringAsync(timeout.Token)).Trim();
            if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
            {
                // "0: Accepted for delivery", or "3: Queued for later delivery" when the SMSC is down (Kannel keeps it).
                return SmsGatewayResult.Ok(Truncate(body));
            }
            var error = $"Kannel answered {(int)response.StatusCode}: {Truncate(body)}";
            // 4xx is a refusal of this request (credentials, a missing field, a number Kannel won't route): retrying
            // won't help. 5xx (e.g. 503 when bearerbox is down) is the gateway's trouble: retry.
            return (int)response.StatusCode is >= 400 and < 500 and not 408 and not 429
                ? SmsGatewayResult.Refused(error)
                : SmsGatewayResult.Transient(error);
        }
        catch (HttpRequestException exception)
        {
            return SmsGatewayResult.Transient($"Kannel unreachable: {exception.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SmsGatewayResult.Transient($"Kannel did not answer within {settings.SendTimeout.TotalSeconds:0} s.");
        }
    }

    internal static string BuildUrl(SmsOptions settings, SmsOutgoing message)
    {
        var dlr = $"{settings.CallbackBaseUrl!.TrimEnd('/')}/api/sms/dlr?id={message.Id.ToString(CultureInfo.InvariantCulture)}"
            + $"&token={Uri.EscapeDataString(settings.DeliveryReportToken ?? "")}&status=%d&answer=%A";
        var query = new StringBuilder(settings.GatewayUrl!.TrimEnd('/')).Append("/cgi-bin/sendsms?");
        Append(query, "username", settings.Username);
        Append(query, "password", settings.Password);
        Append(query, "from", settings.SenderNumber);
        Append(query, "to", message.To);
        Append(query, "text", message.Text);
        Append(query, "charset", "UTF-8");
        Append(query, "coding", "2");
        Append(query, "smsc", settings.SmscId);
        Append(query, "dlr-mask", "31");
        Append(query, "dlr-url", dlr);
        return query.ToString().TrimEnd('&');
    }

    private static void Append(StringBuilder query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Append(name).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
        }
    }

    private static string Truncate(string text) => text.Length <= 100 ? text : text[..100];
}
