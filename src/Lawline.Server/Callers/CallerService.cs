using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Callers;

/// <summary>A caller in a list: number masked, name hidden.</summary>
public sealed record CallerSummary(int Id, int PlatformId, string PhoneMasked, string? Province, string? City, CallerType Type, DateTimeOffset LastContactAt);

/// <summary>A caller opened on its own. Full number and name only for roles that call people back.</summary>
public sealed record CallerDetail(int Id, int PlatformId, string Phone, bool PhoneIsMasked, string? Name, string? Province,
    string? City, CallerType Type, string? Notes, DateTimeOffset FirstContactAt, DateTimeOffset LastContactAt);

public sealed record RegisterCallerRequest(
    int PlatformId,
    [property: Required, MaxLength(32)] string Phone,
    [property: MaxLength(64)] string? Name,
    [property: EnumDataType(typeof(CallerType))] CallerType Type,
    [property: MaxLength(1000)] string? Notes);

public sealed class CallerService(AppDbContext db, CurrentUser me, TimeProvider clock)
{
    public async Task<List<CallerSummary>> SearchAsync(int? platformId, string? phone, CancellationToken cancellationToken)
    {
        var callers = db.Callers.AsNoTracking();
        if (platformId is not null)
        {
            callers = callers.Where(c => c.PlatformId == platformId);
        }
        if (!string.IsNullOrWhiteSpace(phone))
        {
            // A whole number finds the caller; a fragment (e.g. the last four digits) matches the end of numbers.
            var term = PhoneNumberFormatter.TryNormalize(phone, out var number) ? number!.E164 : phone.Trim();
            callers = callers.Where(c => c.PhoneE164 == term || c.PhoneE164.EndsWith(term));
        }
        var rows = await callers.OrderByDescending(c => c.LastContactAt).Take(200).ToListAsync(cancellationToken);
        return [.. rows.Select(c => new CallerSummary(c.Id, c.PlatformId, PhoneNumberFormatter.Mask(c.PhoneE164), c.Province, c.City, c.Type, c.LastContactAt))];
    }

    public async Task<CallerDetail> GetAsync(int id, CancellationToken cancellationToken)
    {
        var caller = await db.Callers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new NotFoundException("Caller", id);
        var full = me.CanSeeFullCallerDetails;
        if (full)
        {
            db.AuditRead(nameof(Caller), caller.Id, caller.PlatformId, "phone number and name");
            await db.SaveChangesAsync(cancellationToken);
        }
        return new CallerDetail(caller.Id, caller.PlatformId,
            full ? PhoneNumberFormatter.Display(caller.PhoneE164) : PhoneNumberFormatter.Mask(caller.PhoneE164), !full,
            full ? caller.Name : null, caller.Province, caller.City, caller.Type, caller.Notes, caller.FirstContactAt, caller.LastContactAt);
    }

    /// <summary>Registers a caller by number, or updates the one the platform already knows (idempotent).</summary>
    public async Task<(CallerDetail Caller, bool Created)> RegisterAsync(RegisterCallerRequest request, CancellationToken cancellationToken)
    {
        if (!await db.Platforms.AnyAsync(p => p.Id == request.PlatformId, cancellationToken))
        {
            throw new ValidationFailedException("platformId", "The platform does not exist or is outside your scope.");
        }
        var number = PhoneNumberFormatter.Normalize(request.Phone, "phone");
        var now = clock.GetUtcNow();
        var caller = await db.Callers.AsTracking()
            .SingleOrDefaultAsync(c => c.PlatformId == request.PlatformId && c.PhoneE164 == number.E164, cancellationToken);
        var created = caller is null;
        if (caller is null)
        {
            caller = db.Callers.Add(new Caller
            {
                PlatformId = request.PlatformId,
                PhoneE164 = number.E164,
                FirstContactAt = now,
            }).Entity;
        }
        caller.Province = number.Province;
        caller.City = number.City;
        caller.LastContactAt = now;
        if (!string.IsNullOrWhiteSpace(request.Name))
        {
            caller.Name = request.Name.Trim();
        }
        if (request.Type != CallerType.Unspecified)
        {
            caller.Type = request.Type;
        }
        if (!string.IsNullOrWhiteSpace(request.Notes))
        {
            caller.Notes = request.Notes.Trim();
        }
        await db.SaveChangesAsync(cancellationToken);
        return (await GetAsync(caller.Id, cancellationToken), created);
    }
}
