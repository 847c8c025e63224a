using System.Security.Cryptography;
using System.Text;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Sms;

/// <summary>
/// Messages citizens send to the hotline's number (MO), which Kannel's smsbox forwards with an sms-service get-url:
/// <c>/api/sms/mo?token=…&amp;from=%p&amp;to=%P&amp;text=%b&amp;coding=%c</c>. An unsubscribe word (退订) opts the number out
/// and sends one confirmation; any other text is logged as a reply.
/// </summary>
public static partial class SmsInbound
{
    /// <summary>What a citizen writes to stop the messages, trimmed and compared without case.</summary>
    public static readonly IReadOnlyList<string> UnsubscribeWords = ["TD", "T", "退订", "取消"];

    public const string Confirmation = "您已成功退订，将不再收到本热线的短信。如需帮助请拨打12348。";

    public static bool IsUnsubscribe(string text)
        => UnsubscribeWords.Any(w => string.Equals(w, text.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The text as the handset wrote it. Kannel's %b is the message's bytes, URL-encoded; %c says how they are coded
    /// (2 = UCS-2, big-endian). The raw query is decoded here because ASP.NET would read the bytes as UTF-8.
    /// </summary>
    public static string DecodeText(string? rawQuery)
    {
        var parameters = (rawQuery ?? string.Empty).TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal);
        var bytes = System.Web.HttpUtility.UrlDecodeToBytes(parameters.GetValueOrDefault("text") ?? string.Empty);
        return parameters.GetValueOrDefault("coding") == "2" ? Encoding.BigEndianUnicode.GetString(bytes) : Encoding.UTF8.GetString(bytes);
    }

    internal static async Task<IResult> ReceiveAsync(HttpContext http, string? token, string? from, IOptionsMonitor<SmsOptions> options,
        IServiceScopeFactory scopes, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var expected = options.CurrentValue.DeliveryReportToken;
        if (string.IsNullOrEmpty(expected) || token is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(expected)))
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
        // Kannel passes an international sender with or without its plus (8613912345678).
        var sender = from?.Trim();
        if (sender is { Length: 13 } && sender.StartsWith("86", StringComparison.Ordinal) && sender.All(char.IsAsciiDigit))
        {
            sender = "+" + sender;
        }
        if (!PhoneNumberFormatter.TryNormalize(sender, out var number))
        {
            return Results.BadRequest("from is not a phone number.");
        }
        var text = DecodeText(http.Request.QueryString.Value);
        var log = loggers.CreateLogger("Lawline.Server.Sms.SmsInbound");
        if (!IsUnsubscribe(text))
        {
            LogReply(log, number!.Masked, text.Length > 200 ? text[..200] : text);
            return Results.Text(string.Empty);
        }
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("sms-mo");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<SmsOutbox>();
        await using var transaction = await db.BeginWriteAsync(ct);
        var e164 = number!.E164;
        if (!await db.SmsOptOuts.AnyAsync(o => o.PhoneE164 == e164, ct))
        {
            // The confirmation goes out from the platform that last wrote to the number (or the first platform).
            var platformId = await db.SmsMessages.IgnoreQueryFilters().Where(m => m.To == e164).OrderByDescending(m => m.Id)
                .Select(m => (int?)m.PlatformId).FirstOrDefaultAsync(ct)
                ?? await db.Platforms.IgnoreQueryFilters().OrderBy(p => p.Id).Select(p => p.Id).FirstAsync(ct);
            var platformName = await db.Platforms.IgnoreQueryFilters().Where(p => p.Id == platformId).Select(p => p.Name).SingleAsync(ct);
            // Queued before the opt-out is saved, so this one message is not blocked by it.
            await outbox.EnqueueAsync(new SmsRequest(platformId, e164, SmsPurpose.Other, Text: $"【{platformName}】{Confirmation}"), ct);
            db.SmsOptOuts.Add(new SmsOptOut { PhoneE164 = e164, Since = time.GetUtcNow(), Reason = $"短信退订：{text.Trim()}" });
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        LogOptOut(log, number.Masked);
        return Results.Text(string.Empty);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "SMS reply from {Number}: {Text}")]
    private static partial void LogReply(ILogger logger, string number, string text);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "{Number} unsubscribed by SMS (退订)")]
    private static partial void LogOptOut(ILogger logger, string number);
}
