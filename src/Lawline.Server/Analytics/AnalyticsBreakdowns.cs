using Lawline.Server.Callers;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Analytics;

public enum TrendGrain
{
    Day = 1,
    Week = 2,
    Month = 3,
}

/// <summary>The figures of one trend bucket (a day, a Monday-to-Sunday week or a month, clipped to the period).</summary>
public sealed record TrendFigures(
    long Inbound,
    long Requests,
    long Answered,
    double? ConnectionRate,
    long Rated,
    double? SatisfactionRate,
    long WorkOrdersCreated,
    long WorkOrdersCompleted,
    double? CompletionRate);

public sealed record TrendPoint(string Label, DateOnly From, DateOnly To, TrendFigures Current, TrendFigures PreviousYear, double? InboundYearOnYear);

public sealed record TrendReport(DateOnly From, DateOnly To, TrendGrain Grain, IReadOnlyList<TrendPoint> Points);

/// <summary>Work orders of one category (at the chosen level) created in the period, against the same period a year before.</summary>
public sealed record CategoryRow(string Code, string Name, long Count, double? Share, long PreviousYear, double? YearOnYear, bool FastGrowing);

/// <summary>
/// Work orders by category at one level of the taxonomy (optionally within one parent, e.g. 民事 only). "Top N" is the share
/// the N largest categories make of the total (Beijing: "four categories make 73.31 % of civil consultations").
/// </summary>
public sealed record CategoryReport(
    DateOnly From,
    DateOnly To,
    int Level,
    string? Parent,
    long Total,
    long PreviousYearTotal,
    double? YearOnYear,
    int TopN,
    double? TopShare,
    IReadOnlyList<CategoryRow> Rows,
    IReadOnlyList<CategoryRow> FastestGrowing);

/// <summary>Inbound calls of a province (or of a city within one province).</summary>
public sealed record RegionRow(string Name, long Inbound, long Answered, double? Share, long OutOfRegion, long PreviousYear, double? YearOnYear);

/// <summary>Inbound calls by the caller number's region; in-region vs out-of-region as the KPI defines it (known province only).</summary>
public sealed record RegionReport(
    DateOnly From,
    DateOnly To,
    string? Province,
    long Inbound,
    long RegionKnown,
    long OutOfRegion,
    double? OutOfRegionShare,
    double? PreviousYearOutOfRegionShare,
    double? OutOfRegionShareChange,
    long PreviousYearInbound,
    double? YearOnYear,
    IReadOnlyList<RegionRow> Rows);

/// <summary>Inbound calls per weekday (0 = Monday) and Beijing hour.</summary>
public sealed record HeatmapReport(DateOnly From, DateOnly To, long[][] Inbound, long[][] Answered, long Max);

/// <summary>Supply vs demand of one skill: how many asked for it and how many were answered.</summary>
public sealed record SkillRow(
    string Code,
    string Name,
    long Requests,
    long Answered,
    long Abandoned,
    double? ConnectionRate,
    double? AverageSpeedOfAnswerSeconds,
    long Unanswered,
    long PreviousYearRequests,
    double? RequestsYearOnYear);

public sealed record SkillReport(DateOnly From, DateOnly To, IReadOnlyList<SkillRow> Rows);

public sealed record AgentRow(
    int AgentId,
    string Name,
    long Answered,
    double? AverageTalkSeconds,
    double? AverageWrapUpSeconds,
    double TotalTalkHours,
    long Rated,
    long Satisfied,
    long BasicallySatisfied,
    long Dissatisfied,
    double? SatisfactionRate,
    long WorkOrdersCreated,
    long WorkOrdersCompleted,
    double? CompletionRate,
    double SignedInHours);

public sealed record AgentReport(DateOnly From, DateOnly To, IReadOnlyList<AgentRow> Rows);

/// <summary>One seat over the period: time signed in, how many agents sat there, the work orders registered at it.</summary>
public sealed record SeatRow(
    int SeatId,
    string Code,
    string Name,
    double SignedInHours,
    int Agents,
    long WorkOrdersCreated,
    long WorkOrdersCompleted,
    double? CompletionRate);

public sealed record SeatReport(DateOnly From, DateOnly To, IReadOnlyList<SeatRow> Rows);

public sealed record ChannelRow(WorkOrderChannel Channel, long Created, double? Share, long Completed, double? CompletionRate, long PreviousYear, double? YearOnYear);

