using Lawline.Server.Callers;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Analytics;

/// <summary>What a call contributes to the rollups: the columns of <see cref="CallRecord"/> the KPIs read.</summary>
public sealed record CallFacts(
    long Id,
    CallChannel Channel,
    string CallerNumber,
    string? CallerProvince,
    string? CallerCity,
    DateTimeOffset ArrivedAt,
    string? SkillCode,
    DateTimeOffset? QueuedAt,
    int? AgentId,
    DateTimeOffset? AnsweredAt,
    AbandonedIn? AbandonedIn,
    DateTimeOffset? CallbackRequestedAt,
    DateTimeOffset? TalkEndedAt,
    DateTimeOffset? WrapUpEndedAt,
    CallRating? Rating);

/// <summary>What a work order contributes to the rollups.</summary>
public sealed record WorkOrderFacts(
    int Id,
    string? CategoryCode,
    WorkOrderChannel Channel,
    WorkOrderType Type,
    WorkOrderStatus Status,
    WorkOrderOutcome Outcome,
    DateTimeOffset CreatedAt,
    DateTimeOffset DueAt,
    DateTimeOffset? CompletedAt,
    string? HandOverBody,
    int? EscalatedToAgentId,
    int ReopenCount,
    CallRating? Rating,
    string? CallerProvince,
    string? CallerCity,
    CallerType CallerType,
    string? Question = null,
    int? AgentId = null,
    int? SeatId = null);

/// <summary>What a seat session contributes to the rollups (attendance).</summary>
public sealed record SeatSessionFacts(int AgentId, int SeatId, DateTimeOffset SignedInAt, DateTimeOffset? SignedOutAt);

/// <summary>One platform-day's rollup rows.</summary>
public sealed record DayRollup(
    IReadOnlyList<CallDayStat> Calls,
    IReadOnlyList<CallHourStat> Hours,
    IReadOnlyList<CallRegionStat> Regions,
    IReadOnlyList<WorkOrderDayStat> WorkOrders,
    IReadOnlyList<WorkOrderRegionStat> WorkOrderRegions,
    IReadOnlyList<TermDayStat>? Terms = null,
    IReadOnlyList<AgentDayStat>? Agents = null)
{
    /// <summary>The day's totals: the sums of its call and work-order rows.</summary>
    public PlatformDayStat Total(int platformId, DateOnly day) => PlatformDayStat.Sum(platformId, day, Calls, WorkOrders);
}

