using Lawline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Sms;

/// <summary>
/// Sends the outbox: takes due messages (queued, or claims that expired because a sender died mid-call), claims each
/// one with a conditional update so that two senders — threads or nodes sharing PostgreSQL — never both send it,
/// hands it to the gateway, and records the answer: accepted (<see cref="SmsStatus.Sent"/>), a transient failure
/// (queued again with exponential back-off) or the last/permanent failure (<see cref="SmsStatus.Failed"/>). Wakes
/// when a message is saved (<see cref="SmsSignal"/>) and polls otherwise.
/// </summary>
public sealed partial class SmsSender(
    IServiceScopeFactory scopes,
    SmsSignal signal,
    IOptionsMonitor<SmsOptions> options,
    TimeProvider time,
    ILogger<SmsSender> logger) : BackgroundService
{
    private const string Actor = "sms-sender";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.CurrentValue;
            var handled = 0;
            if (settings.Enabled)
            {
                try
                {
                    handled = await SendDueAsync(stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    Log.RoundFailed(logger, exception);
                }
            }
            if (handled < settings.BatchSize)
            {
                try
                {
                    await signal.WaitAsync(settings.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One round: every message due now, up to a batch. Returns how many it took.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var due = await scopes.ReadAsSystemAsync(Actor, db => db.Set<SmsMessage>().AsNoTracking()
            .Where(m => (m.Status == SmsStatus.Queued || m.Status == SmsStatus.Sending) && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id)
            .Select(m => new SmsOutgoing(m.Id, m.To, m.Text))
            .Take(settings.BatchSize)
            .ToListAsync(cancellationToken), cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }
        // A scope per round: the gateway's HttpClient comes from the factory, which rotates its handlers.
        await using var scope = scopes.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<ISmsGateway>();
        foreach (var message in due)
        {
            if (await ClaimAsync(message.Id, now, now + (settings.SendTimeout * 2), cancellationToken) is not { } attempts)
            {
                continue;
            }
            var result = await gateway.SendAsync(message, cancellationToken);
            await RecordAsync(message.Id, attempts, result, cancellationToken);
        }
        return due.Count;
    }

    /// <summary>
    /// Takes the message if it is still due: one UPDATE … WHERE that only one sender can win (the winner moves
    /// <see cref="SmsMessage.NextAttemptAt"/> past now). Returns the attempt number, or null when another sender won.
    /// </summary>
    private async Task<int?> ClaimAsync(long id, DateTimeOffset now, DateTimeOffset claimUntil, CancellationToken cancellationToken)
    {
        int? attempts = null;
        await scopes.WriteAsSystemAsync(Actor, async db =>
        {
            var won = await db.Set<SmsMessage>()
                .Where(m => m.Id == id && (m.Status == SmsStatus.Queued || m.Status == SmsStatus.Sending) && m.NextAttemptAt <= now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Status, SmsStatus.Sending)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                    .SetProperty(m => m.NextAttemptAt, claimUntil), cancellationToken);
            if (won == 1)
            {
                attempts = await db.Set<SmsMessage>().Where(m => m.Id == id).Select(m => m.Attempts).SingleAsync(cancellationToken);
            }
        }, cancellationToken);
        return attempts;
    }

    private async Task RecordAsync(long id, int attempts, SmsGatewayResult result, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        await scopes.WriteAsSystemAsync(Actor, async db =>
        {
            // Only a message still in our hands: a delivery report may already have arrived and moved it on.
            var mine = db.Set<SmsMessage>().Where(m => m.Id == id && m.Status == SmsStatus.Sending);
            if (result.Accepted)
            {
                await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Status, SmsStatus.Sent)
                    .SetProperty(m => m.SentAt, now)
                    .SetProperty(m => m.GatewayMessageId, result.Reply)
                    .SetProperty(m => m.LastError, (string?)null), cancellationToken);
                Log.Sent(logger, id, attempts);
            }
            else if (result.Permanent || attempts >= settings.MaxAttempts)
            {
                await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Status, SmsStatus.Failed)
                    .SetProperty(m => m.LastError, result.Error), cancellationToken);
                Log.GaveUp(logger, id, attempts, result.Error);
            }
            else
            {
                var next = now + settings.RetryDelay(attempts);
                await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Status, SmsStatus.Queued)
                    .SetProperty(m => m.NextAttemptAt, next)
                    .SetProperty(m => m.LastError, result.Error), cancellationToken);
                Log.WillRetry(logger, id, attempts, next, result.Error);
            }
        }, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(8101, LogLevel.Information, "SMS {Id} accepted by the gateway (attempt {Attempts})")]
        public static partial void Sent(ILogger logger, long id, int attempts);

        [LoggerMessage(8102, LogLevel.Warning, "SMS {Id} failed (attempt {Attempts}), next try at {NextAttemptAt}: {Error}")]
        public static partial void WillRetry(ILogger logger, long id, int attempts, DateTimeOffset nextAttemptAt, string? error);

        [LoggerMessage(8103, LogLevel.Error, "SMS {Id} given up after {Attempts} attempts: {Error}")]
        public static partial void GaveUp(ILogger logger, long id, int attempts, string? error);

        [LoggerMessage(8104, LogLevel.Error, "The SMS sender's round failed; it tries again at the next poll")]
        public static partial void RoundFailed(ILogger logger, Exception exception);
    }
}