public sealed record ChannelReport(DateOnly From, DateOnly To, long Total, IReadOnlyList<ChannelRow> Rows);

public sealed record CallerTypeRow(CallerType CallerType, long Created, double? Share, long PreviousYear, double? YearOnYear);

public sealed record CallerTypeReport(DateOnly From, DateOnly To, long Total, IReadOnlyList<CallerTypeRow> Rows);

/// <summary>
/// The statistics of issue 9 over the rollups, for a platform with its sub-platforms and an inclusive period of Beijing
/// days: trend, categories at any taxonomy level, caller regions, the hour × weekday heatmap, supply vs demand per skill,
/// agents, seats, channels and caller types, each (where it makes sense) against the same period a year before. Every query is a
/// grouped range scan of a rollup table, so the cost follows the number of days and groups, never the raw record count.
/// The dashboard, its API and the generated reports all read these.
/// </summary>
public sealed class AnalyticsBreakdowns(AppDbContext db, KpiService kpis)
{
    /// <summary>Growth above this is "fastest growing" (Beijing's half-year report: "增长超过 30 %").</summary>
    public const double FastGrowthThreshold = 0.30;

    public DateOnly Today => kpis.Today;

    /// <summary>The period check every breakdown shares with the KPI API: a field error, never a 500.</summary>
    public static void CheckPeriod(DateOnly from, DateOnly to)
    {
        if (to < from)
        {
            throw new ValidationFailedException("to", "The end of the period is before its start.");
        }

        if (to.DayNumber - from.DayNumber + 1 > KpiService.MaxDays)
        {
            throw new ValidationFailedException("to", $"A period can cover at most {KpiService.MaxDays} days.");
        }
    }

    /// <summary>Relative change (null without a base).</summary>
    public static double? Growth(long now, long before) => before == 0 ? null : (double)(now - before) / before;

    private sealed record WorkOrderSlice(string CategoryCode, WorkOrderChannel Channel, long Created, long Completed);

    /// <summary>
    /// Work orders created in [from, to] per category and channel: the whole calendar months inside the period from the
    /// month rollup, the days of a partial month at either end from the day rollup (a year is twelve month reads, not
    /// 365 days of per-category rows).
    /// </summary>
    private async Task<List<WorkOrderSlice>> WorkOrderSlicesAsync(IReadOnlyCollection<int> ids, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var split = MonthSplit.Of(from, to);
        var parts = new List<WorkOrderSlice>();
        foreach (var (start, end) in split.Days)
        {
            parts.AddRange((await db.WorkOrderDayStats.AsNoTracking()
                    .Where(s => ids.Contains(s.PlatformId) && s.Day >= start && s.Day <= end)
                    .GroupBy(s => new { s.CategoryCode, s.Channel })
                    .Select(g => new { g.Key.CategoryCode, g.Key.Channel, Created = g.Sum(s => (long)s.Created), Completed = g.Sum(s => (long)s.Completed) })
                    .ToListAsync(ct))
                .Select(r => new WorkOrderSlice(r.CategoryCode, r.Channel, r.Created, r.Completed)));
        }

        if (split is { FirstMonth: { } first, AfterLastMonth: { } after })
        {
            parts.AddRange((await db.WorkOrderMonthStats.AsNoTracking()
                    .Where(s => ids.Contains(s.PlatformId) && s.Month >= first && s.Month < after)
                    .GroupBy(s => new { s.CategoryCode, s.Channel })
                    .Select(g => new { g.Key.CategoryCode, g.Key.Channel, Created = g.Sum(s => (long)s.Created), Completed = g.Sum(s => (long)s.Completed) })
                    .ToListAsync(ct))
                .Select(r => new WorkOrderSlice(r.CategoryCode, r.Channel, r.Created, r.Completed)));
        }

        return [.. parts.GroupBy(p => (p.CategoryCode, p.Channel))
            .Select(g => new WorkOrderSlice(g.Key.CategoryCode, g.Key.Channel, g.Sum(p => p.Created), g.Sum(p => p.Completed)))];
    }

    private async Task<List<int>> ScopeAsync(int? platformId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        CheckPeriod(from, to);
        var (ids, _) = await kpis.ScopeAsync(platformId, ct);
        return [.. ids];
    }

