using System.Collections.Frozen;
using Lawline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Taxonomy;

/// <summary>
/// A category as the picker and reports see it: its skill (inherited from the nearest ancestor that has one),
/// the skill set on the category itself (<see cref="OwnSkillCode"/>, what files carry) and its full path name.
/// </summary>
public sealed record CategoryEntry(int Id, string Code, string Name, int Level, string? ParentCode, string Path, string FullName,
    int? SkillId, string? SkillCode, string? SkillName, bool IsRetired, string? ReplacedByCode, string? OwnSkillCode);

public sealed record CategoryMatch(CategoryEntry Category, int Score, bool RecentlyUsed);

/// <summary>
/// The whole taxonomy in memory (1,500 nodes is nothing), rebuilt after every import. The picker matches
/// what an agent types against names (汉字), pinyin initials (ldzy → 劳动争议) and codes, mixing them freely,
/// and puts the agent's recently used categories first.
/// </summary>
public sealed class TaxonomyIndex(IServiceScopeFactory scopes, PinyinInitials pinyin)
{
    private volatile Snapshot? _snapshot;
    private readonly SemaphoreSlim _loading = new(1, 1);

    public void Invalidate() => _snapshot = null;

    public async ValueTask<IReadOnlyList<CategoryEntry>> AllAsync(CancellationToken cancellationToken)
        => (await GetAsync(cancellationToken)).Entries;

    public async ValueTask<CategoryEntry?> FindAsync(string code, CancellationToken cancellationToken)
        => (await GetAsync(cancellationToken)).ByCode.GetValueOrDefault(code);

    /// <summary>Follows replacements of retired categories to the code reports should count under.</summary>
    public async ValueTask<string> CurrentCodeAsync(string code, CancellationToken cancellationToken)
    {
        var snapshot = await GetAsync(cancellationToken);
        var seen = new HashSet<string>();
        while (snapshot.ByCode.TryGetValue(code, out var entry) && entry.IsRetired && entry.ReplacedByCode is { } next && seen.Add(code))
        {
            code = next;
        }
        return code;
    }

    public async ValueTask<IReadOnlyList<CategoryMatch>> SearchAsync(string? query, IReadOnlyList<string> recentCodes, int top,
        bool includeRetired, CancellationToken cancellationToken)
    {
        var snapshot = await GetAsync(cancellationToken);
        var recentRank = recentCodes.Select((code, i) => (code, i)).GroupBy(x => x.code).ToDictionary(g => g.Key, g => g.Min(x => x.i));
        top = Math.Clamp(top, 1, 200);
        var q = (query ?? string.Empty).Trim().ToLowerInvariant();
        if (q.Length == 0)
        {
            // Nothing typed yet: the agent's recent categories, then the top of the tree.
            var recent = recentCodes.Distinct().Select(c => snapshot.ByCode.GetValueOrDefault(c))
                .Where(e => e is not null && (includeRetired || !e.IsRetired))
                .Select(e => new CategoryMatch(e!, 1000, true));
            var roots = snapshot.Entries.Where(e => e.Level <= 2 && (includeRetired || !e.IsRetired)).Select(e => new CategoryMatch(e, 0, false));
            return [.. recent.Concat(roots).DistinctBy(m => m.Category.Code).Take(top)];
        }

        var matches = new List<CategoryMatch>();
        for (var i = 0; i < snapshot.Entries.Count; i++)
        {
            var entry = snapshot.Entries[i];
            if (entry.IsRetired && !includeRetired)
            {
                continue;
            }
            var score = Score(q, entry, snapshot.Initials[i]);
            if (score <= 0)
            {
                continue;
            }
            var isRecent = recentRank.TryGetValue(entry.Code, out var rank);
            if (isRecent)
            {
                score += 200 - Math.Min(rank, 100);
            }
            matches.Add(new CategoryMatch(entry, score, isRecent));
        }
        return [.. matches.OrderByDescending(m => m.Score).ThenBy(m => m.Category.Name.Length).ThenBy(m => m.Category.Code, StringComparer.Ordinal).Take(top)];
    }

