using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Platforms;

public sealed record SkillDto(int Id, string Code, string Name, string? Description, bool IsSpecialLine, bool IsGeneral, int SortOrder, bool IsActive);

public sealed record SaveSkillRequest(
    [property: Required, MaxLength(32), RegularExpression("^[A-Za-z0-9_-]+$", ErrorMessage = "Use letters, digits, '_' and '-' only.")] string Code,
    [property: Required, MaxLength(64)] string Name,
    [property: MaxLength(500)] string? Description,
    bool IsSpecialLine,
    bool IsGeneral,
    int SortOrder,
    bool IsActive = true);

/// <summary>The skill catalogue shared by every platform of the installation.</summary>
public sealed class SkillCatalog(AppDbContext db)
{
    /// <summary>The skills every hotline starts with (the default taxonomy maps categories to these codes).</summary>
    public static readonly (string Code, string Name, bool Special, bool General)[] Defaults =
    [
        ("LABOR", "劳动争议", false, false),
        ("FAMILY", "婚姻家庭", false, false),
        ("CONTRACT", "合同纠纷", false, false),
        ("GENERAL", "综合", false, true),
        ("WOMEN-CHILDREN", "妇女儿童", true, false),
        ("CONSUMER", "消费者权益", true, false),
        ("MIGRANT-WAGES", "农民工讨薪", true, false),
        ("SME", "中小微企业", true, false),
        ("LINE-12345", "12345专线", true, false),
    ];

    /// <summary>Creates the default skills that are missing (by code or name); existing ones are left as they are.</summary>
    public static async Task EnsureDefaultsAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var existing = await db.Skills.AsNoTracking().Select(s => new { s.Code, s.Name }).ToListAsync(cancellationToken);
        var order = 0;
        foreach (var (code, name, special, general) in Defaults)
        {
            order += 10;
            if (existing.All(s => s.Code != code && s.Name != name))
            {
                db.Skills.Add(new Skill { Code = code, Name = name, IsSpecialLine = special, IsGeneral = general, SortOrder = order });
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task<List<SkillDto>> ListAsync(bool includeInactive, CancellationToken cancellationToken)
        => db.Skills.AsNoTracking().Where(s => includeInactive || s.IsActive)
            .OrderBy(s => s.SortOrder).ThenBy(s => s.Code)
            .Select(s => new SkillDto(s.Id, s.Code, s.Name, s.Description, s.IsSpecialLine, s.IsGeneral, s.SortOrder, s.IsActive))
            .ToListAsync(cancellationToken);

    public async Task<SkillDto> SaveAsync(int? id, SaveSkillRequest request, CancellationToken cancellationToken)
    {
        if (await db.Skills.AnyAsync(s => s.Id != id && s.Code == request.Code, cancellationToken))
        {
            throw new ConflictException($"A skill with code '{request.Code}' already exists.", "code");
        }
        if (await db.Skills.AnyAsync(s => s.Id != id && s.Name == request.Name, cancellationToken))
        {
            throw new ConflictException($"A skill named '{request.Name}' already exists.", "name");
        }
        var skill = id is null
            ? db.Skills.Add(new Skill()).Entity
            : await db.Skills.AsTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken) ?? throw new NotFoundException("Skill", id);
        skill.Code = request.Code.Trim();
        skill.Name = request.Name.Trim();
        skill.Description = request.Description?.Trim();
        skill.IsSpecialLine = request.IsSpecialLine;
        skill.IsGeneral = request.IsGeneral;
        skill.SortOrder = request.SortOrder;
        skill.IsActive = request.IsActive;
        await db.SaveChangesAsync(cancellationToken);
        return new SkillDto(skill.Id, skill.Code, skill.Name, skill.Description, skill.IsSpecialLine, skill.IsGeneral, skill.SortOrder, skill.IsActive);
    }
}
