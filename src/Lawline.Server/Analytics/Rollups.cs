using Lawline.Server.Callers;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Analytics;

/// <summary>
/// A (platform, Beijing day) whose rollups must be recomputed: written in the same SaveChanges as any change to a call
/// record or a work order of that day, and removed in the same transaction that rewrites the day's rollups. Append-only,
/// so two writers never contend for a row; several marks of one day are one recomputation.
/// </summary>
public sealed class RollupMark : INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    public DateOnly Day { get; set; }
}

/// <summary>
/// Calls of one platform and Beijing day, per skill (empty: never reached a queue) and answering agent (0: not
/// answered). Sums, not averages, so any period and any set of platforms adds up exactly.
/// </summary>
public sealed class CallDayStat : IPlatformOwned, INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    public DateOnly Day { get; set; }

    public string SkillCode { get; set; } = "";

    public int AgentId { get; set; }

    /// <summary>呼入总量: inbound calls that arrived (including those that ended in the IVR).</summary>
    public int Inbound { get; set; }

    /// <summary>转人工量: inbound calls that asked for an agent (queued).</summary>
    public int Requests { get; set; }

    public int Answered { get; set; }

    /// <summary>Answered within <see cref="KpiDefinitions.ServiceLevelTarget"/> of queuing.</summary>
    public int AnsweredInTarget { get; set; }

    /// <summary>Hung up while queued or while an agent's phone rang (a callback request is not an abandonment).</summary>
    public int Abandoned { get; set; }

    public int CallbackRequests { get; set; }

    /// <summary>Seconds from queuing to answer, summed over answered calls (ASA).</summary>
    public long WaitSeconds { get; set; }

    /// <summary>Seconds from answer to the end of talk, summed over answered calls with a talk end.</summary>
    public long TalkSeconds { get; set; }

    public int Talked { get; set; }

    /// <summary>Seconds of wrap-up after talk, summed over calls with a wrap-up end.</summary>
    public long WrapSeconds { get; set; }

    public int WrappedUp { get; set; }

    public int Rated { get; set; }

    public int Satisfied { get; set; }

    public int BasicallySatisfied { get; set; }

    public int Dissatisfied { get; set; }

    /// <summary>Calls from a number that had called the same platform within the repeat window before.</summary>
    public int RepeatCalls { get; set; }

    /// <summary>Calls whose number belongs to a province other than the platform's service region.</summary>
    public int OutOfRegion { get; set; }

    /// <summary>Calls whose number's province is known (the out-of-region share's denominator).</summary>
    public int RegionKnown { get; set; }

    /// <summary>Outbound calls (callbacks, 回访) placed by or for agents of the platform.</summary>
    public int Outbound { get; set; }
}

/// <summary>Inbound calls per platform, Beijing day and hour (the hour × weekday heatmap).</summary>
public sealed class CallHourStat : IPlatformOwned, INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    public DateOnly Day { get; set; }

    public int Hour { get; set; }

    public int Inbound { get; set; }

    public int Answered { get; set; }
}

/// <summary>Inbound calls per platform, Beijing day and the caller number's province and city (empty: unknown).</summary>
public sealed class CallRegionStat : IPlatformOwned, INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    public DateOnly Day { get; set; }

    public string Province { get; set; } = "";

    public string City { get; set; } = "";

    public int Inbound { get; set; }

    public int Answered { get; set; }
}

/// <summary>What became of a set of work orders: the counters of the day and month work-order rollups.</summary>
public abstract class WorkOrderCounters
{
    public int Created { get; set; }

    public int Completed { get; set; }

    public int CompletedOnTime { get; set; }

    /// <summary>Answered on the line at the first contact and never reopened (首呼解决).</summary>
    public int FirstContactResolved { get; set; }

    public int Referred { get; set; }

    public int HandedOver { get; set; }

    public int Escalated { get; set; }

    public int Reopened { get; set; }

    public int Rated { get; set; }

    public int Satisfied { get; set; }

    public int BasicallySatisfied { get; set; }

    public int Dissatisfied { get; set; }

    public void Add(WorkOrderCounters other)
    {
        Created += other.Created;
        Completed += other.Completed;
        CompletedOnTime += other.CompletedOnTime;
        FirstContactResolved += other.FirstContactResolved;
        Referred += other.Referred;
        HandedOver += other.HandedOver;
        Escalated += other.Escalated;
        Reopened += other.Reopened;
        Rated += other.Rated;
        Satisfied += other.Satisfied;
        BasicallySatisfied += other.BasicallySatisfied;
        Dissatisfied += other.Dissatisfied;
    }
}

