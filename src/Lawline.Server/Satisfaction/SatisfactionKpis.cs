using System.Linq.Expressions;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Satisfaction;

/// <summary>What a satisfaction table is split by. The period groupings use Beijing days, Monday weeks and calendar months.</summary>
public enum KpiGrouping
{
    Agent,
    Seat,
    Skill,
    Platform,
    Day,
    Week,
    Month,
}

/// <summary>
/// The counts behind the satisfaction KPIs of design.md, for one group. Rates are null when there is nothing to divide by:
/// 评价率 = rated ÷ answered, 满意率 = (满意 + 基本满意) ÷ rated, strict 满意率 = 满意 ÷ rated, and callback coverage =
/// low-rating callbacks (回访) done ÷ all low-rating callbacks opened in the period.
/// </summary>
public sealed record SatisfactionCounts(
    int Answered,
    int Rated,
    int Satisfied,
    int BasicallySatisfied,
    int Dissatisfied,
    int Callbacks,
    int CallbacksDone)
{
    public static readonly SatisfactionCounts Zero = new(0, 0, 0, 0, 0, 0, 0);

    public int LowRatings => BasicallySatisfied + Dissatisfied;

    public double? RatingRate => Answered == 0 ? null : (double)Rated / Answered;

    public double? SatisfactionRate => Rated == 0 ? null : (double)(Satisfied + BasicallySatisfied) / Rated;

    public double? StrictSatisfactionRate => Rated == 0 ? null : (double)Satisfied / Rated;

    public double? CallbackCoverage => Callbacks == 0 ? null : (double)CallbacksDone / Callbacks;

    public SatisfactionCounts Add(SatisfactionCounts other) => new(
        Answered + other.Answered, Rated + other.Rated, Satisfied + other.Satisfied, BasicallySatisfied + other.BasicallySatisfied,
        Dissatisfied + other.Dissatisfied, Callbacks + other.Callbacks, CallbacksDone + other.CallbacksDone);
}

/// <summary>
/// One row of a satisfaction table: <paramref name="Id"/> is the agent, seat or platform id; <paramref name="Code"/> the
/// skill code; <paramref name="PeriodStart"/> the first Beijing day of a day, week or month. All are null on the total
/// row and on the row of services with no agent, seat or skill.
/// </summary>
public sealed record SatisfactionKpiRow(int? Id, string? Code, DateOnly? PeriodStart, string Label, SatisfactionCounts Counts);

public sealed record SatisfactionKpiTable(
    DateOnly From,
    DateOnly To,
    int? PlatformId,
    KpiGrouping GroupBy,
    IReadOnlyList<SatisfactionKpiRow> Rows,
    SatisfactionKpiRow Total);

/// <summary>A lawyer's own figures (the desk and <c>/api/satisfaction/kpis/me</c>).</summary>
public sealed record MySatisfactionDto(int AgentId, SatisfactionCounts Today, SatisfactionCounts ThisMonth);

/// <summary>One recent rated service of a lawyer, with the 回访 it caused, if any.</summary>
public sealed record RatedServiceDto(
    long? CallRecordId,
    int? WorkOrderId,
    DateTimeOffset At,
    string? SkillCode,
    CallRating Rating,
    CallbackStatus? CallbackStatus);

/// <summary>
/// The satisfaction KPIs (design.md) for a scope and a period, computed in the database from the current rating of each
/// service — one rating per service, so a call rated twice counts once:
/// <list type="bullet">
/// <item>phone services: answered inbound call records, by arrival time, rated through <see cref="CallRecord.Rating"/>;</item>
/// <item>other services: work orders of a channel other than Phone that no call is bound to, by registration time,
/// rated through <see cref="WorkOrder.Rating"/> (a phone call's work order copies the call's rating and is not counted twice).</item>
/// </list>
/// The scope is what the <see cref="AppDbContext"/>'s user sees (its query filters), narrowed to one platform and its
/// sub-platforms when asked. Periods are Beijing days from <c>from</c> to <c>to</c>, both included (as in the analytics API). Reused by the wallboard, the desk and analytics.
/// </summary>
public sealed class SatisfactionKpis(AppDbContext db, TimeProvider clock)
{
    public static readonly TimeSpan Beijing = DutyTimes.Offset;