    public async Task<TrendReport> TrendAsync(int? platformId, DateOnly from, DateOnly to, TrendGrain grain, CancellationToken ct)
    {
        var ids = await ScopeAsync(platformId, from, to, ct);
        var current = await DailyAsync(ids, from, to, ct);
        var lastYear = await DailyAsync(ids, from.AddYears(-1), to.AddYears(-1), ct);
        var points = new List<TrendPoint>();
        for (var start = from; start <= to;)
        {
            var end = grain switch
            {
                TrendGrain.Week => start.AddDays(6 - (((int)start.DayOfWeek + 6) % 7)),
                TrendGrain.Month => new DateOnly(start.Year, start.Month, 1).AddMonths(1).AddDays(-1),
                _ => start,
            };
            if (end > to)
            {
                end = to;
            }

            var label = grain switch
            {
                TrendGrain.Month => start.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
                _ => start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            };
            var now = Sum(current, start, end);
            var before = Sum(lastYear, start.AddYears(-1), end.AddYears(-1));
            points.Add(new TrendPoint(label, start, end, now, before, Growth(now.Inbound, before.Inbound)));
            start = end.AddDays(1);
        }

        return new TrendReport(from, to, grain, points);
    }

    private sealed record DayFigures(long Inbound, long Requests, long Answered, long Satisfied, long Rated, long Created, long Completed);

