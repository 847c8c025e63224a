using Lawline.Server.Satisfaction;

namespace Lawline.Server.Routing;

// The caller hung up first, so heard no IVR survey: the rating is asked for by SMS instead (a one-time link).
public sealed partial class CallFlow
{
    private async Task InviteToSurveyBySmsAsync(InboundCall caller, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<SurveyLinks>().InviteAfterCallAsync(caller.RecordId, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The call itself is over and recorded; a missing survey SMS must not turn it into a failed call.
            SmsSurveyLog.InvitationFailed(logger, exception, caller.RecordId);
        }
    }

    private static partial class SmsSurveyLog
    {
        [LoggerMessage(5501, LogLevel.Warning, "Call record {RecordId}: the survey SMS could not be queued")]
        public static partial void InvitationFailed(ILogger logger, Exception exception, long recordId);
    }
}
