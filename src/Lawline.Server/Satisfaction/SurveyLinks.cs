using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Sms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Satisfaction;

/// <summary>What a survey link is now: open for a rating, used, expired, or not one of ours.</summary>
public enum SurveyLinkState
{
    Open,
    Used,
    Expired,
    Unknown,
}

/// <summary>What the public page and <c>GET /api/survey/{token}</c> show: never the call, the number or the lawyer.</summary>
public sealed record SurveyLinkView(SurveyLinkState State, string? HotlineName, DateTimeOffset? ExpiresAt);

/// <summary>A citizen's answer: the rating, reasons ticked (from <see cref="SurveyLinks.ReasonTags"/>) and a comment.</summary>
public sealed record SurveyAnswer(CallRating? Rating, IReadOnlyList<string>? Tags, string? Comment);

/// <summary>An invitation just sent (the token is only in the SMS).</summary>
public sealed record SurveyInvitationDto(long Id, int PlatformId, long? CallRecordId, int? WorkOrderId, DateTimeOffset ExpiresAt,
    long SmsMessageId, SmsStatus SmsStatus, string? SmsError);

/// <summary>
/// 短信满意度评价: one-time survey links sent by SMS (after a call the caller hung up first, or for a work order from a
/// channel without the IVR survey) and the citizen's rating through them. A rating is stored on the invitation, on the
/// call and on the work order bound to it, and a low one opens a 回访 task — in one transaction, after the link was
/// claimed by one conditional UPDATE, so a link counts once however often it is tapped.
/// </summary>
public sealed class SurveyLinks(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptionsMonitor<SatisfactionOptions> options,
    RatingRecorder recorder,
    IOptionsMonitor<SmsOptions> smsOptions,
    SmsSignal smsSignal,
    IConfiguration configuration)
{
    public const string TemplateCode = "survey-link";

    /// <summary>The reasons a citizen may tick with a lower rating.</summary>
    public static readonly IReadOnlyList<string> ReasonTags = ["解答不清楚", "态度不好", "等待太久", "没解决问题", "其他"];

    public const int CommentMaxLength = 500;

    public static string PathOf(string token) => "/survey/" + token;

    /// <summary>
    /// After an answered call the caller ended (no IVR survey): an invitation and the SMS, in one transaction. Nothing
    /// when SMS surveys are off, the call was already rated or invited, or the number is not a mobile.
    /// </summary>
    public async Task<bool> InviteAfterCallAsync(long callRecordId, CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.SmsSurvey)
        {
            return false;
        }

        var sent = false;
        await scopes.WriteAsSystemAsync("sms-survey", async db =>
        {
            var record = await db.CallRecords.AsNoTracking().SingleOrDefaultAsync(r => r.Id == callRecordId, cancellationToken);
            if (record is not { AnsweredAt: not null, Rating: null }
                || !PhoneNumberFormatter.TryNormalize(record.CallerNumber, out var number) || number is not { IsMobile: true }
                || await db.Set<SurveyInvitation>().AnyAsync(i => i.CallRecordId == callRecordId, cancellationToken))
            {
                return;
            }

            var outbox = new SmsOutbox(db, time, smsOptions, smsSignal);
            var (_, message) = await InviteAsync(db, outbox, record.PlatformId, number.E164, callRecordId, record.WorkOrderId, DefaultBaseUrl(), cancellationToken);
            sent = message.Status != SmsStatus.Blocked;
        }, cancellationToken);
        return sent;
    }

    /// <summary>
    /// A survey link for a work order (web, self-service, or a call without a survey), sent to the order's caller by the
    /// signed-in person (<paramref name="db"/> and <paramref name="outbox"/> are theirs: the order must be visible to them).
    /// </summary>
    public async Task<SurveyInvitationDto> InviteForWorkOrderAsync(AppDbContext db, SmsOutbox outbox, int workOrderId, string requestBaseUrl, CancellationToken cancellationToken)
    {
        var order = await db.WorkOrders.AsNoTracking().Where(w => w.Id == workOrderId)
            .Select(w => new { w.Id, w.PlatformId, w.CallerPhoneE164, w.Rating })
            .SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("Work order", workOrderId);
        if (order.Rating is not null)
        {
            throw new ConflictException("The work order is already rated; one rating per service.");
        }

        if (string.IsNullOrWhiteSpace(order.CallerPhoneE164))
        {
            throw new ValidationFailedException("callerPhone", "The work order has no caller phone number to send the link to.");
        }

        // The call this order records, if any: its rating and the order's are one.
        var call = await db.CallRecords.AsNoTracking().Where(c => c.WorkOrderId == workOrderId)
            .OrderByDescending(c => c.Id).Select(c => new { c.Id, c.Rating }).FirstOrDefaultAsync(cancellationToken);
        if (call is { Rating: not null })
        {
            throw new ConflictException("The call of this work order is already rated; one rating per service.");
        }

        var now = time.GetUtcNow();
        var callId = call?.Id;
        if (await db.Set<SurveyInvitation>().AnyAsync(i => (i.WorkOrderId == workOrderId || (callId != null && i.CallRecordId == callId))
                && i.UsedAt == null && i.ExpiresAt > now, cancellationToken))
        {
            throw new ConflictException("A survey link for this work order was sent and can still be used.");
        }

        var baseUrl = string.IsNullOrWhiteSpace(options.CurrentValue.PublicBaseUrl) ? requestBaseUrl : options.CurrentValue.PublicBaseUrl;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var (invitation, message) = await InviteAsync(db, outbox, order.PlatformId, order.CallerPhoneE164, callId, workOrderId, baseUrl, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SurveyInvitationDto(invitation.Id, invitation.PlatformId, invitation.CallRecordId, invitation.WorkOrderId, invitation.ExpiresAt,
            message.Id, message.Status, message.LastError);
    }

    /// <summary>The state of a link, for the public page.</summary>
    public async Task<SurveyLinkView> ViewAsync(string? token, CancellationToken cancellationToken)
    {
        if (!LooksLikeToken(token))
        {
            return new SurveyLinkView(SurveyLinkState.Unknown, null, null);
        }

        var hash = SurveyInvitation.HashOf(token!);
        var now = time.GetUtcNow();
        return await scopes.ReadAsSystemAsync("survey-link", async db =>
        {
            var invitation = await db.Set<SurveyInvitation>().AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
            if (invitation is null)
            {
                return new SurveyLinkView(SurveyLinkState.Unknown, null, null);
            }

            var name = await db.Platforms.AsNoTracking().Where(p => p.Id == invitation.PlatformId).Select(p => p.Name).SingleOrDefaultAsync(cancellationToken);
            var state = invitation.UsedAt is not null ? SurveyLinkState.Used
                : invitation.ExpiresAt <= now ? SurveyLinkState.Expired
                : SurveyLinkState.Open;
            return new SurveyLinkView(state, name, invitation.ExpiresAt);
        }, cancellationToken);
    }

    /// <summary>
    /// Stores the citizen's rating once: <see cref="SurveyLinkState.Open"/> when this answer counted, else why not (used,
    /// expired, unknown). Bad input (no rating, an unknown reason, a long comment) is a 400 before the link is touched.
    /// </summary>
    public async Task<SurveyLinkState> AnswerAsync(string? token, SurveyAnswer answer, CancellationToken cancellationToken)
    {
        var (rating, tags, comment) = Validate(answer);
        if (!LooksLikeToken(token))
        {
            return SurveyLinkState.Unknown;
        }

        var hash = SurveyInvitation.HashOf(token!);
        var now = time.GetUtcNow();
        var outcome = SurveyLinkState.Unknown;
        await scopes.WriteAsSystemAsync("survey-link", async db =>
        {
            var invitation = await db.Set<SurveyInvitation>().AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
            if (invitation is null)
            {
                return;
            }

            // The claim: only one UPDATE can find the link unused and unexpired, whatever the number of taps or tabs.
            var claimed = await db.Set<SurveyInvitation>()
                .Where(i => i.Id == invitation.Id && i.UsedAt == null && i.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.UsedAt, now)
                    .SetProperty(i => i.Rating, rating)
                    .SetProperty(i => i.ReasonTags, tags)
                    .SetProperty(i => i.Comment, comment), cancellationToken);
            if (claimed == 0)
            {
                outcome = invitation.UsedAt is null && invitation.ExpiresAt <= now ? SurveyLinkState.Expired : SurveyLinkState.Used;
                return;
            }

            outcome = SurveyLinkState.Open;
            // The one rating write path: history, the call and the work order, and 回访 per the platform's rule.
            await recorder.RecordAsync(db, new RatingInput(invitation.PlatformId, invitation.CallRecordId, invitation.WorkOrderId, rating,
                RatingChannel.SmsLink, now, tags, comment), cancellationToken);
        }, cancellationToken);
        return outcome;
    }

    private async Task<(SurveyInvitation Invitation, SmsMessage Message)> InviteAsync(AppDbContext db, SmsOutbox outbox, int platformId, string phone,
        long? callRecordId, int? workOrderId, string baseUrl, CancellationToken cancellationToken)
    {
        var token = SurveyInvitation.NewToken();
        var now = time.GetUtcNow();
        var invitation = new SurveyInvitation
        {
            PlatformId = platformId,
            CallRecordId = callRecordId,
            WorkOrderId = workOrderId,
            TokenHash = SurveyInvitation.HashOf(token),
            CreatedAt = now,
            ExpiresAt = now.AddHours(options.CurrentValue.InvitationValidHours),
        };
        var hotline = await db.Platforms.IgnoreQueryFilters().AsNoTracking().Where(p => p.Id == platformId).Select(p => p.Name).SingleAsync(cancellationToken);
        var message = await outbox.EnqueueAsync(new SmsRequest(platformId, phone, SmsPurpose.SurveyLink, TemplateCode,
            new Dictionary<string, string> { ["热线名称"] = hotline, ["链接"] = baseUrl.TrimEnd('/') + PathOf(token) },
            WorkOrderId: workOrderId, CallRecordId: callRecordId), cancellationToken);
        // A blocked message (opt-out, rate limit) is recorded with its reason; a link nobody received is not kept.
        if (message.Status != SmsStatus.Blocked)
        {
            db.Add(invitation);
        }

        return (invitation, message);
    }

    private string DefaultBaseUrl()
    {
        if (!string.IsNullOrWhiteSpace(options.CurrentValue.PublicBaseUrl))
        {
            return options.CurrentValue.PublicBaseUrl;
        }

        var urls = configuration["Urls"] ?? configuration["ASPNETCORE_URLS"];
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(first) ? "http://localhost:5000" : first.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal);
    }

    private static (CallRating Rating, string? Tags, string? Comment) Validate(SurveyAnswer answer)
    {
        var errors = new Dictionary<string, string[]>();
        if (answer.Rating is not { } rating || !Enum.IsDefined(rating))
        {
            errors["rating"] = ["Choose 满意 (Satisfied), 基本满意 (BasicallySatisfied) or 不满意 (Dissatisfied)."];
            rating = default;
        }

        var tags = (answer.Tags ?? []).Select(t => t?.Trim() ?? "").Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (tags.Any(t => !ReasonTags.Contains(t)))
        {
            errors["tags"] = [$"Reasons are some of: {string.Join(", ", ReasonTags)}."];
        }

        var comment = answer.Comment?.Trim();
        if (comment is { Length: > CommentMaxLength })
        {
            errors["comment"] = [$"The comment is at most {CommentMaxLength} characters."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        return (rating, tags.Count > 0 ? string.Join(',', tags) : null, string.IsNullOrEmpty(comment) ? null : comment);
    }

    private static bool LooksLikeToken(string? token) => !string.IsNullOrEmpty(token) && token.Length <= 100;
}
