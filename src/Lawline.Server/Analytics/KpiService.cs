using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Analytics;

/// <summary>
/// Every KPI of design.md for one scope and period, from the rollups. Counts are exact sums; rates and averages are
/// quotients of those sums (null when there is nothing to divide by). QA figures stay null until quality inspection
/// records exist.
/// </summary>
public sealed record KpiSet(
    long InboundCalls,
    long AgentRequests,
    long Answered,
    double? ConnectionRate,
    long AnsweredInTarget,
    double? ServiceLevel,
    long Abandoned,
    double? AbandonmentRate,
    double? AverageSpeedOfAnswerSeconds,
    double? AverageTalkSeconds,
    double? AverageWrapUpSeconds,
    double? AverageHandleTimeSeconds,
    double TotalTalkHours,
    long CallbackRequests,
    long OutboundCalls,
    long RatedServices,
    long Satisfied,
    long BasicallySatisfied,
    long Dissatisfied,
    double? RatingRate,
    double? SatisfactionRate,
    double? StrictSatisfactionRate,
    long WorkOrdersCreated,
    long WorkOrdersCompleted,
    double? CompletionRate,
    long CompletedOnTime,
    double? OnTimeCompletionRate,
    long FirstContactResolved,
    double? FirstContactResolutionRate,
    long Referrals,
    long HandOvers,
    long RepeatCalls,
    double? RepeatCallRate,
    long OutOfRegionCalls,
    double? OutOfRegionShare,
    long LowRatingCallbacksDue,
    long LowRatingCallbacksDone,
    double? CallbackCoverage,
    double? QaCoverage,
    double? QaPassRate)
{
    /// <summary>The headline KPIs by name, for change tables (year on year, period on period).</summary>
    public IReadOnlyDictionary<string, double?> Headline() => new Dictionary<string, double?>
    {
        [nameof(InboundCalls)] = InboundCalls,
        [nameof(Answered)] = Answered,
        [nameof(ConnectionRate)] = ConnectionRate,
        [nameof(ServiceLevel)] = ServiceLevel,
        [nameof(AbandonmentRate)] = AbandonmentRate,
        [nameof(AverageSpeedOfAnswerSeconds)] = AverageSpeedOfAnswerSeconds,
        [nameof(AverageHandleTimeSeconds)] = AverageHandleTimeSeconds,
        [nameof(TotalTalkHours)] = TotalTalkHours,
        [nameof(RatedServices)] = RatedServices,
        [nameof(RatingRate)] = RatingRate,
        [nameof(SatisfactionRate)] = SatisfactionRate,
        [nameof(StrictSatisfactionRate)] = StrictSatisfactionRate,
        [nameof(WorkOrdersCreated)] = WorkOrdersCreated,
        [nameof(CompletionRate)] = CompletionRate,
        [nameof(OnTimeCompletionRate)] = OnTimeCompletionRate,
        [nameof(FirstContactResolutionRate)] = FirstContactResolutionRate,
        [nameof(Referrals)] = Referrals,
        [nameof(RepeatCallRate)] = RepeatCallRate,
        [nameof(OutOfRegionShare)] = OutOfRegionShare,
        [nameof(CallbackCoverage)] = CallbackCoverage,
    };
}

/// <summary>A KPI now and before: the relative change for counts and averages, the difference in points for rates.</summary>
public sealed record KpiChange(string Kpi, double? Current, double? PreviousYear, double? YearOnYear, double? PreviousPeriod, double? PeriodOnPeriod, bool IsRate);

public sealed record KpiReport(
    int? PlatformId,
    string PlatformName,
    DateOnly From,
    DateOnly To,
    KpiSet Current,
    KpiSet PreviousYear,
    KpiSet PreviousPeriod,
    IReadOnlyList<KpiChange> Changes);

/// <summary>
/// The KPI engine over the rollups: any platform (with its sub-platforms) and any period, plus the same period a year
/// before and the period just before, in a handful of indexed range queries whatever the volume of raw records.
/// </summary>
public sealed class KpiService(AppDbContext db, TimeProvider clock)
{
    /// <summary>The longest period one request may cover.</summary>
    public const int MaxDays = 3 * 366;