/// <summary>
/// Work orders by the Beijing day they were created (a cohort: completion and ratings count on the creation day, so a
/// period's completion rate is "of those created in the period, how many are completed"), per category, channel and type.
/// </summary>
public sealed class WorkOrderDayStat : WorkOrderCounters, IPlatformOwned, INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    public DateOnly Day { get; set; }

    /// <summary>The category's code (any level of the taxonomy is a prefix of it); empty when not classified.</summary>
    public string CategoryCode { get; set; } = "";

    public WorkOrderChannel Channel { get; set; }

    public WorkOrderType Type { get; set; }
}

/// <summary>
/// The <see cref="WorkOrderDayStat"/> rows of one calendar month summed (category × channel × type), rewritten from them
/// whenever a day of the month is recomputed, in the same transaction. A year's category table reads twelve months of
/// these plus the days of any partial month at either end, instead of 365 days of per-category rows.
/// </summary>
public sealed class WorkOrderMonthStat : WorkOrderCounters, IPlatformOwned, INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    /// <summary>The first day of the month.</summary>
    public DateOnly Month { get; set; }

    public string CategoryCode { get; set; } = "";

    public WorkOrderChannel Channel { get; set; }

    public WorkOrderType Type { get; set; }

    public static DateOnly MonthOf(DateOnly day) => new(day.Year, day.Month, 1);

    /// <summary>The month rows of a month's day rows (ordered by category, channel and type; no ids).</summary>
    public static List<WorkOrderMonthStat> Sum(int platformId, DateOnly month, IEnumerable<WorkOrderDayStat> days)
    {
        var rows = new SortedDictionary<(string, WorkOrderChannel, WorkOrderType), WorkOrderMonthStat>(
            Comparer<(string, WorkOrderChannel, WorkOrderType)>.Create((a, b) =>
                string.CompareOrdinal(a.Item1, b.Item1) is var c and not 0 ? c : a.Item2 != b.Item2 ? a.Item2.CompareTo(b.Item2) : a.Item3.CompareTo(b.Item3)));
        foreach (var day in days)
        {
            var key = (day.CategoryCode, day.Channel, day.Type);
            if (!rows.TryGetValue(key, out var row))
            {
                rows[key] = row = new WorkOrderMonthStat
                {
                    PlatformId = platformId, Month = month, CategoryCode = day.CategoryCode, Channel = day.Channel, Type = day.Type,
                };
            }

            row.Add(day);
        }

        return [.. rows.Values];
    }
}

/// <summary>Work orders by creation day, the caller's province and city, and caller type.</summary>
public sealed class WorkOrderRegionStat : IPlatformOwned, INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    public DateOnly Day { get; set; }

    public string Province { get; set; } = "";

    public string City { get; set; } = "";

    public CallerType CallerType { get; set; }

    public int Created { get; set; }
}

/// <summary>
/// One agent's day at one seat (0: work orders registered without a seat): the work orders they registered that Beijing
/// day, counted on the creation day like <see cref="WorkOrderDayStat"/> (so completion is "of those created, how many
/// are completed"), and attendance from their <see cref="SeatSession"/>s clipped to the day.
/// </summary>
public sealed class AgentDayStat : IPlatformOwned, INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    public DateOnly Day { get; set; }

    public int AgentId { get; set; }

    /// <summary>The seat; 0 for work orders registered without one.</summary>
    public int SeatId { get; set; }

    public int WorkOrdersCreated { get; set; }

    public int WorkOrdersCompleted { get; set; }

    public int CompletedOnTime { get; set; }

    /// <summary>
    /// Seconds signed in at the seat within the day; a session still open counts up to the time the day was recomputed
    /// (or the day's end, whichever is first).
    /// </summary>
    public long SignedInSeconds { get; set; }

    /// <summary>Seat sessions that started that day.</summary>
    public int Sessions { get; set; }
}