    /// <summary>The longest period of one table.</summary>
    public const int MaxDays = 366;

    /// <summary>The longest period of a day-by-day table (one query set per day).</summary>
    public const int MaxDaysByDay = 93;

    /// <summary>A Beijing day's first instant, in UTC (PostgreSQL's timestamptz takes offset 0 only).</summary>
    public static DateTimeOffset StartOf(DateOnly day) => Analytics.KpiDefinitions.DayBounds(day).From;

    public static DateOnly BeijingDay(DateTimeOffset instant) => Analytics.KpiDefinitions.DayOf(instant);

    public DateOnly Today => BeijingDay(clock.GetUtcNow());

    /// <summary>
    /// The table of <paramref name="grouping"/> rows and a total for the Beijing days <paramref name="from"/> to
    /// <paramref name="to"/>, both included. The total row's label is empty (the page and the Excel file name it).
    /// </summary>
    public async Task<SatisfactionKpiTable> TableAsync(DateOnly from, DateOnly to, int? platformId, KpiGrouping grouping, CancellationToken cancellationToken)
    {
        if (to < from)
        {
            throw new ValidationFailedException("to", "The end of the period must not be before its start.");
        }

        var days = to.DayNumber - from.DayNumber + 1;
        if (days > MaxDays)
        {
            throw new ValidationFailedException("to", $"The period may be at most {MaxDays} days.");
        }

        if (grouping == KpiGrouping.Day && days > MaxDaysByDay)
        {
            throw new ValidationFailedException("groupBy", $"A day-by-day table may cover at most {MaxDaysByDay} days; group by week or month.");
        }

        var platforms = await ScopeAsync(platformId, cancellationToken);
        var start = StartOf(from);
        var end = StartOf(to.AddDays(1));
        List<SatisfactionKpiRow> rows;
        if (grouping is KpiGrouping.Day or KpiGrouping.Week or KpiGrouping.Month)
        {
            rows = [];
            foreach (var (first, next) in Periods(from, to.AddDays(1), grouping))
            {
                var tallies = await PeriodTallyAsync(platforms.Keys, first, next.AddDays(-1), KpiGrouping.Platform, cancellationToken);
                var counts = tallies.Values.Aggregate(SatisfactionCounts.Zero, (sum, c) => sum.Add(c));
                rows.Add(new SatisfactionKpiRow(null, null, first, PeriodLabel(first, next, grouping), counts));
            }
        }
        else
        {
            rows = await GroupedAsync(platforms, from, to, grouping, cancellationToken);
        }

        var total = rows.Aggregate(SatisfactionCounts.Zero, (sum, r) => sum.Add(r.Counts));
        return new SatisfactionKpiTable(from, to, platformId, grouping, rows, new SatisfactionKpiRow(null, null, null, "", total));
    }

