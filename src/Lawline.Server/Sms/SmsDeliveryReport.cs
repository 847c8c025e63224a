namespace Lawline.Server.Sms;

/// <summary>
/// Kannel's delivery-report types (<c>%d</c> in the dlr-url): 1 delivered to the phone, 2 not delivered to the phone,
/// 4 queued at the SMSC, 8 accepted by the SMSC, 16 refused by the SMSC. Reports may arrive more than once (one per
/// part of a long message, or repeated by Kannel) and out of order, so applying one is idempotent: a message never
/// moves back, and a failure of any part marks the whole message failed.
/// </summary>
public static class SmsDeliveryReport
{
    public const int DeliveredToPhone = 1;
    public const int NotDeliveredToPhone = 2;
    public const int QueuedAtSmsc = 4;
    public const int AcceptedBySmsc = 8;
    public const int RefusedBySmsc = 16;

    /// <summary>Applies a report to the message; returns whether anything changed.</summary>
    public static bool Apply(SmsMessage message, int type, string? answer, DateTimeOffset now)
    {
        switch (type)
        {
            case DeliveredToPhone when message.Status is SmsStatus.Queued or SmsStatus.Sending or SmsStatus.Sent:
                message.Status = SmsStatus.Delivered;
                message.DeliveredAt = now;
                message.SentAt ??= now;
                return true;
            case NotDeliveredToPhone or RefusedBySmsc when message.Status is not (SmsStatus.Failed or SmsStatus.Blocked):
                message.Status = SmsStatus.Failed;
                message.SentAt ??= now;
                var what = type == RefusedBySmsc ? "refused by the SMSC" : "not delivered to the phone";
                message.LastError = Truncate($"Delivery report: {what}. {answer}".Trim());
                return true;
            case AcceptedBySmsc when message.Status is SmsStatus.Queued or SmsStatus.Sending:
                message.Status = SmsStatus.Sent;
                message.SentAt ??= now;
                return true;
            default:
                return false;
        }
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500];
}