internal sealed class RollupConfiguration :
    IEntityTypeConfiguration<RollupMark>,
    IEntityTypeConfiguration<CallDayStat>,
    IEntityTypeConfiguration<CallHourStat>,
    IEntityTypeConfiguration<CallRegionStat>,
    IEntityTypeConfiguration<WorkOrderDayStat>,
    IEntityTypeConfiguration<WorkOrderMonthStat>,
    IEntityTypeConfiguration<WorkOrderRegionStat>,
    IEntityTypeConfiguration<AgentDayStat>
{
    public void Configure(EntityTypeBuilder<RollupMark> builder)
    {
        builder.ToTable("RollupMarks");
        builder.HasIndex(m => new { m.PlatformId, m.Day });
    }

    public void Configure(EntityTypeBuilder<CallDayStat> builder)
    {
        builder.ToTable("CallDayStats");
        builder.Property(s => s.SkillCode).HasMaxLength(32);
        builder.HasIndex(s => new { s.PlatformId, s.Day, s.SkillCode, s.AgentId }).IsUnique();
        builder.HasIndex(s => s.Day);
    }

    public void Configure(EntityTypeBuilder<CallHourStat> builder)
    {
        builder.ToTable("CallHourStats");
        builder.HasIndex(s => new { s.PlatformId, s.Day, s.Hour }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<CallRegionStat> builder)
    {
        builder.ToTable("CallRegionStats");
        builder.Property(s => s.Province).HasMaxLength(32);
        builder.Property(s => s.City).HasMaxLength(32);
        builder.HasIndex(s => new { s.PlatformId, s.Day, s.Province, s.City }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<WorkOrderDayStat> builder)
    {
        builder.ToTable("WorkOrderDayStats");
        builder.Property(s => s.CategoryCode).HasMaxLength(64);
        builder.HasIndex(s => new { s.PlatformId, s.Day, s.CategoryCode, s.Channel, s.Type }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<WorkOrderMonthStat> builder)
    {
        builder.ToTable("WorkOrderMonthStats");
        builder.Property(s => s.CategoryCode).HasMaxLength(64);
        builder.HasIndex(s => new { s.PlatformId, s.Month, s.CategoryCode, s.Channel, s.Type }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<WorkOrderRegionStat> builder)
    {
        builder.ToTable("WorkOrderRegionStats");
        builder.Property(s => s.Province).HasMaxLength(32);
        builder.Property(s => s.City).HasMaxLength(32);
        builder.HasIndex(s => new { s.PlatformId, s.Day, s.Province, s.City, s.CallerType }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<AgentDayStat> builder)
    {
        builder.ToTable("AgentDayStats");
        builder.HasIndex(s => new { s.PlatformId, s.Day, s.AgentId, s.SeatId }).IsUnique();
    }
}

/// <summary>
/// Hot topics (热点分析): work orders per platform, Beijing creation day and term of the question (a 2–4 character word
/// or a phrase of two, see <see cref="Topics.TopicTerms"/>). A term counts once per work order.
/// </summary>
public sealed class TermDayStat : IPlatformOwned, INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    public DateOnly Day { get; set; }

    public string Term { get; set; } = "";

    public int Orders { get; set; }
}

/// <summary>The <see cref="TermDayStat"/> rows of one calendar month summed, kept with them like <see cref="WorkOrderMonthStat"/>.</summary>
public sealed class TermMonthStat : IPlatformOwned, INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    /// <summary>The first day of the month.</summary>
    public DateOnly Month { get; set; }

    public string Term { get; set; } = "";

    public int Orders { get; set; }
}

internal sealed class TermDayStatConfiguration : IEntityTypeConfiguration<TermDayStat>, IEntityTypeConfiguration<TermMonthStat>
{
    public void Configure(EntityTypeBuilder<TermDayStat> builder)
    {
        builder.ToTable("TermDayStats");
        builder.Property(s => s.Term).HasMaxLength(Topics.TopicTerms.MaxTermLength);
        builder.HasIndex(s => new { s.PlatformId, s.Day, s.Term }).IsUnique();
        builder.HasIndex(s => new { s.PlatformId, s.Term, s.Day });
    }

    public void Configure(EntityTypeBuilder<TermMonthStat> builder)
    {
        builder.ToTable("TermMonthStats");
        builder.Property(s => s.Term).HasMaxLength(Topics.TopicTerms.MaxTermLength);
        builder.HasIndex(s => new { s.PlatformId, s.Month, s.Term }).IsUnique();
    }
}

/// <summary>
/// A period of Beijing days split for the month rollups: the whole calendar months inside it, and the days of a partial
/// month at either end (a period within one month is all days).
/// </summary>
public sealed record MonthSplit(IReadOnlyList<(DateOnly From, DateOnly To)> Days, DateOnly? FirstMonth, DateOnly? AfterLastMonth)
{
    public static MonthSplit Of(DateOnly from, DateOnly to)
    {
        var firstMonth = from.Day == 1 ? from : WorkOrderMonthStat.MonthOf(from).AddMonths(1);
        var afterLastMonth = WorkOrderMonthStat.MonthOf(to.AddDays(1));
        if (firstMonth >= afterLastMonth)
        {
            return new MonthSplit([(from, to)], null, null);
        }

        var days = new List<(DateOnly, DateOnly)>();
        if (from < firstMonth)
        {
            days.Add((from, firstMonth.AddDays(-1)));
        }

        if (afterLastMonth <= to)
        {
            days.Add((afterLastMonth, to));
        }

        return new MonthSplit(days, firstMonth, afterLastMonth);
    }
}

/// <summary>
/// One platform-day in one row: the sums of that day's <see cref="CallDayStat"/> and <see cref="WorkOrderDayStat"/> rows
/// (built from them, so always equal), for the headline KPIs and trends — a year is 365 rows whatever the volume.
/// </summary>
public sealed class PlatformDayStat : IPlatformOwned, INotAudited
{
    public long Id { get; set; }
    public int PlatformId { get; set; }
    public DateOnly Day { get; set; }
    public int Inbound { get; set; }
    public int Requests { get; set; }
    public int Answered { get; set; }
    public int AnsweredInTarget { get; set; }
    public int Abandoned { get; set; }
    public int CallbackRequests { get; set; }
    public long WaitSeconds { get; set; }
    public long TalkSeconds { get; set; }
    public int Talked { get; set; }
    public long WrapSeconds { get; set; }
    public int WrappedUp { get; set; }
    public int Rated { get; set; }
    public int Satisfied { get; set; }
    public int BasicallySatisfied { get; set; }
    public int Dissatisfied { get; set; }
    public int RepeatCalls { get; set; }
    public int OutOfRegion { get; set; }
    public int RegionKnown { get; set; }
    public int Outbound { get; set; }

    /// <summary>Work orders created that day (all channels) and what became of them.</summary>
    public int WorkOrdersCreated { get; set; }
    public int WorkOrdersCompleted { get; set; }
    public int CompletedOnTime { get; set; }
    public int FirstContactResolved { get; set; }
    public int Referred { get; set; }
    public int HandedOver { get; set; }

    /// <summary>Work orders of channels other than the phone (services of their own) and their ratings.</summary>
    public int OtherChannelCreated { get; set; }
    public int OtherChannelSatisfied { get; set; }
    public int OtherChannelBasicallySatisfied { get; set; }
    public int OtherChannelDissatisfied { get; set; }

    public static PlatformDayStat Sum(int platformId, DateOnly day, IEnumerable<CallDayStat> calls, IEnumerable<WorkOrderDayStat> orders)
    {
        var t = new PlatformDayStat { PlatformId = platformId, Day = day };
        foreach (var c in calls)
        {
            t.Inbound += c.Inbound; t.Requests += c.Requests; t.Answered += c.Answered; t.AnsweredInTarget += c.AnsweredInTarget;
            t.Abandoned += c.Abandoned; t.CallbackRequests += c.CallbackRequests; t.WaitSeconds += c.WaitSeconds; t.TalkSeconds += c.TalkSeconds;
            t.Talked += c.Talked; t.WrapSeconds += c.WrapSeconds; t.WrappedUp += c.WrappedUp; t.Rated += c.Rated; t.Satisfied += c.Satisfied;
            t.BasicallySatisfied += c.BasicallySatisfied; t.Dissatisfied += c.Dissatisfied; t.RepeatCalls += c.RepeatCalls;
            t.OutOfRegion += c.OutOfRegion; t.RegionKnown += c.RegionKnown; t.Outbound += c.Outbound;
        }

        foreach (var w in orders)
        {
            t.WorkOrdersCreated += w.Created; t.WorkOrdersCompleted += w.Completed; t.CompletedOnTime += w.CompletedOnTime;
            t.FirstContactResolved += w.FirstContactResolved; t.Referred += w.Referred; t.HandedOver += w.HandedOver;
            if (w.Channel != WorkOrderChannel.Phone)
            {
                t.OtherChannelCreated += w.Created; t.OtherChannelSatisfied += w.Satisfied;
                t.OtherChannelBasicallySatisfied += w.BasicallySatisfied; t.OtherChannelDissatisfied += w.Dissatisfied;
            }
        }

        return t;
    }
}

internal sealed class PlatformDayStatConfiguration : IEntityTypeConfiguration<PlatformDayStat>
{
    public void Configure(EntityTypeBuilder<PlatformDayStat> builder)
    {
        builder.ToTable("PlatformDayStats");
        builder.HasIndex(s => new { s.PlatformId, s.Day }).IsUnique();
    }
}
