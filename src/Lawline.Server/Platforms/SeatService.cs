using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Platforms;

public sealed record SeatDto(int Id, int PlatformId, string PlatformName, string Code, string Name, SeatKind Kind,
    string? Extension, IReadOnlyList<SkillRef> Skills, bool IsActive, bool IsDemo);

public sealed record SkillRef(int Id, string Code, string Name);

public sealed record SaveSeatRequest(
    int PlatformId,
    [property: Required, MaxLength(32)] string Code,
    [property: Required, MaxLength(64)] string Name,
    [property: EnumDataType(typeof(SeatKind))] SeatKind Kind,
    [property: MaxLength(32)] string? Extension,
    IReadOnlyList<int>? SkillIds,
    bool IsActive = true);

/// <summary>Seats (坐席) of the platforms the caller sees.</summary>
public sealed class SeatService(AppDbContext db)
{
    public Task<List<SeatDto>> ListAsync(int? platformId, CancellationToken cancellationToken)
        => db.Seats.AsNoTracking()
            .Where(s => platformId == null || s.PlatformId == platformId)
            .OrderBy(s => s.Platform!.Path).ThenBy(s => s.Code)
            .Select(s => new SeatDto(s.Id, s.PlatformId, s.Platform!.Name, s.Code, s.Name, s.Kind, s.Extension,
                s.Skills.OrderBy(k => k.SortOrder).Select(k => new SkillRef(k.Id, k.Code, k.Name)).ToList(), s.IsActive, s.IsDemo))
            .ToListAsync(cancellationToken);

    public async Task<SeatDto> GetAsync(int id, CancellationToken cancellationToken)
        => (await db.Seats.AsNoTracking().Where(s => s.Id == id)
                .Select(s => new SeatDto(s.Id, s.PlatformId, s.Platform!.Name, s.Code, s.Name, s.Kind, s.Extension,
                    s.Skills.OrderBy(k => k.SortOrder).Select(k => new SkillRef(k.Id, k.Code, k.Name)).ToList(), s.IsActive, s.IsDemo))
                .SingleOrDefaultAsync(cancellationToken))
            ?? throw new NotFoundException("Seat", id);

    public async Task<SeatDto> SaveAsync(int? id, SaveSeatRequest request, CancellationToken cancellationToken)
    {
        if (!await db.Platforms.AnyAsync(p => p.Id == request.PlatformId, cancellationToken))
        {
            throw new ValidationFailedException("platformId", "The platform does not exist or is outside your scope.");
        }
        if (await db.Seats.AnyAsync(s => s.Id != id && s.PlatformId == request.PlatformId && s.Code == request.Code, cancellationToken))
        {
            throw new ConflictException($"The platform already has a seat '{request.Code}'.", "code");
        }
        var skillIds = request.SkillIds?.Distinct().ToList() ?? [];
        var skills = await db.Skills.AsTracking().Where(k => skillIds.Contains(k.Id)).ToListAsync(cancellationToken);
        if (skills.Count != skillIds.Count)
        {
            throw new ValidationFailedException("skillIds", "One or more skills do not exist.");
        }
        var seat = id is null
            ? db.Seats.Add(new Seat()).Entity
            : await db.Seats.AsTracking().Include(s => s.Skills).SingleOrDefaultAsync(s => s.Id == id, cancellationToken)
                ?? throw new NotFoundException("Seat", id);
        seat.PlatformId = request.PlatformId;
        seat.Code = request.Code.Trim();
        seat.Name = request.Name.Trim();
        seat.Kind = request.Kind;
        seat.Extension = string.IsNullOrWhiteSpace(request.Extension) ? null : request.Extension.Trim();
        seat.IsActive = request.IsActive;
        seat.Skills.Clear();
        seat.Skills.AddRange(skills);
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(seat.Id, cancellationToken);
    }
}
