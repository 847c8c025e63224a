using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Sms;

/// <summary>The SMS API's operations, scoped to the current user's platforms.</summary>
public sealed class SmsService(AppDbContext db, SmsOutbox outbox, CurrentUser user, TimeProvider time)
{
    public async Task<SmsMessageDto> SendAsync(SendSmsRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.TemplateCode) && !string.IsNullOrWhiteSpace(request.Text)
            && !LawlineRoles.SuperviseCalls.Any(user.IsInRole))
        {
            throw new ValidationFailedException("text", "Only supervisors and managers may send free text; choose a template.");
        }
        int? platformId = request.PlatformId;
        var to = request.To;
        if (request.WorkOrderId is { } workOrderId)
        {
            var order = await db.WorkOrders.AsNoTracking().Where(w => w.Id == workOrderId)
                .Select(w => new { w.PlatformId, w.CallerPhoneE164 }).SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Work order", workOrderId);
            platformId ??= order.PlatformId;
            to = string.IsNullOrWhiteSpace(to) ? order.CallerPhoneE164 : to;
        }
        if (request.CallRecordId is { } callRecordId)
        {
            var call = await db.CallRecords.AsNoTracking().Where(c => c.Id == callRecordId)
                .Select(c => new { c.PlatformId, c.CallerNumber }).SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Call", callRecordId);
            platformId ??= call.PlatformId;
            to = string.IsNullOrWhiteSpace(to) ? call.CallerNumber : to;
        }
        platformId ??= user.PlatformId;
        if (platformId is null)
        {
            throw new ValidationFailedException("platformId", "Say which platform sends the message (platformId, or a work order or call).");
        }
        if (!await db.Platforms.AnyAsync(p => p.Id == platformId, cancellationToken))
        {
            throw new NotFoundException("Platform", platformId);
        }
        if (string.IsNullOrWhiteSpace(to))
        {
            throw new ValidationFailedException("to", "The number to send to is required.");
        }

        var purpose = request.Purpose;
        if (purpose is null && !string.IsNullOrWhiteSpace(request.TemplateCode))
        {
            purpose = (await outbox.FindTemplateAsync(platformId.Value, request.TemplateCode, cancellationToken))?.Purpose;
        }
        var message = await outbox.EnqueueAsync(new SmsRequest(platformId.Value, to, purpose ?? SmsPurpose.Other, request.TemplateCode,
            request.Values, request.Text, request.WorkOrderId, request.CallRecordId), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return ToDto(message);
    }

    public async Task<IReadOnlyList<SmsMessageDto>> ListAsync(string? phone, int? workOrderId, CancellationToken cancellationToken, long? callRecordId = null)
    {
        if (string.IsNullOrWhiteSpace(phone) && workOrderId is null && callRecordId is null)
        {
            throw new ValidationFailedException("phone", "Give a phone number or a work order.");
        }
        var query = db.Set<SmsMessage>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(phone))
        {
            var e164 = PhoneNumberFormatter.Normalize(phone, "phone").E164;
            query = query.Where(m => m.To == e164);
        }
        if (workOrderId is not null)
        {
            query = query.Where(m => m.WorkOrderId == workOrderId);
        }
        if (callRecordId is not null)
        {
            query = query.Where(m => m.CallRecordId == callRecordId);
        }
        var messages = await query.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(500).ToListAsync(cancellationToken);
        return [.. messages.Select(ToDto)];
    }

    public async Task<SmsMessageDto> GetAsync(long id, CancellationToken cancellationToken)
        => ToDto(await db.Set<SmsMessage>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken)
            ?? throw new NotFoundException("SMS", id));

    public async Task<IReadOnlyList<SmsTemplateDto>> TemplatesAsync(CancellationToken cancellationToken)
    {
        var templates = await db.Set<SmsTemplate>().AsNoTracking().OrderBy(t => t.Code).ThenBy(t => t.PlatformId).ToListAsync(cancellationToken);
        return [.. templates.Select(ToDto)];
    }

    public async Task<SmsTemplateDto> SaveTemplateAsync(int? id, SmsTemplateRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var code = request.Code?.Trim() ?? "";
        if (!SmsFeature.TemplateCodePattern().IsMatch(code))
        {
            errors["code"] = ["The code is 1–40 lower-case letters, digits and hyphens, e.g. legal-aid-guidance."];
        }
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 100)
        {
            errors["name"] = ["The name is required (at most 100 characters)."];
        }
        var body = request.Body?.Trim() ?? "";
        if (body.Length == 0 || body.Length > SmsText.MaxLength)
        {
            errors["body"] = [$"The text is required (at most {SmsText.MaxLength} characters)."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        if (request.PlatformId is null && !user.IsInRole(LawlineRoles.Administrator))
        {
            throw new ValidationFailedException("platformId", "Only administrators change the installation's default templates; give your platform.");
        }
        if (request.PlatformId is { } platformId && !await db.Platforms.AnyAsync(p => p.Id == platformId, cancellationToken))
        {
            throw new NotFoundException("Platform", platformId);
        }

        SmsTemplate template;
        if (id is null)
        {
            template = new SmsTemplate();
            db.Add(template);
        }
        else
        {
            template = await db.Set<SmsTemplate>().SingleOrDefaultAsync(t => t.Id == id, cancellationToken)
                ?? throw new NotFoundException("SMS template", id);
            if (template.PlatformId is null && !user.IsInRole(LawlineRoles.Administrator))
            {
                throw new ValidationFailedException("platformId", "Only administrators change the installation's default templates.");
            }
        }
        if (await db.Set<SmsTemplate>().IgnoreQueryFilters()
                .AnyAsync(t => t.Id != template.Id && t.Code == code && t.PlatformId == request.PlatformId, cancellationToken))
        {
            throw new ConflictException($"A template with the code '{code}' already exists for this platform.", "code");
        }
        template.PlatformId = request.PlatformId;
        template.Code = code;
        template.Name = request.Name!.Trim();
        template.Body = body;
        template.Purpose = request.Purpose;
        template.IsActive = request.IsActive;
        template.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return ToDto(template);
    }

    public async Task<IReadOnlyList<SmsOptOutDto>> OptOutsAsync(string? phone, CancellationToken cancellationToken)
    {
        var query = db.Set<SmsOptOut>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(phone))
        {
            var e164 = PhoneNumberFormatter.Normalize(phone, "phone").E164;
            query = query.Where(o => o.PhoneE164 == e164);
        }
        var optOuts = await query.OrderByDescending(o => o.Id).Take(500).ToListAsync(cancellationToken);
        return [.. optOuts.Select(o => new SmsOptOutDto(o.Id, ShowNumber(o.PhoneE164), o.Since, o.Reason))];
    }

    public async Task<SmsOptOutDto> OptOutAsync(SmsOptOutRequest request, CancellationToken cancellationToken)
    {
        var e164 = PhoneNumberFormatter.Normalize(request.Phone, "phone").E164;
        var optOut = await db.Set<SmsOptOut>().SingleOrDefaultAsync(o => o.PhoneE164 == e164, cancellationToken);
        if (optOut is null)
        {
            optOut = new SmsOptOut { PhoneE164 = e164, Since = time.GetUtcNow(), Reason = request.Reason?.Trim() is { Length: > 0 } r ? r[..Math.Min(r.Length, 200)] : null };
            db.Add(optOut);
            await db.SaveChangesAsync(cancellationToken);
        }
        return new SmsOptOutDto(optOut.Id, ShowNumber(optOut.PhoneE164), optOut.Since, optOut.Reason);
    }

    public async Task RemoveOptOutAsync(int id, CancellationToken cancellationToken)
    {
        var optOut = await db.Set<SmsOptOut>().SingleOrDefaultAsync(o => o.Id == id, cancellationToken) ?? throw new NotFoundException("Opt-out", id);
        db.Remove(optOut);
        await db.SaveChangesAsync(cancellationToken);
    }

    private string ShowNumber(string e164) => user.CanSeeFullCallerDetails ? PhoneNumberFormatter.Display(e164) : PhoneNumberFormatter.Mask(e164);

    private SmsMessageDto ToDto(SmsMessage m) => new(
        m.Id, m.PlatformId, ShowNumber(m.To), m.Text, m.TemplateCode, m.Purpose, m.Status, m.Attempts, m.NextAttemptAt,
        m.LastError, m.Segments, m.CreatedAt, m.SentAt, m.DeliveredAt, m.WorkOrderId, m.CallRecordId);

    private static SmsTemplateDto ToDto(SmsTemplate t) => new(
        t.Id, t.PlatformId, t.Code, t.Name, t.Body, t.Purpose, t.IsActive, SmsText.Placeholders(t.Body), SmsText.Measure(t.Body));
}