    private static int Score(string q, CategoryEntry entry, string[] initials)
    {
        var name = entry.Name;
        if (entry.Code.Equals(q, StringComparison.OrdinalIgnoreCase))
        {
            return 150;
        }
        if (name == q)
        {
            return 140;
        }
        var at = Match(q, name, initials);
        if (at == 0)
        {
            return 100 + entry.Level;
        }
        if (at > 0)
        {
            return 80 + entry.Level;
        }
        if (entry.Code.StartsWith(q, StringComparison.OrdinalIgnoreCase))
        {
            return 60;
        }
        return entry.FullName.Contains(q, StringComparison.Ordinal) ? 40 : 0;
    }

    // Finds a contiguous window of the name where each typed character is either that character or, for a
    // Latin letter, one of its pinyin initials. Returns the window's start, or -1.
    internal static int Match(string q, string name, string[] initials)
    {
        for (var start = 0; start + q.Length <= name.Length; start++)
        {
            var k = 0;
            while (k < q.Length)
            {
                var typed = q[k];
                var actual = name[start + k];
                var ok = typed == actual || (char.IsAsciiLetterLower(typed) && initials[start + k].Contains(typed, StringComparison.Ordinal));
                if (!ok)
                {
                    break;
                }
                k++;
            }
            if (k == q.Length)
            {
                return start;
            }
        }
        return -1;
    }

    private async ValueTask<Snapshot> GetAsync(CancellationToken cancellationToken)
    {
        if (_snapshot is { } ready)
        {
            return ready;
        }
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_snapshot is { } loaded)
            {
                return loaded;
            }
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var rows = await db.Categories.AsNoTracking().OrderBy(c => c.SortOrder).ThenBy(c => c.Code)
                .Select(c => new { c.Id, c.Code, c.Name, c.Level, c.ParentId, c.Path, c.SkillId, SkillCode = c.Skill != null ? c.Skill.Code : null, SkillName = c.Skill != null ? c.Skill.Name : null, c.IsRetired, c.ReplacedByCode })
                .ToListAsync(cancellationToken);
            var byId = rows.ToDictionary(r => r.Id);
            var entries = new List<CategoryEntry>(rows.Count);
            foreach (var r in rows)
            {
                // Walk up for the inherited skill and the full name (民事 > 婚姻家庭、继承纠纷 > 离婚纠纷).
                var names = new List<string>();
                int? skillId = r.SkillId;
                var skillCode = r.SkillCode;
                var skillName = r.SkillName;
                var parentCode = r.ParentId is { } pid && byId.TryGetValue(pid, out var p) ? p.Code : null;
                for (var cursor = r; cursor is not null; cursor = cursor.ParentId is { } id ? byId.GetValueOrDefault(id) : null)
                {
                    names.Add(cursor.Name);
                    if (skillId is null && cursor.SkillId is not null)
                    {
                        skillId = cursor.SkillId;
                        skillCode = cursor.SkillCode;
                        skillName = cursor.SkillName;
                    }
                }
                names.Reverse();
                entries.Add(new CategoryEntry(r.Id, r.Code, r.Name, r.Level, parentCode, r.Path, string.Join(" > ", names),
                    skillId, skillCode, skillName, r.IsRetired, r.ReplacedByCode, r.SkillCode));
            }
            var snapshot = new Snapshot(entries, entries.ToFrozenDictionary(e => e.Code, StringComparer.Ordinal),
                [.. entries.Select(e => e.Name.Select(pinyin.InitialsOf).ToArray())]);
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }

    private sealed record Snapshot(List<CategoryEntry> Entries, FrozenDictionary<string, CategoryEntry> ByCode, string[][] Initials);
}

/// <summary>Pinyin initials of Han characters (行 → "xh"), from the table shipped with the taxonomy.</summary>
public sealed class PinyinInitials
{
    private readonly FrozenDictionary<char, string> _table;

    public PinyinInitials()
    {
        using var stream = typeof(PinyinInitials).Assembly.GetManifestResourceStream("Lawline.Server.Taxonomy.pinyin-initials.txt")
            ?? throw new InvalidOperationException("The pinyin table is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var table = new Dictionary<char, string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length < 3 || line[0] == '#')
            {
                continue;
            }
            var parts = line.Split('\t');
            if (parts.Length == 2 && parts[0].Length == 1)
            {
                table[parts[0][0]] = parts[1].Replace(",", string.Empty, StringComparison.Ordinal).Trim();
            }
        }
        _table = table.ToFrozenDictionary();
    }

    public string InitialsOf(char c) => _table.GetValueOrDefault(c) ?? (char.IsAsciiLetter(c) ? char.ToLowerInvariant(c).ToString() : string.Empty);
}