    /// <summary>Every platform's own figures for [<paramref name="start"/>, <paramref name="end"/>) (the wallboard's cards).</summary>
    public async Task<IReadOnlyDictionary<int, SatisfactionCounts>> ByPlatformAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var platforms = await ScopeAsync(null, cancellationToken);
        var tallies = await TallyAsync(platforms.Keys, start, end, r => (int?)r.PlatformId, c => (int?)c.PlatformId, cancellationToken);
        return tallies.Where(t => t.Key.Id is not null).ToDictionary(t => t.Key.Id!.Value, t => t.Value);
    }

    /// <summary>A lawyer's figures today and this month (Beijing).</summary>
    public async Task<MySatisfactionDto> ForAgentAsync(int agentId, CancellationToken cancellationToken)
    {
        var today = Today;
        var month = new DateOnly(today.Year, today.Month, 1);
        var platforms = await ScopeAsync(null, cancellationToken);
        var end = StartOf(today.AddDays(1));
        var day = await AgentAsync(platforms.Keys, agentId, StartOf(today), end, cancellationToken);
        var thisMonth = today == month ? day : await AgentAsync(platforms.Keys, agentId, StartOf(month), end, cancellationToken);
        return new MySatisfactionDto(agentId, day, thisMonth);
    }

    /// <summary>A lawyer's most recent rated services (newest first), with the 回访 each low rating opened.</summary>
    public async Task<IReadOnlyList<RatedServiceDto>> RecentRatingsAsync(int agentId, int take, CancellationToken cancellationToken)
    {
        take = Math.Clamp(take, 1, 200);
        var calls = await db.CallRecords.AsNoTracking()
            .Where(r => r.AgentId == agentId && r.Channel == CallChannel.Inbound && r.AnsweredAt != null && r.Rating != null)
            .OrderByDescending(r => r.ArrivedAt)
            .Take(take)
            .Select(r => new { r.Id, r.WorkOrderId, r.ArrivedAt, r.SkillCode, Rating = r.Rating!.Value })
            .ToListAsync(cancellationToken);
        var orders = await NonPhoneOrders()
            .Where(w => w.AgentId == agentId && w.Rating != null)
            .OrderByDescending(w => w.CreatedAt)
            .Take(take)
            .Select(w => new { w.Id, w.CreatedAt, Rating = w.Rating!.Value })
            .ToListAsync(cancellationToken);

        var callIds = calls.Select(c => (long?)c.Id).ToList();
        var tasks = callIds.Count == 0
            ? []
            : await db.CallbackTasks.AsNoTracking()
                .Where(t => t.Kind == CallbackKind.LowRating && callIds.Contains(t.CallRecordId))
                .Select(t => new { t.Id, t.CallRecordId, t.Status })
                .ToListAsync(cancellationToken);
        var taskOf = tasks.GroupBy(t => t.CallRecordId!.Value).ToDictionary(g => g.Key, g => g.MaxBy(t => t.Id)!.Status);

        return [.. calls.Select(c => new RatedServiceDto(c.Id, c.WorkOrderId, c.ArrivedAt, c.SkillCode, c.Rating,
                    taskOf.TryGetValue(c.Id, out var status) ? status : null))
            .Concat(orders.Select(o => new RatedServiceDto(null, o.Id, o.CreatedAt, null, o.Rating, null)))
            .OrderByDescending(r => r.At)
            .Take(take)];
    }

    // ---------------------------------------------------------------- scope

    /// <summary>The platforms in scope with their names: all the user sees, or <paramref name="platformId"/> and its sub-platforms.</summary>
    private async Task<Dictionary<int, string>> ScopeAsync(int? platformId, CancellationToken cancellationToken)
    {
        var visible = await db.Platforms.AsNoTracking().Select(p => new { p.Id, p.ParentId, p.Name }).ToListAsync(cancellationToken);
        if (platformId is not { } root)
        {
            return visible.ToDictionary(p => p.Id, p => p.Name);
        }

        if (visible.All(p => p.Id != root))
        {
            throw new ValidationFailedException("platformId", "There is no such platform, or it is not yours to see.");
        }

        var children = visible.Where(p => p.ParentId is not null).ToLookup(p => p.ParentId!.Value);
        var result = new Dictionary<int, string>();
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var id))
        {
            result[id] = visible.First(p => p.Id == id).Name;
            foreach (var child in children[id])
            {
                pending.Push(child.Id);
            }
        }

        return result;
    }

    // ---------------------------------------------------------------- queries

    /// <summary>Every channel but the phone, written into the SQL as constants so the (platform, channel, time) index is used.</summary>
    private static readonly WorkOrderChannel[] OtherChannels = [.. Enum.GetValues<WorkOrderChannel>().Where(c => c != WorkOrderChannel.Phone)];

    private IQueryable<WorkOrder> NonPhoneOrders() => db.WorkOrders.AsNoTracking()
        .Where(w => EF.Constant(OtherChannels).Contains(w.Channel) && !db.CallRecords.Any(c => c.WorkOrderId == w.Id));

    /// <summary>The services of the period, phone and other, in one shape.</summary>
    private IQueryable<ServiceRow> PhoneServices(IReadOnlyCollection<int> platforms, DateTimeOffset start, DateTimeOffset end, bool withSeat)
    {
        var calls = db.CallRecords.AsNoTracking()
            .Where(r => platforms.Contains(r.PlatformId) && r.Channel == CallChannel.Inbound && r.AnsweredAt != null && r.ArrivedAt >= start && r.ArrivedAt < end);
        if (!withSeat)
        {
            return calls.Select(r => new ServiceRow { PlatformId = r.PlatformId, AgentId = r.AgentId, SeatId = null, SkillCode = r.SkillCode, Rating = r.Rating });
        }

        // A call's seat is the seat of the work order registered during it (the seat the lawyer signed in to).
        return from r in calls
               join w in db.WorkOrders on r.WorkOrderId equals (int?)w.Id into orders
               from w in orders.DefaultIfEmpty()
               select new ServiceRow { PlatformId = r.PlatformId, AgentId = r.AgentId, SeatId = w == null ? null : w.SeatId, SkillCode = r.SkillCode, Rating = r.Rating };
    }

    private IQueryable<ServiceRow> OtherServices(IReadOnlyCollection<int> platforms, DateTimeOffset start, DateTimeOffset end)
        => NonPhoneOrders()
            .Where(w => platforms.Contains(w.PlatformId) && w.CreatedAt >= start && w.CreatedAt < end)
            .Select(w => new ServiceRow { PlatformId = w.PlatformId, AgentId = w.AgentId, SeatId = w.SeatId, SkillCode = null, Rating = w.Rating });

    /// <summary>Low-rating callbacks (回访) opened in the period, with the agent, seat and skill of the call they follow up.</summary>
    private IQueryable<CallbackRow> Callbacks(IReadOnlyCollection<int> platforms, DateTimeOffset start, DateTimeOffset end)
        => from t in db.CallbackTasks.AsNoTracking()
           where t.Kind == CallbackKind.LowRating && platforms.Contains(t.PlatformId) && t.CreatedAt >= start && t.CreatedAt < end
           join c in db.CallRecords on t.CallRecordId equals (long?)c.Id into calls
           from c in calls.DefaultIfEmpty()
           join w in db.WorkOrders on c.WorkOrderId equals (int?)w.Id into orders
           from w in orders.DefaultIfEmpty()
           select new CallbackRow
           {
               PlatformId = t.PlatformId,
               AgentId = c == null ? null : c.AgentId,
               SeatId = w == null ? null : w.SeatId,
               SkillCode = c == null ? t.SkillCode : c.SkillCode ?? t.SkillCode,
               Done = t.Status == CallbackStatus.Done,
           };

    private async Task<SatisfactionCounts> AgentAsync(IReadOnlyCollection<int> platforms, int agentId, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var phone = await CountAsync(PhoneServices(platforms, start, end, false).Where(r => r.AgentId == agentId), cancellationToken);
        var other = await CountAsync(OtherServices(platforms, start, end).Where(r => r.AgentId == agentId), cancellationToken);
        var callbacks = await Callbacks(platforms, start, end).Where(c => c.AgentId == agentId)
            .GroupBy(c => c.AgentId)
            .Select(g => new { Count = g.Count(), Done = g.Count(c => c.Done) })
            .FirstOrDefaultAsync(cancellationToken);
        return phone.Add(other).Add(SatisfactionCounts.Zero with { Callbacks = callbacks?.Count ?? 0, CallbacksDone = callbacks?.Done ?? 0 });
    }

    private static async Task<SatisfactionCounts> CountAsync(IQueryable<ServiceRow> rows, CancellationToken cancellationToken)
    {
        var counts = await rows.GroupBy(r => r.AgentId)
            .Select(g => new SatisfactionCounts(
                g.Count(),
                g.Count(r => r.Rating != null),
                g.Count(r => r.Rating == CallRating.Satisfied),
                g.Count(r => r.Rating == CallRating.BasicallySatisfied),
                g.Count(r => r.Rating == CallRating.Dissatisfied),
                0,
                0))
            .ToListAsync(cancellationToken);
        return counts.Aggregate(SatisfactionCounts.Zero, (sum, c) => sum.Add(c));
    }

    private async Task<List<SatisfactionKpiRow>> GroupedAsync(Dictionary<int, string> platforms, DateOnly from, DateOnly to, KpiGrouping grouping,
        CancellationToken cancellationToken)
    {
        var ids = platforms.Keys;
        switch (grouping)
        {
            case KpiGrouping.Platform:
            {
                var tallies = await PeriodTallyAsync(ids, from, to, grouping, cancellationToken);
                return [.. tallies.Select(t => new SatisfactionKpiRow(t.Key.Id, null, null, platforms.GetValueOrDefault(t.Key.Id!.Value, $"#{t.Key.Id}"), t.Value))
                    .OrderBy(r => r.Label, StringComparer.Ordinal)];
            }

            case KpiGrouping.Agent:
            {
                var tallies = await PeriodTallyAsync(ids, from, to, grouping, cancellationToken);
                var keys = tallies.Keys.Select(k => k.Id).OfType<int>().ToList();
                var names = await db.Agents.AsNoTracking().Where(a => keys.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
                return Rows(tallies, id => id is { } a ? names.GetValueOrDefault(a, $"#{a}") : "—");
            }

            case KpiGrouping.Seat:
            {
                // A call's seat is its work order's: read from the raw records (the call rollup has no seat).
                var tallies = await TallyAsync(ids, StartOf(from), StartOf(to.AddDays(1)), r => r.SeatId, c => c.SeatId, cancellationToken, withSeat: true);
                var keys = tallies.Keys.Select(k => k.Id).OfType<int>().ToList();
                var names = await db.Seats.AsNoTracking().Where(s => keys.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Code + " " + s.Name, cancellationToken);
                return Rows(tallies, id => id is { } s ? names.GetValueOrDefault(s, $"#{s}") : "—");
            }

            case KpiGrouping.Skill:
            {
                // Services without a skill (other channels, calls that skipped the menu) make one row with a null code.
                var merged = await PeriodTallyAsync(ids, from, to, grouping, cancellationToken);
                var names = (await db.Skills.AsNoTracking().Select(s => new { s.Code, s.Name }).ToListAsync(cancellationToken))
                    .GroupBy(s => s.Code).ToDictionary(g => g.Key, g => g.First().Name);
                return [.. merged.Select(m => m.Key.Code is not { } code
                        ? new SatisfactionKpiRow(null, null, null, "—", m.Value)
                        : new SatisfactionKpiRow(null, code, null, names.GetValueOrDefault(code, code), m.Value))
                    .OrderBy(r => r.Code is null).ThenBy(r => r.Label, StringComparer.Ordinal)];
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(grouping), grouping, null);
        }
    }

    /// <summary>
    /// The services, ratings and 回访 of the Beijing days <paramref name="from"/>..<paramref name="to"/> by platform, agent
    /// or skill. Phone services come from the call rollup (<see cref="Analytics.CallDayStat"/>: answered inbound calls by
    /// arrival day, skill and agent, with their current ratings) for every settled day — before today, with no change
    /// waiting for the rollup worker — and from the raw call records for the others, so the figures are exact and today's
    /// are live while a year stays 365 small reads. Other channels and 回访 are few and read raw.
    /// </summary>
    private async Task<Dictionary<GroupKey, SatisfactionCounts>> PeriodTallyAsync(IReadOnlyCollection<int> platforms, DateOnly from, DateOnly to,
        KpiGrouping grouping, CancellationToken cancellationToken)
    {
        GroupKey Key(int platformId, int? agentId, string? skill) => grouping switch
        {
            KpiGrouping.Agent => new GroupKey(agentId, null),
            KpiGrouping.Skill => new GroupKey(null, skill),
            _ => new GroupKey(platformId, null),
        };

        var merged = new Dictionary<GroupKey, SatisfactionCounts>();
        var today = Today;
        var pending = (await db.RollupMarks.AsNoTracking().Where(m => platforms.Contains(m.PlatformId) && m.Day >= from && m.Day <= to)
            .Select(m => m.Day).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        foreach (var (first, last, settled) in Runs(from, to, day => day < today && !pending.Contains(day)))
        {
            if (settled)
            {
                var rows = await db.CallDayStats.AsNoTracking()
                    .Where(s => platforms.Contains(s.PlatformId) && s.Day >= first && s.Day <= last && s.Answered > 0)
                    .GroupBy(s => new { s.PlatformId, s.AgentId, s.SkillCode })
                    .Select(g => new
                    {
                        g.Key.PlatformId, g.Key.AgentId, g.Key.SkillCode, Answered = g.Sum(s => s.Answered), Rated = g.Sum(s => s.Rated),
                        Satisfied = g.Sum(s => s.Satisfied), Basically = g.Sum(s => s.BasicallySatisfied), Dissatisfied = g.Sum(s => s.Dissatisfied),
                    })
                    .ToListAsync(cancellationToken);
                foreach (var r in rows)
                {
                    Merge(merged, Key(r.PlatformId, r.AgentId == 0 ? null : r.AgentId, r.SkillCode.Length == 0 ? null : r.SkillCode),
                        new SatisfactionCounts(r.Answered, r.Rated, r.Satisfied, r.Basically, r.Dissatisfied, 0, 0));
                }
            }
            else
            {
                var rows = await PhoneServices(platforms, StartOf(first), StartOf(last.AddDays(1)), false)
                    .GroupBy(r => new { r.PlatformId, r.AgentId, r.SkillCode })
                    .Select(g => new
                    {
                        g.Key.PlatformId, g.Key.AgentId, g.Key.SkillCode, Answered = g.Count(), Rated = g.Count(r => r.Rating != null),
                        Satisfied = g.Count(r => r.Rating == CallRating.Satisfied), Basically = g.Count(r => r.Rating == CallRating.BasicallySatisfied),
                        Dissatisfied = g.Count(r => r.Rating == CallRating.Dissatisfied),
                    })
                    .ToListAsync(cancellationToken);
                foreach (var r in rows)
                {
                    Merge(merged, Key(r.PlatformId, r.AgentId, string.IsNullOrEmpty(r.SkillCode) ? null : r.SkillCode),
                        new SatisfactionCounts(r.Answered, r.Rated, r.Satisfied, r.Basically, r.Dissatisfied, 0, 0));
                }
            }
        }

        var start = StartOf(from);
        var end = StartOf(to.AddDays(1));
        // Grouped on "agent or 0" so SQLite aggregates what the (platform, channel, time, agent, rating) index finds
        // instead of walking the agent index in group order over every work order.
        foreach (var r in await OtherServices(platforms, start, end)
                     .GroupBy(r => new { r.PlatformId, AgentId = r.AgentId ?? 0 })
                     .Select(g => new
                     {
                         g.Key.PlatformId, g.Key.AgentId, Answered = g.Count(), Rated = g.Count(r => r.Rating != null),
                         Satisfied = g.Count(r => r.Rating == CallRating.Satisfied), Basically = g.Count(r => r.Rating == CallRating.BasicallySatisfied),
                         Dissatisfied = g.Count(r => r.Rating == CallRating.Dissatisfied),
                     })
                     .ToListAsync(cancellationToken))
        {
            Merge(merged, Key(r.PlatformId, r.AgentId == 0 ? null : r.AgentId, null), new SatisfactionCounts(r.Answered, r.Rated, r.Satisfied, r.Basically, r.Dissatisfied, 0, 0));
        }

        foreach (var r in await Callbacks(platforms, start, end)
                     .GroupBy(c => new { c.PlatformId, c.AgentId, c.SkillCode })
                     .Select(g => new { g.Key.PlatformId, g.Key.AgentId, g.Key.SkillCode, Count = g.Count(), Done = g.Count(c => c.Done) })
                     .ToListAsync(cancellationToken))
        {
            Merge(merged, Key(r.PlatformId, r.AgentId, r.SkillCode), SatisfactionCounts.Zero with { Callbacks = r.Count, CallbacksDone = r.Done });
        }

        return merged;
    }

    /// <summary>The days from..to as runs of consecutive days with the same answer to <paramref name="test"/>.</summary>
    private static IEnumerable<(DateOnly First, DateOnly Last, bool Test)> Runs(DateOnly from, DateOnly to, Func<DateOnly, bool> test)
    {
        var first = from;
        while (first <= to)
        {
            var value = test(first);
            var last = first;
            while (last < to && test(last.AddDays(1)) == value)
            {
                last = last.AddDays(1);
            }

            yield return (first, last, value);
            first = last.AddDays(1);
        }
    }

    private static List<SatisfactionKpiRow> Rows(Dictionary<GroupKey, SatisfactionCounts> tallies, Func<int?, string> label)
        => [.. tallies.Select(t => new SatisfactionKpiRow(t.Key.Id, null, null, label(t.Key.Id), t.Value))
            .OrderBy(r => r.Id is null).ThenBy(r => r.Label, StringComparer.Ordinal)];

    private async Task<Dictionary<GroupKey, SatisfactionCounts>> TallyAsync(IReadOnlyCollection<int> platforms, DateTimeOffset start, DateTimeOffset end,
        Expression<Func<ServiceRow, int?>> serviceKey, Expression<Func<CallbackRow, int?>> callbackKey, CancellationToken cancellationToken, bool withSeat = false)
    {
        var merged = new Dictionary<GroupKey, SatisfactionCounts>();
        foreach (var (key, value) in await TallyOneAsync(PhoneServices(platforms, start, end, withSeat), serviceKey, cancellationToken))
        {
            Merge(merged, new GroupKey(key, null), value);
        }

        foreach (var (key, value) in await TallyOneAsync(OtherServices(platforms, start, end), serviceKey, cancellationToken))
        {
            Merge(merged, new GroupKey(key, null), value);
        }

        foreach (var (key, value) in await TallyCallbacksAsync(Callbacks(platforms, start, end), callbackKey, cancellationToken))
        {
            Merge(merged, new GroupKey(key, null), value);
        }

        return merged;
    }

    private static void Merge(Dictionary<GroupKey, SatisfactionCounts> into, GroupKey key, SatisfactionCounts value)
        => into[key] = into.TryGetValue(key, out var existing) ? existing.Add(value) : value;

    /// <summary>A group's id or code; null (no agent, no seat, no skill) is a key like any other here.</summary>
    private readonly record struct GroupKey(int? Id, string? Code);

    private static async Task<List<(TKey Key, SatisfactionCounts Value)>> TallyOneAsync<TKey>(IQueryable<ServiceRow> rows, Expression<Func<ServiceRow, TKey>> key,
        CancellationToken cancellationToken)
    {
        var tallies = await rows.GroupBy(key)
            .Select(g => new
            {
                g.Key,
                Answered = g.Count(),
                Rated = g.Count(r => r.Rating != null),
                Satisfied = g.Count(r => r.Rating == CallRating.Satisfied),
                Basically = g.Count(r => r.Rating == CallRating.BasicallySatisfied),
                Dissatisfied = g.Count(r => r.Rating == CallRating.Dissatisfied),
            })
            .ToListAsync(cancellationToken);
        return [.. tallies.Select(t => (t.Key, new SatisfactionCounts(t.Answered, t.Rated, t.Satisfied, t.Basically, t.Dissatisfied, 0, 0)))];
    }

    private static async Task<List<(TKey Key, SatisfactionCounts Value)>> TallyCallbacksAsync<TKey>(IQueryable<CallbackRow> rows, Expression<Func<CallbackRow, TKey>> key,
        CancellationToken cancellationToken)
    {
        var tallies = await rows.GroupBy(key)
            .Select(g => new { g.Key, Count = g.Count(), Done = g.Count(c => c.Done) })
            .ToListAsync(cancellationToken);
        return [.. tallies.Select(t => (t.Key, SatisfactionCounts.Zero with { Callbacks = t.Count, CallbacksDone = t.Done }))];
    }

    // ---------------------------------------------------------------- periods

    public static IEnumerable<(DateOnly First, DateOnly Next)> Periods(DateOnly from, DateOnly to, KpiGrouping grouping)
    {
        var first = from;
        while (first < to)
        {
            var next = grouping switch
            {
                KpiGrouping.Day => first.AddDays(1),
                // Weeks start on Monday (the Chinese working week).
                KpiGrouping.Week => first.AddDays(7 - (((int)first.DayOfWeek + 6) % 7)),
                KpiGrouping.Month => new DateOnly(first.Year, first.Month, 1).AddMonths(1),
                _ => to,
            };
            if (next > to)
            {
                next = to;
            }

            yield return (first, next);
            first = next;
        }
    }

    private static string PeriodLabel(DateOnly first, DateOnly next, KpiGrouping grouping) => grouping switch
    {
        KpiGrouping.Day => first.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        KpiGrouping.Month => first.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
        _ => $"{first:yyyy-MM-dd}–{next.AddDays(-1):yyyy-MM-dd}",
    };

    /// <summary>A service in one shape for grouping (a projection, not an entity).</summary>
    internal sealed class ServiceRow
    {
        public int PlatformId { get; init; }
        public int? AgentId { get; init; }
        public int? SeatId { get; init; }
        public string? SkillCode { get; init; }
        public CallRating? Rating { get; init; }
    }

    internal sealed class CallbackRow
    {
        public int PlatformId { get; init; }
        public int? AgentId { get; init; }
        public int? SeatId { get; init; }
        public string? SkillCode { get; init; }
        public bool Done { get; init; }
    }
}
