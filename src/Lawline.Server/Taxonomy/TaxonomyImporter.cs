using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Taxonomy;

public sealed record TaxonomyImportReport(string Version, int Created, int Renamed, int Moved, int SkillChanged, int Retired, int Reinstated, int Unchanged)
{
    public int Total => Created + Renamed + Moved + SkillChanged + Retired + Reinstated + Unchanged;
}

/// <summary>
/// Applies a taxonomy file to the database, all or nothing. Matching is by code, so importing the same file
/// twice changes nothing; a changed name is a rename, a changed parent a move, and (when asked) a code
/// missing from the file is retired rather than deleted, because old work orders still point at it.
/// </summary>
public sealed class TaxonomyImporter(AppDbContext db, TaxonomyIndex index, CurrentUser me, TimeProvider clock)
{
    public const int MaxLevel = 5;

    public async Task<TaxonomyImportReport> ImportAsync(TaxonomyDocument document, bool retireMissing, CancellationToken cancellationToken)
    {
        var existing = await db.Categories.AsTracking().ToDictionaryAsync(c => c.Code, StringComparer.Ordinal, cancellationToken);
        var skills = await db.Skills.AsNoTracking().ToDictionaryAsync(s => s.Code, s => s.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var nodes = Validate(document, skills);
        var version = string.IsNullOrWhiteSpace(document.Version) ? clock.GetUtcNow().ToString("yyyyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture) : document.Version.Trim();
        if (version.Length > 32)
        {
            throw new ValidationFailedException("version", "A taxonomy version is at most 32 characters.");
        }

        int created = 0, renamed = 0, moved = 0, skillChanged = 0, retired = 0, reinstated = 0, unchanged = 0;
        var now = clock.GetUtcNow();
        var order = 0;
        foreach (var node in nodes)
        {
            order++;
            var parent = node.ParentCode is null ? null : existing[node.ParentCode];
            int? skillId = node.Skill is null ? null : skills[node.Skill];
            if (!existing.TryGetValue(node.Code, out var category))
            {
                category = new ConsultationCategory
                {
                    Code = node.Code, Name = node.Name, Level = node.Level, Parent = parent, SkillId = skillId,
                    SortOrder = order, Version = version,
                };
                db.Categories.Add(category);
                existing[node.Code] = category;
                Revise(node.Code, CategoryRevisionKind.Created, null, node.Name, version, now);
                created++;
                continue;
            }

            var changed = false;
            if (category.Name != node.Name)
            {
                Revise(node.Code, CategoryRevisionKind.Renamed, category.Name, node.Name, version, now);
                category.Name = node.Name;
                renamed++;
                changed = true;
            }
            var oldParentCode = category.Parent?.Code ?? existing.Values.FirstOrDefault(c => c.Id == category.ParentId && category.ParentId != null)?.Code;
            if (oldParentCode != node.ParentCode)
            {
                Revise(node.Code, CategoryRevisionKind.Moved, oldParentCode, node.ParentCode, version, now);
                category.Parent = parent;
                category.ParentId = parent?.Id;
                category.Level = node.Level;
                moved++;
                changed = true;
            }
            if (category.SkillId != skillId)
            {
                Revise(node.Code, CategoryRevisionKind.SkillChanged, category.SkillId?.ToString(System.Globalization.CultureInfo.InvariantCulture), node.Skill, version, now);
                category.SkillId = skillId;
                skillChanged++;
                changed = true;
            }
            if (category.IsRetired)
            {
                Revise(node.Code, CategoryRevisionKind.Reinstated, null, null, version, now);
                category.IsRetired = false;
                category.RetiredAt = null;
                category.ReplacedByCode = null;
                reinstated++;
                changed = true;
            }
            category.SortOrder = order;
            if (changed)
            {
                category.Version = version;
            }
            else
            {
                unchanged++;
            }
        }

        if (retireMissing)
        {
            var inFile = nodes.Select(n => n.Code).ToHashSet(StringComparer.Ordinal);
            foreach (var category in existing.Values.Where(c => !c.IsRetired && !inFile.Contains(c.Code)))
            {
                category.IsRetired = true;
                category.RetiredAt = now;
                category.Version = version;
                Revise(category.Code, CategoryRevisionKind.Retired, category.Name, null, version, now);
                retired++;
            }
        }

        RecomputePaths(existing.Values);
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        db.AuditEvent(Security.AuditAction.Update, "Taxonomy", version, null,
            $"import {version}: {created} created, {renamed} renamed, {moved} moved, {skillChanged} skill changes, {retired} retired, {reinstated} reinstated");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        index.Invalidate();
        return new TaxonomyImportReport(version, created, renamed, moved, skillChanged, retired, reinstated, unchanged);
    }

    /// <summary>Retires one category, optionally naming the code that replaces it in reports.</summary>
    public async Task RetireAsync(string code, string? replacedByCode, CancellationToken cancellationToken)
    {
        var category = await db.Categories.AsTracking().SingleOrDefaultAsync(c => c.Code == code, cancellationToken)
            ?? throw new NotFoundException("Category", code);
        if (replacedByCode is not null && !await db.Categories.AnyAsync(c => c.Code == replacedByCode && !c.IsRetired, cancellationToken))
        {
            throw new ValidationFailedException("replacedByCode", $"'{replacedByCode}' is not an active category.");
        }
        category.IsRetired = true;
        category.RetiredAt = clock.GetUtcNow();
        category.ReplacedByCode = replacedByCode;
        Revise(code, CategoryRevisionKind.Retired, category.Name, replacedByCode, category.Version, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        index.Invalidate();
    }

    private void Revise(string code, CategoryRevisionKind kind, string? before, string? after, string version, DateTimeOffset at)
        => db.CategoryRevisions.Add(new CategoryRevision
        {
            Code = code, Kind = kind, Before = before, After = after, Version = version, At = at, UserName = me.UserName,
        });

    private static List<TaxonomyNode> Validate(TaxonomyDocument document, Dictionary<string, int> skills)
    {
        var errors = new Dictionary<string, string[]>();
        var levels = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<TaxonomyNode>();
        if (document.Nodes.Count == 0)
        {
            throw new ValidationFailedException("nodes", "The file has no categories.");
        }
        for (var i = 0; i < document.Nodes.Count; i++)
        {
            var node = document.Nodes[i];
            var key = $"nodes[{i + 1}]";
            var problems = new List<string>();
            if (string.IsNullOrWhiteSpace(node.Code) || node.Code.Length > 40 || node.Code.Any(char.IsWhiteSpace))
            {
                problems.Add($"Code '{node.Code}' must be 1–40 characters without spaces.");
            }
            else if (levels.ContainsKey(node.Code))
            {
                problems.Add($"Code '{node.Code}' appears twice.");
            }
            if (string.IsNullOrWhiteSpace(node.Name) || node.Name.Length > 100)
            {
                problems.Add($"'{node.Code}': a name is 1–100 characters.");
            }
            var level = 1;
            if (node.ParentCode is not null)
            {
                if (levels.TryGetValue(node.ParentCode, out var parentLevel))
                {
                    level = parentLevel + 1;
                }
                else
                {
                    problems.Add($"'{node.Code}': parent '{node.ParentCode}' must appear before it in the file.");
                }
            }
            if (node.Level != 0 && node.Level != level && problems.Count == 0)
            {
                problems.Add($"'{node.Code}': level {node.Level} does not match its place in the tree (level {level}).");
            }
            if (level > MaxLevel)
            {
                problems.Add($"'{node.Code}': the taxonomy has at most {MaxLevel} levels.");
            }
            if (node.Skill is not null && !skills.ContainsKey(node.Skill))
            {
                problems.Add($"'{node.Code}': unknown skill '{node.Skill}'.");
            }
            if (problems.Count > 0)
            {
                errors[key] = [.. problems];
                if (errors.Count >= 50)
                {
                    break;
                }
                continue;
            }
            levels[node.Code] = level;
            result.Add(node with { Level = level, Skill = node.Skill is null ? null : skills.Keys.First(k => string.Equals(k, node.Skill, StringComparison.OrdinalIgnoreCase)) });
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        return result;
    }

    private static void RecomputePaths(IEnumerable<ConsultationCategory> categories)
    {
        var all = categories.ToList();
        var byId = all.Where(c => c.Id != 0).ToDictionary(c => c.Id);
        string PathOf(ConsultationCategory c)
        {
            var parent = c.Parent ?? (c.ParentId is { } id ? byId.GetValueOrDefault(id) : null);
            return (parent is null ? "/" : PathOf(parent)) + c.Code + "/";
        }
        foreach (var category in all)
        {
            category.Path = PathOf(category);
            category.Level = category.Path.Count(ch => ch == '/') - 1;
        }
    }
}