/// <summary>
/// Computes a platform-day's rollups from the raw records of that day. Pure: the same facts always give the same rows,
/// which is what makes recomputing a day (after a crash, a late rating, a rebuild) safe — a day is replaced, never
/// added to.
/// </summary>
public static class RollupBuilder
{
    /// <summary>
    /// The day's rows. <paramref name="seatSessions"/> are the sessions overlapping the day; one still open counts up to
    /// <paramref name="now"/> (the recompute time) or the day's end, whichever is first.
    /// </summary>
    public static DayRollup Build(int platformId, DateOnly day, string? serviceRegion, IReadOnlyList<CallFacts> calls,
        IReadOnlyList<WorkOrderFacts> workOrders, Func<CallFacts, bool> isRepeat, Func<string?, IReadOnlySet<string>>? termsOf = null,
        IReadOnlyList<SeatSessionFacts>? seatSessions = null, DateTimeOffset? now = null)
    {
        termsOf ??= Topics.TopicTerms.Of;
        var callStats = new Dictionary<(string, int), CallDayStat>();
        var hours = new Dictionary<int, CallHourStat>();
        var regions = new Dictionary<(string, string), CallRegionStat>();
        foreach (var call in calls)
        {
            var key = (call.SkillCode ?? "", call.AnsweredAt is null ? 0 : call.AgentId ?? 0);
            if (!callStats.TryGetValue(key, out var s))
            {
                callStats[key] = s = new CallDayStat { PlatformId = platformId, Day = day, SkillCode = key.Item1, AgentId = key.Item2 };
            }

            if (call.Channel != CallChannel.Inbound)
            {
                s.Outbound++;
                continue;
            }

            var answered = call.AnsweredAt is not null;
            s.Inbound++;
            if (call.QueuedAt is not null)
            {
                s.Requests++;
            }

            if (answered && call.QueuedAt is { } queued)
            {
                var wait = call.AnsweredAt!.Value - queued;
                s.WaitSeconds += (long)Math.Round(Math.Max(0, wait.TotalSeconds));
                if (wait <= KpiDefinitions.ServiceLevelTarget)
                {
                    s.AnsweredInTarget++;
                }
            }

            if (answered)
            {
                s.Answered++;
                if (call.TalkEndedAt is { } talkEnd)
                {
                    s.Talked++;
                    s.TalkSeconds += (long)Math.Round(Math.Max(0, (talkEnd - call.AnsweredAt!.Value).TotalSeconds));
                    if (call.WrapUpEndedAt is { } wrapEnd)
                    {
                        s.WrappedUp++;
                        s.WrapSeconds += (long)Math.Round(Math.Max(0, (wrapEnd - talkEnd).TotalSeconds));
                    }
                }

                switch (call.Rating)
                {
                    case CallRating.Satisfied: s.Rated++; s.Satisfied++; break;
                    case CallRating.BasicallySatisfied: s.Rated++; s.BasicallySatisfied++; break;
                    case CallRating.Dissatisfied: s.Rated++; s.Dissatisfied++; break;
                }
            }
            else if (call.AbandonedIn is AbandonedIn.Queue or AbandonedIn.Ringing && call.CallbackRequestedAt is null)
            {
                s.Abandoned++;
            }

            if (call.CallbackRequestedAt is not null)
            {
                s.CallbackRequests++;
            }

            if (isRepeat(call))
            {
                s.RepeatCalls++;
            }

            if (!string.IsNullOrEmpty(call.CallerProvince))
            {
                s.RegionKnown++;
                if (KpiDefinitions.IsOutOfRegion(serviceRegion, call.CallerProvince))
                {
                    s.OutOfRegion++;
                }
            }

            var hour = call.ArrivedAt.ToOffset(KpiDefinitions.BeijingOffset).Hour;
            if (!hours.TryGetValue(hour, out var h))
            {
                hours[hour] = h = new CallHourStat { PlatformId = platformId, Day = day, Hour = hour };
            }

            h.Inbound++;
            var regionKey = (Trim(call.CallerProvince, 32), Trim(call.CallerCity, 32));
            if (!regions.TryGetValue(regionKey, out var r))
            {
                regions[regionKey] = r = new CallRegionStat { PlatformId = platformId, Day = day, Province = regionKey.Item1, City = regionKey.Item2 };
            }

            r.Inbound++;
            if (answered)
            {
                h.Answered++;
                r.Answered++;
            }
        }

        var orderStats = new Dictionary<(string, WorkOrderChannel, WorkOrderType), WorkOrderDayStat>();
        var orderRegions = new Dictionary<(string, string, CallerType), WorkOrderRegionStat>();
        foreach (var order in workOrders)
        {
            var key = (order.CategoryCode ?? "", order.Channel, order.Type);
            if (!orderStats.TryGetValue(key, out var w))
            {
                orderStats[key] = w = new WorkOrderDayStat { PlatformId = platformId, Day = day, CategoryCode = key.Item1, Channel = key.Channel, Type = key.Type };
            }

            w.Created++;
            var (completed, onTime) = CompletionOf(order);
            if (completed)
            {
                w.Completed++;
                if (onTime)
                {
                    w.CompletedOnTime++;
                }

                if (order.Outcome == WorkOrderOutcome.AnsweredOnLine && order.ReopenCount == 0)
                {
                    w.FirstContactResolved++;
                }
            }

            if (order.Outcome == WorkOrderOutcome.Referred)
            {
                w.Referred++;
            }

            if (order.HandOverBody is not null)
            {
                w.HandedOver++;
            }

            if (order.EscalatedToAgentId is not null)
            {
                w.Escalated++;
            }

            if (order.ReopenCount > 0)
            {
                w.Reopened++;
            }

            switch (order.Rating)
            {
                case CallRating.Satisfied: w.Rated++; w.Satisfied++; break;
                case CallRating.BasicallySatisfied: w.Rated++; w.BasicallySatisfied++; break;
                case CallRating.Dissatisfied: w.Rated++; w.Dissatisfied++; break;
            }

            var regionKey = (Trim(order.CallerProvince, 32), Trim(order.CallerCity, 32), order.CallerType);
            if (!orderRegions.TryGetValue(regionKey, out var wr))
            {
                orderRegions[regionKey] = wr = new WorkOrderRegionStat
                {
                    PlatformId = platformId, Day = day, Province = regionKey.Item1, City = regionKey.Item2, CallerType = regionKey.CallerType,
                };
            }

            wr.Created++;
        }

        var terms = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var order in workOrders)
        {
            foreach (var term in termsOf(order.Question))
            {
                terms[term] = terms.GetValueOrDefault(term) + 1;
            }
        }

