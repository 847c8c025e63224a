using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Platforms;

public sealed record PlatformDto(int Id, string Code, string Name, PlatformKind Kind, PlatformLevel Level, int? ParentId,
    string Path, string? ServiceRegion, OfficeHours OfficeHours, bool IsActive, bool IsDemo);

public sealed record CreatePlatformRequest(
    [property: Required, MaxLength(32), RegularExpression("^[A-Za-z0-9-]+$", ErrorMessage = "Use letters, digits and '-' only.")] string Code,
    [property: Required, MaxLength(100)] string Name,
    // A missing or unknown value (an enum's default 0, or any number) is a field error, not a stored record.
    [property: EnumDataType(typeof(PlatformKind))] PlatformKind Kind,
    [property: EnumDataType(typeof(PlatformLevel))] PlatformLevel Level,
    int? ParentId,
    [property: MaxLength(64)] string? ServiceRegion,
    OfficeHours? OfficeHours);

public sealed record UpdatePlatformRequest(
    [property: Required, MaxLength(100)] string Name,
    [property: MaxLength(64)] string? ServiceRegion,
    [property: Required] OfficeHours OfficeHours,
    bool IsActive);

/// <summary>The platform tree: read within the caller's scope; changed by administrators only.</summary>
public sealed class PlatformService(AppDbContext db, CurrentUser me)
{
    public Task<List<PlatformDto>> ListAsync(CancellationToken cancellationToken)
        => db.Platforms.AsNoTracking().OrderBy(p => p.Path).Select(ToDto).ToListAsync(cancellationToken);

    public async Task<PlatformDto> GetAsync(int id, CancellationToken cancellationToken)
        => await db.Platforms.AsNoTracking().Where(p => p.Id == id).Select(ToDto).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("Platform", id);

    public async Task<PlatformDto> CreateAsync(CreatePlatformRequest request, CancellationToken cancellationToken)
    {
        var hours = request.OfficeHours ?? OfficeHours.Default;
        ValidateHours(hours);
        if (await db.Platforms.IgnoreQueryFilters().AnyAsync(p => p.Code == request.Code, cancellationToken))
        {
            throw new ConflictException($"A platform with code '{request.Code}' already exists.", "code");
        }
        Platform platform;
        if (request.ParentId is { } parentId)
        {
            var parent = await db.Platforms.AsTracking().SingleOrDefaultAsync(p => p.Id == parentId, cancellationToken)
                ?? throw new ValidationFailedException("parentId", "The parent platform does not exist or is outside your scope.");
            if (parent.Kind != request.Kind)
            {
                throw new ValidationFailedException("kind", "A sub-platform has the same kind (12348 or 12368) as its parent.");
            }
            platform = Platform.CreateChild(parent, request.Code, request.Name.Trim());
        }
        else
        {
            if (!me.IsUnrestricted)
            {
                throw new ValidationFailedException("parentId", "Choose the parent platform; only a system administrator creates top-level platforms.");
            }
            platform = Platform.CreateRoot(request.Code, request.Name.Trim(), request.Kind, request.Level);
        }
        platform.ServiceRegion = request.ServiceRegion?.Trim();
        platform.OfficeHours = hours;
        db.Platforms.Add(platform);
        await db.SaveChangesAsync(cancellationToken);
        // The new platform lies inside the creator's subtree; this scope sees it from now on.
        me.IncludeNewSubPlatform(platform.Id);
        return await GetAsync(platform.Id, cancellationToken);
    }

    public async Task<PlatformDto> UpdateAsync(int id, UpdatePlatformRequest request, CancellationToken cancellationToken)
    {
        ValidateHours(request.OfficeHours);
        var platform = await db.Platforms.AsTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken)
            ?? throw new NotFoundException("Platform", id);
        platform.Name = request.Name.Trim();
        platform.ServiceRegion = request.ServiceRegion?.Trim();
        platform.OfficeHours = request.OfficeHours;
        platform.IsActive = request.IsActive;
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    private static void ValidateHours(OfficeHours hours)
    {
        var problems = hours.Validate().ToArray();
        if (problems.Length > 0)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["officeHours"] = problems });
        }
    }

    private static readonly System.Linq.Expressions.Expression<Func<Platform, PlatformDto>> ToDto = p =>
        new PlatformDto(p.Id, p.Code, p.Name, p.Kind, p.Level, p.ParentId, p.Path, p.ServiceRegion, p.OfficeHours, p.IsActive, p.IsDemo);
}
