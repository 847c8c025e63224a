using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Analytics.Monitoring;

/// <summary>
/// 重复来电监测: called by the call flow when an inbound call's record is opened. When the number has called the
/// platform the rule's N times within D days (this call included), it raises one alert for the platform's managers —
/// one per number per window: a further call within the window of an alert renews that alert (count, last seen,
/// call) instead of adding one.
/// </summary>
public sealed partial class RepeatCallerMonitor(IServiceScopeFactory scopes, TimeProvider time, ILogger<RepeatCallerMonitor> logger)
{
    /// <summary>Whether the number of the inbound call <paramref name="callRecordId"/> meets the platform's repeat-caller rule.</summary>
    public async Task<bool> CheckAsync(int platformId, long callRecordId, CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Security.CurrentUser>().ActAsSystem("monitoring");
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var transaction = await db.BeginWriteAsync(cancellationToken);
            var met = await RaiseAsync(db);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return met;

            async Task<bool> RaiseAsync(AppDbContext db)
            {
                var callerNumber = await db.CallRecords.Where(r => r.Id == callRecordId).Select(r => r.CallerNumber).SingleOrDefaultAsync(cancellationToken);
                if (string.IsNullOrEmpty(callerNumber))
                {
                    return false;
                }

                var rule = await db.MonitoringSettings.AsNoTracking().SingleOrDefaultAsync(s => s.PlatformId == platformId, cancellationToken)
                    ?? new MonitoringSettings { PlatformId = platformId };
                var since = now.AddDays(-rule.RepeatWindowDays);
                var calls = await db.CallRecords.CountAsync(r => r.PlatformId == platformId && r.CallerNumber == callerNumber
                    && r.Channel == CallChannel.Inbound && r.ArrivedAt >= since, cancellationToken);
                if (calls < rule.RepeatCalls)
                {
                    return false;
                }

                var existing = await db.MonitoringAlerts
                    .Where(a => a.PlatformId == platformId && a.Kind == MonitoringAlertKind.RepeatCaller && a.SubjectKey == callerNumber && a.CreatedAt >= since)
                    .OrderByDescending(a => a.Id).FirstOrDefaultAsync(cancellationToken);
                if (existing is not null)
                {
                    existing.Value = Math.Max(existing.Value, calls);
                    existing.LastSeenAt = now;
                    existing.CallRecordId = callRecordId;
                    if (existing.Status == MonitoringAlertStatus.Closed)
                    {
                        // Closed, and the caller rings again within the same window: the follow-up did not settle it.
                        existing.Status = MonitoringAlertStatus.Open;
                        existing.ClosedAt = null;
                        existing.ClosedBy = null;
                    }

                    return true;
                }

                db.MonitoringAlerts.Add(new MonitoringAlert
                {
                    PlatformId = platformId,
                    Kind = MonitoringAlertKind.RepeatCaller,
                    SubjectKey = callerNumber.Length <= 96 ? callerNumber : callerNumber[..96],
                    Subject = Masked(callerNumber),
                    Value = calls,
                    Baseline = rule.RepeatCalls,
                    WindowDays = rule.RepeatWindowDays,
                    CreatedAt = now,
                    LastSeenAt = now,
                    Status = MonitoringAlertStatus.Open,
                    CallRecordId = callRecordId,
                    Link = "/work-orders?phone=" + Uri.EscapeDataString(callerNumber),
                });
                Log.Raised(logger, platformId, calls, rule.RepeatWindowDays);
                return true;
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Monitoring must never cost the caller the call.
            Log.Failed(logger, exception);
            return false;
        }
    }

    /// <summary>A number the phone system could not read (a SIP user name) is shown as it is; a phone number is masked.</summary>
    private static string Masked(string number)
    {
        var masked = PhoneNumberFormatter.Mask(number);
        return masked.Length > 0 ? masked : number;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Repeat caller on platform {PlatformId}: {Calls} calls within {Days} days; alert raised")]
        public static partial void Raised(ILogger logger, int platformId, int calls, int days);

        [LoggerMessage(EventId = 9102, Level = LogLevel.Error, Message = "The repeat-caller check failed; the call goes on")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
