using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Agents;

public sealed record LawFirmDto(int Id, int PlatformId, string PlatformName, string Name, string? CreditCode, string? Address,
    string? ContactName, string? ContactPhone, int AgentCount, bool IsActive, bool IsDemo);

public sealed record SaveLawFirmRequest(
    int PlatformId,
    [property: Required, MaxLength(100)] string Name,
    [property: RegularExpression("^[0-9A-HJ-NPQRTUWXY]{18}$", ErrorMessage = "A unified social credit code is 18 digits or capital letters.")] string? CreditCode,
    [property: MaxLength(200)] string? Address,
    [property: MaxLength(64)] string? ContactName,
    [property: MaxLength(20)] string? ContactPhone,
    bool IsActive = true);

public sealed class LawFirmService(AppDbContext db)
{
    public Task<List<LawFirmDto>> ListAsync(int? platformId, CancellationToken cancellationToken)
        // Ordered before the projection: EF Core cannot translate an ORDER BY on the projected record.
        => Project(db.LawFirms.AsNoTracking().Where(f => platformId == null || f.PlatformId == platformId).OrderBy(f => f.Name))
            .ToListAsync(cancellationToken);

    public async Task<LawFirmDto> GetAsync(int id, CancellationToken cancellationToken)
        => await Project(db.LawFirms.AsNoTracking().Where(f => f.Id == id)).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("LawFirm", id);

    public async Task<LawFirmDto> SaveAsync(int? id, SaveLawFirmRequest request, CancellationToken cancellationToken)
    {
        if (!await db.Platforms.AnyAsync(p => p.Id == request.PlatformId, cancellationToken))
        {
            throw new ValidationFailedException("platformId", "The platform does not exist or is outside your scope.");
        }
        if (await db.LawFirms.AnyAsync(f => f.Id != id && f.PlatformId == request.PlatformId && f.Name == request.Name, cancellationToken))
        {
            throw new ConflictException($"The law firm '{request.Name}' is already registered on this platform.", "name");
        }
        string? phone = null;
        if (!string.IsNullOrWhiteSpace(request.ContactPhone))
        {
            phone = PhoneNumberFormatter.Normalize(request.ContactPhone, "contactPhone").E164;
        }
        var firm = id is null
            ? db.LawFirms.Add(new LawFirm()).Entity
            : await db.LawFirms.AsTracking().SingleOrDefaultAsync(f => f.Id == id, cancellationToken) ?? throw new NotFoundException("LawFirm", id);
        firm.PlatformId = request.PlatformId;
        firm.Name = request.Name.Trim();
        firm.CreditCode = string.IsNullOrWhiteSpace(request.CreditCode) ? null : request.CreditCode.Trim();
        firm.Address = request.Address?.Trim();
        firm.ContactName = request.ContactName?.Trim();
        firm.ContactPhone = phone;
        firm.IsActive = request.IsActive;
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(firm.Id, cancellationToken);
    }

    private IQueryable<LawFirmDto> Project(IQueryable<LawFirm> firms) => firms.Select(f => new LawFirmDto(
        f.Id, f.PlatformId, f.Platform!.Name, f.Name, f.CreditCode, f.Address, f.ContactName, f.ContactPhone,
        db.Agents.Count(a => a.LawFirmId == f.Id && a.Status != AgentStatus.Exited), f.IsActive, f.IsDemo));
}