    public async Task<KpiReport> ReportAsync(int? platformId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        if (to < from)
        {
            throw new ValidationFailedException("to", "The end of the period is before its start.");
        }

        if (to.DayNumber - from.DayNumber + 1 > MaxDays)
        {
            throw new ValidationFailedException("to", $"A period can cover at most {MaxDays} days.");
        }

        var (platforms, name) = await ScopeAsync(platformId, cancellationToken);
        var current = await ComputeAsync(platforms, from, to, cancellationToken);
        var lastYear = await ComputeAsync(platforms, from.AddYears(-1), to.AddYears(-1), cancellationToken);
        var length = to.DayNumber - from.DayNumber + 1;
        var previous = await ComputeAsync(platforms, from.AddDays(-length), from.AddDays(-1), cancellationToken);
        var now = current.Headline();
        var year = lastYear.Headline();
        var before = previous.Headline();
        var changes = now.Select(k => new KpiChange(k.Key, k.Value, year[k.Key], Change(k.Key, k.Value, year[k.Key]), before[k.Key],
            Change(k.Key, k.Value, before[k.Key]), IsRate(k.Key))).ToList();
        return new KpiReport(platformId, name, from, to, current, lastYear, previous, changes);
    }

    /// <summary>Today in Beijing (the default period of dashboards).</summary>
    public DateOnly Today => KpiDefinitions.DayOf(clock.GetUtcNow());

