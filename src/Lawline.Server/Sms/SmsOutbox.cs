using System.Threading.Channels;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Sms;

/// <summary>What a feature asks the outbox to send: a template with its values, or a free text.</summary>
public sealed record SmsRequest(
    int PlatformId,
    string To,
    SmsPurpose Purpose,
    string? TemplateCode = null,
    IReadOnlyDictionary<string, string>? Values = null,
    string? Text = null,
    int? WorkOrderId = null,
    long? CallRecordId = null);

/// <summary>Wakes the sender when a message was saved, so it goes out now rather than at the next poll.</summary>
public sealed class SmsSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Returns when notified or after <paramref name="timeout"/> on <paramref name="time"/>'s clock.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return;
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, linked.Token);
        var signal = _channel.Reader.WaitToReadAsync(linked.Token).AsTask();
        await Task.WhenAny(delay, signal);
        await linked.CancelAsync();
        _channel.Reader.TryRead(out _);
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>
/// The one way to send an SMS. <see cref="EnqueueAsync"/> adds the message to the caller's <see cref="AppDbContext"/>,
/// so it is saved in the same transaction as the action that caused it (or not at all); <see cref="SmsSender"/> sends
/// it later. A number that opted out, or that already got its share of messages, gets a row with status
/// <see cref="SmsStatus.Blocked"/> and the reason, and nothing is sent.
/// </summary>
public sealed class SmsOutbox
{
    private readonly AppDbContext _db;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<SmsOptions> _options;
    private bool _wakeSender;

    public SmsOutbox(AppDbContext db, TimeProvider time, IOptionsMonitor<SmsOptions> options, SmsSignal signal)
    {
        _db = db;
        _time = time;
        _options = options;
        db.SavedChanges += (_, _) =>
        {
            if (_wakeSender)
            {
                // After the commit: a sender woken inside the transaction would find nothing and go back to sleep.
                _wakeSender = false;
                db.AfterCommit(signal.Notify);
            }
        };
    }

    public async Task<SmsMessage> EnqueueAsync(SmsRequest request, CancellationToken cancellationToken = default)
    {
        var to = PhoneNumberFormatter.Normalize(request.To, "to");
        var text = await ComposeAsync(request, cancellationToken);
        var length = SmsText.Measure(text);
        if (length.Segments > SmsText.MaxSegments)
        {
            throw new ValidationFailedException("text", $"The message is {length.Length} characters long, {length.Segments} SMS; at most {SmsText.MaxSegments} are sent.");
        }

        var now = _time.GetUtcNow();
        var message = new SmsMessage
        {
            PlatformId = request.PlatformId,
            To = to.E164,
            Text = text,
            TemplateCode = request.TemplateCode,
            Purpose = request.Purpose,
            WorkOrderId = request.WorkOrderId,
            CallRecordId = request.CallRecordId,
            Status = SmsStatus.Queued,
            Segments = length.Segments,
            CreatedAt = now,
            NextAttemptAt = now,
            CreatedByUserId = _db.CurrentUser.UserId,
        };
        if (await BlockReasonAsync(to.E164, now, cancellationToken) is { } reason)
        {
            message.Status = SmsStatus.Blocked;
            message.LastError = reason;
        }
        else
        {
            _wakeSender = true;
        }
        _db.Add(message);
        return message;
    }

    /// <summary>The template the platform uses for <paramref name="code"/>: its own, else the installation default.</summary>
    public Task<SmsTemplate?> FindTemplateAsync(int platformId, string code, CancellationToken cancellationToken = default)
        => _db.Set<SmsTemplate>().AsNoTracking()
            .Where(t => t.Code == code && t.IsActive && (t.PlatformId == platformId || t.PlatformId == null))
            .OrderBy(t => t.PlatformId == null)
            .FirstOrDefaultAsync(cancellationToken);

    private async Task<string> ComposeAsync(SmsRequest request, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(request.TemplateCode))
        {
            var template = await FindTemplateAsync(request.PlatformId, request.TemplateCode, cancellationToken)
                ?? throw new ValidationFailedException("templateCode", $"There is no active SMS template '{request.TemplateCode}'.");
            return SmsText.Render(template.Code, template.Body, request.Values);
        }
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            throw new ValidationFailedException("text", "Give a template code or the text of the message.");
        }
        return request.Text.Trim();
    }

    private async Task<string?> BlockReasonAsync(string e164, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await _db.Set<SmsOptOut>().AnyAsync(o => o.PhoneE164 == e164, cancellationToken))
        {
            return "Opted out: the number asked not to receive SMS.";
        }
        var options = _options.CurrentValue;
        // Across every platform: a citizen is one person whichever district writes to them.
        var dayAgo = now.AddDays(-1);
        var recent = await _db.Set<SmsMessage>().IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.To == e164 && m.CreatedAt > dayAgo && m.Status != SmsStatus.Blocked)
            .Select(m => m.CreatedAt)
            .ToListAsync(cancellationToken);
        // Messages enqueued earlier in this unit of work count too.
        recent.AddRange(_db.ChangeTracker.Entries<SmsMessage>()
            .Where(e => e.State == EntityState.Added && e.Entity.To == e164 && e.Entity.Status != SmsStatus.Blocked)
            .Select(e => e.Entity.CreatedAt));
        if (recent.Count >= options.MaxPerNumberPerDay)
        {
            return $"Rate limit: {recent.Count} messages to this number in the last 24 hours (at most {options.MaxPerNumberPerDay}).";
        }
        if (options.MinIntervalSeconds > 0 && recent.Count > 0 && now - recent.Max() < TimeSpan.FromSeconds(options.MinIntervalSeconds))
        {
            return $"Rate limit: the last message to this number was less than {options.MinIntervalSeconds} seconds ago.";
        }
        return null;
    }
}