    /// <summary>Per day: call figures, plus the work orders and (for channels other than the phone) their ratings.</summary>
    private async Task<Dictionary<DateOnly, DayFigures>> DailyAsync(List<int> ids, DateOnly from, DateOnly to, CancellationToken ct)
    {
        // The day totals (one row per platform-day). As in KpiService: a phone work order's rating is its call's
        // rating, counted once with the call; other channels' work orders are services of their own.
        var rows = await db.PlatformDayStats.AsNoTracking()
            .Where(s => ids.Contains(s.PlatformId) && s.Day >= from && s.Day <= to)
            .GroupBy(s => s.Day)
            .Select(g => new
            {
                Day = g.Key,
                Inbound = g.Sum(s => (long)s.Inbound),
                Requests = g.Sum(s => (long)s.Requests),
                Answered = g.Sum(s => (long)s.Answered),
                Satisfied = g.Sum(s => (long)s.Satisfied + s.BasicallySatisfied + s.OtherChannelSatisfied + s.OtherChannelBasicallySatisfied),
                Rated = g.Sum(s => (long)s.Satisfied + s.BasicallySatisfied + s.Dissatisfied
                    + s.OtherChannelSatisfied + s.OtherChannelBasicallySatisfied + s.OtherChannelDissatisfied),
                Created = g.Sum(s => (long)s.WorkOrdersCreated),
                Completed = g.Sum(s => (long)s.WorkOrdersCompleted),
            })
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.Day, r => new DayFigures(r.Inbound, r.Requests, r.Answered, r.Satisfied, r.Rated, r.Created, r.Completed));
    }

    private static TrendFigures Sum(Dictionary<DateOnly, DayFigures> days, DateOnly from, DateOnly to)
    {
        long inbound = 0, requests = 0, answered = 0, satisfied = 0, rated = 0, created = 0, completed = 0;
        foreach (var (day, f) in days)
        {
            if (day >= from && day <= to)
            {
                inbound += f.Inbound;
                requests += f.Requests;
                answered += f.Answered;
                satisfied += f.Satisfied;
                rated += f.Rated;
                created += f.Created;
                completed += f.Completed;
            }
        }

        return new TrendFigures(inbound, requests, answered, KpiDefinitions.Rate(answered, requests), rated, KpiDefinitions.Rate(satisfied, rated),
            created, completed, KpiDefinitions.Rate(completed, created));
    }

    public async Task<CategoryReport> CategoriesAsync(int? platformId, DateOnly from, DateOnly to, int level, string? parent, int topN,
        CancellationToken ct)
    {
        if (level is < 1 or > Taxonomy.TaxonomyImporter.MaxLevel)
        {
            throw new ValidationFailedException("level", $"The taxonomy level is between 1 and {Taxonomy.TaxonomyImporter.MaxLevel}.");
        }

        if (topN is < 1 or > 50)
        {
            throw new ValidationFailedException("top", "Top N is between 1 and 50.");
        }

        parent = string.IsNullOrWhiteSpace(parent) ? null : parent.Trim();
        var ids = await ScopeAsync(platformId, from, to, ct);
        var categories = await db.Categories.AsNoTracking().Select(c => new { c.Code, c.Name, c.Path }).ToListAsync(ct);
        var paths = categories.ToDictionary(c => c.Code, c => c.Path.Split('/', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        var names = categories.ToDictionary(c => c.Code, c => c.Name, StringComparer.Ordinal);
        if (parent is not null && !names.ContainsKey(parent))
        {
            throw new ValidationFailedException("parent", $"There is no category {parent}.");
        }

        var parentLevel = parent is null ? 0 : paths[parent].Length;
        if (parent is not null && level <= parentLevel)
        {
            throw new ValidationFailedException("level", "The level must be below the parent category's.");
        }

        string[] Ancestry(string code) => paths.TryGetValue(code, out var p) ? p
            : code.Split('.').Select((_, i) => string.Join('.', code.Split('.').Take(i + 1))).ToArray();

        // The code a work order counts under at the chosen level ("" when unclassified or classified above the level),
        // or null when it lies outside the parent.
        string? Bucket(string code)
        {
            if (code.Length == 0)
            {
                return parent is null ? "" : null;
            }

            var ancestry = Ancestry(code);
            if (parent is not null && (ancestry.Length < parentLevel || ancestry[parentLevel - 1] != parent))
            {
                return null;
            }

            return ancestry.Length >= level ? ancestry[level - 1] : "";
        }

        async Task<Dictionary<string, long>> CountAsync(DateOnly start, DateOnly end)
        {
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var r in await WorkOrderSlicesAsync(ids, start, end, ct))
            {
                if (Bucket(r.CategoryCode) is { } bucket)
                {
                    counts[bucket] = counts.GetValueOrDefault(bucket) + r.Created;
                }
            }

            return counts;
        }

        var now = await CountAsync(from, to);
        var before = await CountAsync(from.AddYears(-1), to.AddYears(-1));
        var total = now.Values.Sum();
        var previousTotal = before.Values.Sum();
        var rows = now.Keys.Union(before.Keys)
            .Select(code =>
            {
                var count = now.GetValueOrDefault(code);
                var previous = before.GetValueOrDefault(code);
                var growth = Growth(count, previous);
                return new CategoryRow(code, code.Length == 0 ? "" : names.GetValueOrDefault(code, code), count, KpiDefinitions.Rate(count, total),
                    previous, growth, growth > FastGrowthThreshold);
            })
            .OrderByDescending(r => r.Count).ThenBy(r => r.Code, StringComparer.Ordinal)
            .ToList();
        var top = rows.Where(r => r.Code.Length > 0).Take(topN).Sum(r => r.Count);
        var fastest = rows.Where(r => r.FastGrowing && r.Code.Length > 0).OrderByDescending(r => r.YearOnYear).ThenBy(r => r.Code, StringComparer.Ordinal).ToList();
        return new CategoryReport(from, to, level, parent, total, previousTotal, Growth(total, previousTotal), topN, KpiDefinitions.Rate(top, total), rows, fastest);
    }

    public async Task<RegionReport> RegionsAsync(int? platformId, DateOnly from, DateOnly to, string? province, CancellationToken ct)
    {
        province = string.IsNullOrWhiteSpace(province) ? null : province.Trim();
        var ids = await ScopeAsync(platformId, from, to, ct);
        var regions = await db.Platforms.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.ServiceRegion })
            .ToDictionaryAsync(p => p.Id, p => p.ServiceRegion, ct);

        async Task<List<(int Platform, string Province, string City, long Inbound, long Answered)>> LoadAsync(DateOnly start, DateOnly end)
        {
            var query = db.CallRegionStats.AsNoTracking().Where(s => ids.Contains(s.PlatformId) && s.Day >= start && s.Day <= end);
            if (province is not null)
            {
                query = query.Where(s => s.Province == province);
            }

            var raw = await query
                .GroupBy(s => new { s.PlatformId, s.Province, s.City })
                .Select(g => new { g.Key.PlatformId, g.Key.Province, g.Key.City, Inbound = g.Sum(s => (long)s.Inbound), Answered = g.Sum(s => (long)s.Answered) })
                .ToListAsync(ct);
            return [.. raw.Select(r => (r.PlatformId, r.Province, r.City, r.Inbound, r.Answered))];
        }

        bool Out(int platform, string p) => KpiDefinitions.IsOutOfRegion(regions.GetValueOrDefault(platform), p);
        var now = await LoadAsync(from, to);
        var before = await LoadAsync(from.AddYears(-1), to.AddYears(-1));
        var inbound = now.Sum(r => r.Inbound);
        var known = now.Where(r => r.Province.Length > 0).Sum(r => r.Inbound);
        var outside = now.Where(r => Out(r.Platform, r.Province)).Sum(r => r.Inbound);
        var knownBefore = before.Where(r => r.Province.Length > 0).Sum(r => r.Inbound);
        var outsideBefore = before.Where(r => Out(r.Platform, r.Province)).Sum(r => r.Inbound);
        var share = KpiDefinitions.Rate(outside, known);
        var shareBefore = KpiDefinitions.Rate(outsideBefore, knownBefore);
        var previousInbound = before.Sum(r => r.Inbound);
        string Key((int Platform, string Province, string City, long Inbound, long Answered) r) => province is null ? r.Province : r.City;
        var previousByName = before.GroupBy(Key).ToDictionary(g => g.Key, g => g.Sum(r => r.Inbound), StringComparer.Ordinal);
        var rows = now.GroupBy(Key)
            .Select(g =>
            {
                var count = g.Sum(r => r.Inbound);
                var previous = previousByName.GetValueOrDefault(g.Key);
                return new RegionRow(g.Key, count, g.Sum(r => r.Answered), KpiDefinitions.Rate(count, inbound), g.Where(r => Out(r.Platform, r.Province)).Sum(r => r.Inbound),
                    previous, Growth(count, previous));
            })
            .OrderByDescending(r => r.Inbound).ThenBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        return new RegionReport(from, to, province, inbound, known, outside, share, shareBefore, share - shareBefore, previousInbound,
            Growth(inbound, previousInbound), rows);
    }

    public async Task<HeatmapReport> HeatmapAsync(int? platformId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var ids = await ScopeAsync(platformId, from, to, ct);
        var raw = await db.CallHourStats.AsNoTracking()
            .Where(s => ids.Contains(s.PlatformId) && s.Day >= from && s.Day <= to)
            .GroupBy(s => new { s.Day, s.Hour })
            .Select(g => new { g.Key.Day, g.Key.Hour, Inbound = g.Sum(s => (long)s.Inbound), Answered = g.Sum(s => (long)s.Answered) })
            .ToListAsync(ct);
        var inbound = Enumerable.Range(0, 7).Select(_ => new long[24]).ToArray();
        var answered = Enumerable.Range(0, 7).Select(_ => new long[24]).ToArray();
        foreach (var r in raw)
        {
            var weekday = ((int)r.Day.DayOfWeek + 6) % 7;
            inbound[weekday][r.Hour] += r.Inbound;
            answered[weekday][r.Hour] += r.Answered;
        }

        return new HeatmapReport(from, to, inbound, answered, inbound.SelectMany(x => x).DefaultIfEmpty(0).Max());
    }

    public async Task<SkillReport> SkillsAsync(int? platformId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var ids = await ScopeAsync(platformId, from, to, ct);

        async Task<Dictionary<string, (long Requests, long Answered, long Abandoned, long Wait)>> LoadAsync(DateOnly start, DateOnly end)
            => (await db.CallDayStats.AsNoTracking()
                .Where(s => ids.Contains(s.PlatformId) && s.Day >= start && s.Day <= end && s.SkillCode != "")
                .GroupBy(s => s.SkillCode)
                .Select(g => new
                {
                    Code = g.Key,
                    Requests = g.Sum(s => (long)s.Requests),
                    Answered = g.Sum(s => (long)s.Answered),
                    Abandoned = g.Sum(s => (long)s.Abandoned),
                    Wait = g.Sum(s => s.WaitSeconds),
                })
                .ToListAsync(ct))
                .ToDictionary(r => r.Code, r => (r.Requests, r.Answered, r.Abandoned, r.Wait), StringComparer.Ordinal);

        var now = await LoadAsync(from, to);
        var before = await LoadAsync(from.AddYears(-1), to.AddYears(-1));
        var names = await db.Skills.AsNoTracking().Select(s => new { s.Code, s.Name }).ToDictionaryAsync(s => s.Code, s => s.Name, ct);
        var rows = now.Select(r =>
            {
                var previous = before.GetValueOrDefault(r.Key).Requests;
                var (requests, answered, abandoned, wait) = r.Value;
                return new SkillRow(r.Key, names.GetValueOrDefault(r.Key, r.Key), requests, answered, abandoned, KpiDefinitions.Rate(answered, requests),
                    KpiDefinitions.Average(wait, answered), Math.Max(0, requests - answered), previous, Growth(requests, previous));
            })
            .OrderByDescending(r => r.Requests).ThenBy(r => r.Code, StringComparer.Ordinal)
            .ToList();
        return new SkillReport(from, to, rows);
    }

    public async Task<AgentReport> AgentsAsync(int? platformId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var ids = await ScopeAsync(platformId, from, to, ct);
        var raw = await db.CallDayStats.AsNoTracking()
            .Where(s => ids.Contains(s.PlatformId) && s.Day >= from && s.Day <= to && s.AgentId != 0)
            .GroupBy(s => s.AgentId)
            .Select(g => new
            {
                AgentId = g.Key,
                Answered = g.Sum(s => (long)s.Answered),
                Talk = g.Sum(s => s.TalkSeconds),
                Talked = g.Sum(s => (long)s.Talked),
                Wrap = g.Sum(s => s.WrapSeconds),
                Wrapped = g.Sum(s => (long)s.WrappedUp),
                Satisfied = g.Sum(s => (long)s.Satisfied),
                Basically = g.Sum(s => (long)s.BasicallySatisfied),
                Dissatisfied = g.Sum(s => (long)s.Dissatisfied),
            })
            .ToListAsync(ct);
        var calls = raw.ToDictionary(r => r.AgentId);
        var work = (await AgentDaysAsync(ids, from, to, ct))
            .GroupBy(r => r.AgentId)
            .ToDictionary(g => g.Key, g => (Created: g.Sum(r => r.Created), Completed: g.Sum(r => r.Completed), Seconds: g.Sum(r => r.Seconds)));
        var agentIds = calls.Keys.Union(work.Keys).ToList();
        var names = await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id)).Select(a => new { a.Id, a.Name }).ToDictionaryAsync(a => a.Id, a => a.Name, ct);
        var rows = agentIds.Select(id =>
            {
                var c = calls.GetValueOrDefault(id);
                var (created, completed, seconds) = work.GetValueOrDefault(id);
                var (satisfied, basically, dissatisfied) = (c?.Satisfied ?? 0, c?.Basically ?? 0, c?.Dissatisfied ?? 0);
                var rated = satisfied + basically + dissatisfied;
                return new AgentRow(id, names.GetValueOrDefault(id, $"#{id}"), c?.Answered ?? 0, KpiDefinitions.Average(c?.Talk ?? 0, c?.Talked ?? 0),
                    KpiDefinitions.Average(c?.Wrap ?? 0, c?.Wrapped ?? 0), Math.Round((c?.Talk ?? 0) / 3600.0, 2), rated, satisfied, basically, dissatisfied,
                    KpiDefinitions.Rate(satisfied + basically, rated), created, completed, KpiDefinitions.Rate(completed, created), Hours(seconds));
            })
            .OrderByDescending(r => r.Answered).ThenByDescending(r => r.WorkOrdersCreated).ThenBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        return new AgentReport(from, to, rows);
    }

    private static double Hours(long seconds) => Math.Round(seconds / 3600.0, 2);

    private sealed record AgentDaySlice(int AgentId, int SeatId, long Created, long Completed, long Seconds);

    /// <summary>Work orders and signed-in seconds per agent and seat over the period, from the agent day rollup.</summary>
    private async Task<List<AgentDaySlice>> AgentDaysAsync(IReadOnlyCollection<int> ids, DateOnly from, DateOnly to, CancellationToken ct)
        => [.. (await db.AgentDayStats.AsNoTracking()
                .Where(s => ids.Contains(s.PlatformId) && s.Day >= from && s.Day <= to)
                .GroupBy(s => new { s.AgentId, s.SeatId })
                .Select(g => new
                {
                    g.Key.AgentId,
                    g.Key.SeatId,
                    Created = g.Sum(s => (long)s.WorkOrdersCreated),
                    Completed = g.Sum(s => (long)s.WorkOrdersCompleted),
                    Seconds = g.Sum(s => s.SignedInSeconds),
                })
                .ToListAsync(ct))
            .Select(r => new AgentDaySlice(r.AgentId, r.SeatId, r.Created, r.Completed, r.Seconds))];

    /// <summary>Per seat: hours signed in, the agents who sat there (signed in or registered work orders), work orders and completion rate.</summary>
    public async Task<SeatReport> SeatsAsync(int? platformId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var ids = await ScopeAsync(platformId, from, to, ct);
        var bySeat = (await AgentDaysAsync(ids, from, to, ct)).Where(r => r.SeatId != 0).GroupBy(r => r.SeatId).ToList();
        var seatIds = bySeat.Select(g => g.Key).ToList();
        var seats = await db.Seats.AsNoTracking().Where(s => seatIds.Contains(s.Id)).Select(s => new { s.Id, s.Code, s.Name })
            .ToDictionaryAsync(s => s.Id, ct);
        var rows = bySeat.Select(g =>
            {
                var seat = seats.GetValueOrDefault(g.Key);
                var created = g.Sum(r => r.Created);
                var completed = g.Sum(r => r.Completed);
                return new SeatRow(g.Key, seat?.Code ?? $"#{g.Key}", seat?.Name ?? "", Hours(g.Sum(r => r.Seconds)), g.Select(r => r.AgentId).Distinct().Count(),
                    created, completed, KpiDefinitions.Rate(completed, created));
            })
            .OrderByDescending(r => r.WorkOrdersCreated).ThenByDescending(r => r.SignedInHours).ThenBy(r => r.Code, StringComparer.Ordinal)
            .ToList();
        return new SeatReport(from, to, rows);
    }

    public async Task<ChannelReport> ChannelsAsync(int? platformId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var ids = await ScopeAsync(platformId, from, to, ct);

        async Task<Dictionary<WorkOrderChannel, (long Created, long Completed)>> LoadAsync(DateOnly start, DateOnly end)
            => (await WorkOrderSlicesAsync(ids, start, end, ct))
                .GroupBy(r => r.Channel)
                .ToDictionary(g => g.Key, g => (g.Sum(r => r.Created), g.Sum(r => r.Completed)));

        var now = await LoadAsync(from, to);
        var before = await LoadAsync(from.AddYears(-1), to.AddYears(-1));
        var total = now.Values.Sum(v => v.Created);
        var rows = now.Keys.Union(before.Keys)
            .Select(c =>
            {
                var (created, completed) = now.GetValueOrDefault(c);
                var previous = before.GetValueOrDefault(c).Created;
                return new ChannelRow(c, created, KpiDefinitions.Rate(created, total), completed, KpiDefinitions.Rate(completed, created), previous, Growth(created, previous));
            })
            .OrderByDescending(r => r.Created).ThenBy(r => r.Channel)
            .ToList();
        return new ChannelReport(from, to, total, rows);
    }

    public async Task<CallerTypeReport> CallerTypesAsync(int? platformId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var ids = await ScopeAsync(platformId, from, to, ct);

        async Task<Dictionary<CallerType, long>> LoadAsync(DateOnly start, DateOnly end)
            => (await db.WorkOrderRegionStats.AsNoTracking()
                .Where(s => ids.Contains(s.PlatformId) && s.Day >= start && s.Day <= end)
                .GroupBy(s => s.CallerType)
                .Select(g => new { Type = g.Key, Created = g.Sum(s => (long)s.Created) })
                .ToListAsync(ct))
                .ToDictionary(r => r.Type, r => r.Created);

        var now = await LoadAsync(from, to);
        var before = await LoadAsync(from.AddYears(-1), to.AddYears(-1));
        var total = now.Values.Sum();
        var rows = now.Keys.Union(before.Keys)
            .Select(t => new CallerTypeRow(t, now.GetValueOrDefault(t), KpiDefinitions.Rate(now.GetValueOrDefault(t), total), before.GetValueOrDefault(t),
                Growth(now.GetValueOrDefault(t), before.GetValueOrDefault(t))))
            .OrderByDescending(r => r.Created).ThenBy(r => r.CallerType)
            .ToList();
        return new CallerTypeReport(from, to, total, rows);
    }
}