    /// <summary>The platform and its sub-platforms the user may see (all visible ones when none is given).</summary>
    public async Task<(IReadOnlyList<int> Ids, string Name)> ScopeAsync(int? platformId, CancellationToken cancellationToken)
    {
        if (platformId is null)
        {
            var ids = await db.Platforms.AsNoTracking().Select(p => p.Id).ToListAsync(cancellationToken);
            return (ids, "");
        }

        var platform = await db.Platforms.AsNoTracking().Where(p => p.Id == platformId).Select(p => new { p.Path, p.Name }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("Platform", platformId.Value);
        var subtree = await db.Platforms.AsNoTracking().Where(p => p.Path.StartsWith(platform.Path)).Select(p => p.Id).ToListAsync(cancellationToken);
        return (subtree, platform.Name);
    }

    public async Task<KpiSet> ComputeAsync(IReadOnlyList<int> platformIds, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var ids = platformIds.ToList();
        // One row per platform-day: a year is a few hundred rows, whatever the volume of calls.
        var t = await db.PlatformDayStats.AsNoTracking()
            .Where(s => ids.Contains(s.PlatformId) && s.Day >= from && s.Day <= to)
            .GroupBy(_ => 1)
            .Select(g => new
            {
                Inbound = g.Sum(s => (long)s.Inbound),
                Requests = g.Sum(s => (long)s.Requests),
                Answered = g.Sum(s => (long)s.Answered),
                InTarget = g.Sum(s => (long)s.AnsweredInTarget),
                Abandoned = g.Sum(s => (long)s.Abandoned),
                Callbacks = g.Sum(s => (long)s.CallbackRequests),
                Wait = g.Sum(s => s.WaitSeconds),
                Talk = g.Sum(s => s.TalkSeconds),
                Talked = g.Sum(s => (long)s.Talked),
                Wrap = g.Sum(s => s.WrapSeconds),
                Wrapped = g.Sum(s => (long)s.WrappedUp),
                Satisfied = g.Sum(s => (long)s.Satisfied),
                Basically = g.Sum(s => (long)s.BasicallySatisfied),
                Dissatisfied = g.Sum(s => (long)s.Dissatisfied),
                Repeat = g.Sum(s => (long)s.RepeatCalls),
                OutOfRegion = g.Sum(s => (long)s.OutOfRegion),
                RegionKnown = g.Sum(s => (long)s.RegionKnown),
                Outbound = g.Sum(s => (long)s.Outbound),
                Created = g.Sum(s => (long)s.WorkOrdersCreated),
                Completed = g.Sum(s => (long)s.WorkOrdersCompleted),
                OnTime = g.Sum(s => (long)s.CompletedOnTime),
                FirstContact = g.Sum(s => (long)s.FirstContactResolved),
                Referred = g.Sum(s => (long)s.Referred),
                HandedOver = g.Sum(s => (long)s.HandedOver),
                OtherCreated = g.Sum(s => (long)s.OtherChannelCreated),
                OtherSatisfied = g.Sum(s => (long)s.OtherChannelSatisfied),
                OtherBasically = g.Sum(s => (long)s.OtherChannelBasicallySatisfied),
                OtherDissatisfied = g.Sum(s => (long)s.OtherChannelDissatisfied),
            })
            .SingleOrDefaultAsync(cancellationToken);
        var (fromInstant, _) = KpiDefinitions.DayBounds(from);
        var (_, toInstant) = KpiDefinitions.DayBounds(to);
        // 回访 coverage: the low-rating callbacks opened in the period, and how many of them reached the caller.
        var callbacks = await db.CallbackTasks.AsNoTracking()
            .Where(t => ids.Contains(t.PlatformId) && t.Kind == CallbackKind.LowRating && t.CreatedAt >= fromInstant && t.CreatedAt < toInstant)
            .GroupBy(t => t.Status == CallbackStatus.Done)
            .Select(g => new { Done = g.Key, Count = g.LongCount() })
            .ToListAsync(cancellationToken);

        // A service is an answered call, or a work order from a channel other than the phone (self-service, web, letter):
        // each is rated at most once, so the rating KPIs add the two without double counting.
        long answered = t?.Answered ?? 0;
        long services = answered + (t?.OtherCreated ?? 0);
        long satisfied = (t?.Satisfied ?? 0) + (t?.OtherSatisfied ?? 0);
        long basically = (t?.Basically ?? 0) + (t?.OtherBasically ?? 0);
        long dissatisfied = (t?.Dissatisfied ?? 0) + (t?.OtherDissatisfied ?? 0);
        long rated = satisfied + basically + dissatisfied;
        long created = t?.Created ?? 0;
        long completed = t?.Completed ?? 0;
        long onTime = t?.OnTime ?? 0;
        long firstContact = t?.FirstContact ?? 0;
        long due = callbacks.Sum(c => c.Count);
        long done = callbacks.Where(c => c.Done).Sum(c => c.Count);
        long talk = t?.Talk ?? 0;
        long talked = t?.Talked ?? 0;
        return new KpiSet(
            InboundCalls: t?.Inbound ?? 0,
            AgentRequests: t?.Requests ?? 0,
            Answered: answered,
            ConnectionRate: KpiDefinitions.Rate(answered, t?.Requests ?? 0),
            AnsweredInTarget: t?.InTarget ?? 0,
            ServiceLevel: KpiDefinitions.Rate(t?.InTarget ?? 0, answered),
            Abandoned: t?.Abandoned ?? 0,
            AbandonmentRate: KpiDefinitions.Rate(t?.Abandoned ?? 0, t?.Requests ?? 0),
            AverageSpeedOfAnswerSeconds: KpiDefinitions.Average(t?.Wait ?? 0, answered),
            AverageTalkSeconds: KpiDefinitions.Average(talk, talked),
            AverageWrapUpSeconds: KpiDefinitions.Average(t?.Wrap ?? 0, t?.Wrapped ?? 0),
            AverageHandleTimeSeconds: talked == 0 ? null : (double)(talk + (t?.Wrap ?? 0)) / talked,
            TotalTalkHours: Math.Round(talk / 3600.0, 2),
            CallbackRequests: t?.Callbacks ?? 0,
            OutboundCalls: t?.Outbound ?? 0,
            RatedServices: rated,
            Satisfied: satisfied,
            BasicallySatisfied: basically,
            Dissatisfied: dissatisfied,
            RatingRate: KpiDefinitions.Rate(rated, services),
            SatisfactionRate: KpiDefinitions.Rate(satisfied + basically, rated),
            StrictSatisfactionRate: KpiDefinitions.Rate(satisfied, rated),
            WorkOrdersCreated: created,
            WorkOrdersCompleted: completed,
            CompletionRate: KpiDefinitions.Rate(completed, created),
            CompletedOnTime: onTime,
            OnTimeCompletionRate: KpiDefinitions.Rate(onTime, completed),
            FirstContactResolved: firstContact,
            FirstContactResolutionRate: KpiDefinitions.Rate(firstContact, created),
            Referrals: t?.Referred ?? 0,
            HandOvers: t?.HandedOver ?? 0,
            RepeatCalls: t?.Repeat ?? 0,
            RepeatCallRate: KpiDefinitions.Rate(t?.Repeat ?? 0, t?.Inbound ?? 0),
            OutOfRegionCalls: t?.OutOfRegion ?? 0,
            OutOfRegionShare: KpiDefinitions.Rate(t?.OutOfRegion ?? 0, t?.RegionKnown ?? 0),
            LowRatingCallbacksDue: due,
            LowRatingCallbacksDone: done,
            CallbackCoverage: KpiDefinitions.Rate(done, due),
            QaCoverage: null,
            QaPassRate: null);
    }

    private static bool IsRate(string kpi) => kpi.EndsWith("Rate", StringComparison.Ordinal) || kpi is nameof(KpiSet.ServiceLevel)
        or nameof(KpiSet.OutOfRegionShare) or nameof(KpiSet.CallbackCoverage);

    /// <summary>Rates change in percentage points; counts and averages by their ratio (Beijing's "增长 24.34 %").</summary>
    private static double? Change(string kpi, double? now, double? before)
    {
        if (now is null || before is null)
        {
            return null;
        }

        if (IsRate(kpi))
        {
            return now - before;
        }

        return before == 0 ? null : (now - before) / before;
    }
}