        // Words count however often they occur; a phrase only when it recurs within the day (keeps the table small).
        var termStats = terms.Where(t => t.Value >= 2 || t.Key.Length <= 4).OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new TermDayStat { PlatformId = platformId, Day = day, Term = t.Key, Orders = t.Value }).ToList();
        var agents = AgentDays(platformId, day, workOrders, seatSessions ?? [], now);
        return new DayRollup([.. callStats.Values], [.. hours.Values], [.. regions.Values], [.. orderStats.Values], [.. orderRegions.Values], termStats,
            agents);
    }

    /// <summary>办结: completed (or closed after completion) with a completion time; on time when by its due time.</summary>
    public static (bool Completed, bool OnTime) CompletionOf(WorkOrderFacts order)
    {
        var completed = order.Status is WorkOrderStatus.Completed or WorkOrderStatus.Closed && order.CompletedAt is not null;
        return (completed, completed && order.CompletedAt <= order.DueAt);
    }

    /// <summary>Per agent and seat: the work orders they registered that day and their signed-in time within the day.</summary>
    private static List<AgentDayStat> AgentDays(int platformId, DateOnly day, IReadOnlyList<WorkOrderFacts> workOrders,
        IReadOnlyList<SeatSessionFacts> seatSessions, DateTimeOffset? now)
    {
        var rows = new Dictionary<(int AgentId, int SeatId), AgentDayStat>();
        AgentDayStat Row(int agentId, int seatId)
        {
            if (!rows.TryGetValue((agentId, seatId), out var row))
            {
                rows[(agentId, seatId)] = row = new AgentDayStat { PlatformId = platformId, Day = day, AgentId = agentId, SeatId = seatId };
            }

            return row;
        }

        foreach (var order in workOrders)
        {
            if (order.AgentId is not { } agentId)
            {
                continue;
            }

            var row = Row(agentId, order.SeatId ?? 0);
            row.WorkOrdersCreated++;
            var (completed, onTime) = CompletionOf(order);
            if (completed)
            {
                row.WorkOrdersCompleted++;
                if (onTime)
                {
                    row.CompletedOnTime++;
                }
            }
        }

        var (dayStart, dayEnd) = KpiDefinitions.DayBounds(day);
        var openUntil = now is { } n && n < dayEnd ? n : dayEnd;
        foreach (var session in seatSessions)
        {
            var start = session.SignedInAt > dayStart ? session.SignedInAt : dayStart;
            var end = session.SignedOutAt ?? openUntil;
            if (end > dayEnd)
            {
                end = dayEnd;
            }

            var seconds = end > start ? (long)Math.Round((end - start).TotalSeconds) : 0;
            var startedToday = session.SignedInAt >= dayStart && session.SignedInAt < dayEnd;
            if (seconds == 0 && !startedToday)
            {
                continue;
            }

            var row = Row(session.AgentId, session.SeatId);
            row.SignedInSeconds += seconds;
            if (startedToday)
            {
                row.Sessions++;
            }
        }

        return [.. rows.Values.OrderBy(r => r.AgentId).ThenBy(r => r.SeatId)];
    }

    /// <summary>
    /// Marks of calls whose number called the same platform within <paramref name="window"/> before: from the day's
    /// calls and the calls of the window before the day.
    /// </summary>
    public static Func<CallFacts, bool> RepeatDetector(IReadOnlyList<CallFacts> dayCalls, IReadOnlyList<(string Number, DateTimeOffset At)> before, TimeSpan window)
    {
        var byNumber = before.Concat(dayCalls.Where(c => c.Channel == CallChannel.Inbound).Select(c => (Number: c.CallerNumber, At: c.ArrivedAt)))
            .Where(c => c.Number.Length > 0)
            .GroupBy(c => c.Number, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(c => c.At).Order().ToArray(), StringComparer.Ordinal);
        return call =>
        {
            if (call.CallerNumber.Length == 0 || !byNumber.TryGetValue(call.CallerNumber, out var times))
            {
                return false;
            }

            // An earlier call of the same number within the window (strictly before this one).
            foreach (var at in times)
            {
                if (at >= call.ArrivedAt)
                {
                    break;
                }

                if (call.ArrivedAt - at <= window)
                {
                    return true;
                }
            }

            return false;
        };
    }

    private static string Trim(string? value, int max) => string.IsNullOrEmpty(value) ? "" : value.Length <= max ? value : value[..max];

    // ------------------------------------------------------------------ from the database

    /// <summary>
    /// Recomputes one platform-day inside the caller's transaction: the day's marks up to <paramref name="upToMark"/>
    /// are deleted FIRST, then the raw records are read and the day's rollups replaced. A change committed after the
    /// delete keeps its own (newer) mark and is recomputed again; a change committed before it is in the read. Either
    /// way nothing is missed, and replacing (not adding to) a day means nothing is counted twice.
    /// </summary>
    public static async Task RecomputeAsync(AppDbContext db, int platformId, DateOnly day, long upToMark, TimeSpan repeatWindow, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await db.RollupMarks.Where(m => m.PlatformId == platformId && m.Day == day && m.Id <= upToMark).ExecuteDeleteAsync(cancellationToken);
        var rollup = await ComputeAsync(db, platformId, day, repeatWindow, now, cancellationToken);
        await ReplaceAsync(db, platformId, day, rollup, cancellationToken);
        await RecomputeMonthAsync(db, platformId, WorkOrderMonthStat.MonthOf(day), cancellationToken);
    }

    /// <summary>
    /// Rewrites a platform-month's <see cref="WorkOrderMonthStat"/> and <see cref="TermMonthStat"/> rows from its day
    /// rows, inside the caller's transaction (so a month always equals the sum of its days, whoever recomputed which day).
    /// </summary>
    public static async Task RecomputeMonthAsync(AppDbContext db, int platformId, DateOnly month, CancellationToken cancellationToken)
    {
        var last = month.AddMonths(1).AddDays(-1);
        var days = await db.WorkOrderDayStats.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.PlatformId == platformId && s.Day >= month && s.Day <= last)
            .ToListAsync(cancellationToken);
        var terms = await db.TermDayStats.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.PlatformId == platformId && s.Day >= month && s.Day <= last)
            .GroupBy(s => s.Term)
            .Select(g => new { Term = g.Key, Orders = g.Sum(s => s.Orders) })
            .ToListAsync(cancellationToken);
        await db.WorkOrderMonthStats.IgnoreQueryFilters().Where(s => s.PlatformId == platformId && s.Month == month).ExecuteDeleteAsync(cancellationToken);
        await db.TermMonthStats.IgnoreQueryFilters().Where(s => s.PlatformId == platformId && s.Month == month).ExecuteDeleteAsync(cancellationToken);
        db.WorkOrderMonthStats.AddRange(WorkOrderMonthStat.Sum(platformId, month, days));
        db.TermMonthStats.AddRange(terms.OrderBy(t => t.Term, StringComparer.Ordinal)
            .Select(t => new TermMonthStat { PlatformId = platformId, Month = month, Term = t.Term, Orders = t.Orders }));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>The day's rows from its raw records; <paramref name="now"/> ends the seat sessions still open.</summary>
    public static async Task<DayRollup> ComputeAsync(AppDbContext db, int platformId, DateOnly day, TimeSpan repeatWindow, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var (from, to) = KpiDefinitions.DayBounds(day);
        var serviceRegion = await db.Platforms.IgnoreQueryFilters().AsNoTracking().Where(p => p.Id == platformId)
            .Select(p => p.ServiceRegion).SingleOrDefaultAsync(cancellationToken);
        var calls = await db.CallRecords.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.PlatformId == platformId && c.ArrivedAt >= from && c.ArrivedAt < to)
            .Select(c => new CallFacts(c.Id, c.Channel, c.CallerNumber, c.CallerProvince, c.CallerCity, c.ArrivedAt, c.SkillCode, c.QueuedAt,
                c.AgentId, c.AnsweredAt, c.AbandonedIn, c.CallbackRequestedAt, c.TalkEndedAt, c.WrapUpEndedAt, c.Rating))
            .ToListAsync(cancellationToken);
        var windowStart = from - repeatWindow;
        var before = (await db.CallRecords.IgnoreQueryFilters().AsNoTracking()
                .Where(c => c.PlatformId == platformId && c.Channel == CallChannel.Inbound && c.ArrivedAt >= windowStart && c.ArrivedAt < from)
                .Select(c => new { c.CallerNumber, c.ArrivedAt })
                .ToListAsync(cancellationToken))
            .Select(c => (c.CallerNumber, c.ArrivedAt)).ToList();
        var orders = await db.WorkOrders.IgnoreQueryFilters().AsNoTracking()
            .Where(w => w.PlatformId == platformId && w.CreatedAt >= from && w.CreatedAt < to)
            .Select(w => new WorkOrderFacts(w.Id, w.CategoryCode, w.Channel, w.Type, w.Status, w.Outcome, w.CreatedAt, w.DueAt, w.CompletedAt,
                w.HandOverBody, w.EscalatedToAgentId, w.ReopenCount, w.Rating, w.CallerProvince, w.CallerCity, w.CallerType, w.Question, w.AgentId, w.SeatId))
            .ToListAsync(cancellationToken);
        // Sessions overlapping the day: started before its end and not signed out before its start.
        var sessions = await db.SeatSessions.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.PlatformId == platformId && s.SignedInAt < to && (s.SignedOutAt == null || s.SignedOutAt > from))
            .Select(s => new SeatSessionFacts(s.AgentId, s.SeatId, s.SignedInAt, s.SignedOutAt))
            .ToListAsync(cancellationToken);
        return Build(platformId, day, serviceRegion, calls, orders, RepeatDetector(calls, before, repeatWindow), seatSessions: sessions, now: now);
    }

    private static async Task ReplaceAsync(AppDbContext db, int platformId, DateOnly day, DayRollup rollup, CancellationToken cancellationToken)
    {
        await db.CallDayStats.IgnoreQueryFilters().Where(s => s.PlatformId == platformId && s.Day == day).ExecuteDeleteAsync(cancellationToken);
        await db.CallHourStats.IgnoreQueryFilters().Where(s => s.PlatformId == platformId && s.Day == day).ExecuteDeleteAsync(cancellationToken);
        await db.CallRegionStats.IgnoreQueryFilters().Where(s => s.PlatformId == platformId && s.Day == day).ExecuteDeleteAsync(cancellationToken);
        await db.WorkOrderDayStats.IgnoreQueryFilters().Where(s => s.PlatformId == platformId && s.Day == day).ExecuteDeleteAsync(cancellationToken);
        await db.WorkOrderRegionStats.IgnoreQueryFilters().Where(s => s.PlatformId == platformId && s.Day == day).ExecuteDeleteAsync(cancellationToken);
        await db.TermDayStats.IgnoreQueryFilters().Where(s => s.PlatformId == platformId && s.Day == day).ExecuteDeleteAsync(cancellationToken);
        await db.PlatformDayStats.IgnoreQueryFilters().Where(s => s.PlatformId == platformId && s.Day == day).ExecuteDeleteAsync(cancellationToken);
        await db.AgentDayStats.IgnoreQueryFilters().Where(s => s.PlatformId == platformId && s.Day == day).ExecuteDeleteAsync(cancellationToken);
        db.CallDayStats.AddRange(rollup.Calls);
        db.CallHourStats.AddRange(rollup.Hours);
        db.CallRegionStats.AddRange(rollup.Regions);
        db.WorkOrderDayStats.AddRange(rollup.WorkOrders);
        db.WorkOrderRegionStats.AddRange(rollup.WorkOrderRegions);
        db.TermDayStats.AddRange(rollup.Terms ?? []);
        db.AgentDayStats.AddRange(rollup.Agents ?? []);
        if (rollup.Calls.Count > 0 || rollup.WorkOrders.Count > 0)
        {
            db.PlatformDayStats.Add(rollup.Total(platformId, day));
        }
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}
