using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Satisfaction;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Routing.Live;

/// <summary>Alert thresholds of the wallboard and how fresh its KPIs are (section <c>Wallboard</c>).</summary>
public sealed class WallboardOptions
{
    public const string Section = "Wallboard";

    /// <summary>A queue with more waiting callers than this is flagged.</summary>
    [Range(1, 1000)]
    public int WaitingCallsAlert { get; set; } = 5;

    /// <summary>A queue whose longest-waiting caller has waited longer than this is flagged.</summary>
    [Range(5, 3600)]
    public int LongestWaitAlertSeconds { get; set; } = 60;

    /// <summary>An agent not ready (break, training, meeting...) for longer than this is flagged.</summary>
    [Range(1, 480)]
    public int NotReadyAlertMinutes { get; set; } = 15;

    /// <summary>A call longer than this is flagged (an expert or the duty leader may need to step in).</summary>
    [Range(1, 480)]
    public int LongCallAlertMinutes { get; set; } = 20;

    /// <summary>The KPIs from today's call records are recomputed at most this often, however many calls come and go.</summary>
    [Range(1, 300)]
    public int KpiRefreshSeconds { get; set; } = 3;
}

/// <summary>
/// Today's figures of one queue (platform and skill) from the call records, by the definitions of design.md:
/// offered = inbound calls that queued for an agent (转人工量), 接通率 = answered ÷ offered, 及时率 (service level) =
/// answered within 15 s ÷ answered, ASA = average wait of answered calls, average talk from answer to hang-up.
/// Rates are null when there is nothing to divide by.
/// </summary>
public sealed record QueueKpis(
    int PlatformId,
    string SkillCode,
    int Offered,
    int Answered,
    int Abandoned,
    int AnsweredWithinTarget,
    double? AverageWaitSeconds,
    double? AverageTalkSeconds,
    int Rated = 0,
    int SatisfiedOrBasically = 0)
{
    public static readonly TimeSpan ServiceLevelTarget = TimeSpan.FromSeconds(15);

    public double? ServiceLevel => Answered == 0 ? null : (double)AnsweredWithinTarget / Answered;

    public double? ConnectionRate => Offered == 0 ? null : (double)Answered / Offered;

    /// <summary>满意率 (design.md): (满意 + 基本满意) ÷ rated.</summary>
    public double? SatisfactionRate => Rated == 0 ? null : (double)SatisfiedOrBasically / Rated;

    public static QueueKpis Empty(int platformId, string skillCode) => new(platformId, skillCode, 0, 0, 0, 0, null, null);

    /// <summary>Several queues (a platform's total): counts add up, averages are weighted by the calls they average.</summary>
    public static QueueKpis Sum(int platformId, string skillCode, IReadOnlyCollection<QueueKpis> parts)
    {
        var answered = parts.Sum(p => p.Answered);
        var talked = parts.Where(p => p.AverageTalkSeconds is not null).Sum(p => p.Answered);
        return new QueueKpis(
            platformId,
            skillCode,
            parts.Sum(p => p.Offered),
            answered,
            parts.Sum(p => p.Abandoned),
            parts.Sum(p => p.AnsweredWithinTarget),
            answered == 0 ? null : parts.Sum(p => (p.AverageWaitSeconds ?? 0) * p.Answered) / answered,
            talked == 0 ? null : parts.Where(p => p.AverageTalkSeconds is not null).Sum(p => p.AverageTalkSeconds!.Value * p.Answered) / talked,
            parts.Sum(p => p.Rated),
            parts.Sum(p => p.SatisfiedOrBasically));
    }
}

public enum WallboardAlertKind
{
    /// <summary>More callers waiting in a queue than <see cref="WallboardOptions.WaitingCallsAlert"/>.</summary>
    QueueBacklog,

    /// <summary>A caller has waited longer than <see cref="WallboardOptions.LongestWaitAlertSeconds"/>.</summary>
    LongWait,

    /// <summary>An agent not ready longer than <see cref="WallboardOptions.NotReadyAlertMinutes"/>.</summary>
    LongNotReady,

    /// <summary>A call longer than <see cref="WallboardOptions.LongCallAlertMinutes"/>.</summary>
    LongCall,

    /// <summary>A caller just rated 基本满意 or 不满意 (a callback is due).</summary>
    LowRating,

    /// <summary>重复来电: a caller who called again within the repeat window is waiting in a queue.</summary>
    RepeatCaller,

    /// <summary>激增: an open surge alert of the monitoring (a category or caller province far above its baseline).</summary>
    Surge,
}

/// <summary>
/// Something a supervisor should look at. <paramref name="Subject"/> names what it concerns (a queue's skill, an
/// agent); <paramref name="Value"/> is the count or seconds the alert is about; <paramref name="Link"/> leads to it.
/// </summary>
public sealed record WallboardAlert(
    WallboardAlertKind Kind,
    int PlatformId,
    string Subject,
    int Value,
    string Link,
    DateTimeOffset At,
    CallRating? Rating = null,
    long? CallRecordId = null,
    int? AgentId = null,
    string? QueueId = null,
    string? CallerNumber = null);

/// <summary>A queue row: the router's view now and today's KPIs from the call records.</summary>
public sealed record WallboardQueue(QueueDto Live, QueueKpis Today);

/// <summary>
/// An agent tile. While the agent is ringing or talking, <paramref name="CallerWaitedSeconds"/> is how long the caller
/// waited (still waiting while ringing) and <paramref name="TalkSeconds"/> how long they have talked.
/// </summary>
public sealed record WallboardAgent(RoutedAgentDto Agent, int? CallerWaitedSeconds, int? TalkSeconds);

/// <summary>A platform card: its totals of today and now, and its seats signed in against the seats the duty roster has on duty now.</summary>
public sealed record WallboardPlatform(int PlatformId, string Name, int Waiting, int LongestWaitSeconds, int ReadyAgents, int StaffedAgents, QueueKpis Today,
    int RosteredSeats = 0, int SignedInSeats = 0, SatisfactionCounts? Satisfaction = null);

public sealed record WallboardView(
    DateTimeOffset At,
    IReadOnlyList<WallboardPlatform> Platforms,
    IReadOnlyList<WallboardQueue> Queues,
    IReadOnlyList<WallboardAgent> Agents,
    IReadOnlyList<WallboardAlert> Alerts);

/// <summary>
/// The supervisors' wallboard (监控大屏): one process-wide cache of today's per-queue KPIs from the call records,
/// recomputed at most every <see cref="WallboardOptions.KpiRefreshSeconds"/> (sooner, but not more than once a second,
/// after a call event), plus what only events tell: the wait of the caller each agent is talking to and the low ratings
/// just received. The live part (queues and agents now) comes from <see cref="AgentDesk"/>, which already scopes it to
/// the supervisor's platforms; the KPIs and alerts are scoped here with the same <see cref="CurrentUser"/>.
/// <para>
/// Today is the Beijing day (UTC+8): every 12348/12368 platform is in China. Scanning one day's call records (a few
/// thousand at city scale) every few seconds is cheap; rollups would be the next step if a wallboard ever covered a
/// province's whole day at once.
/// </para>
/// </summary>
public sealed class WallboardService : IHostedService, IDisposable
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private static readonly TimeSpan MinimumRefresh = TimeSpan.FromSeconds(1);
    private const int RecentRatingsKept = 100;
    private const int RepeatCallersKept = 1000;

    private readonly IServiceScopeFactory _scopes;
    private readonly RoutingNotifier _routing;
    private readonly CallNotifier _calls;
    private readonly TimeProvider _clock;
    private readonly IOptionsMonitor<WallboardOptions> _options;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly Lock _lock = new();
    private readonly Dictionary<AgentId, DateTimeOffset> _callerQueuedSince = [];
    private readonly LinkedList<WallboardAlert> _lowRatings = [];
    private readonly Dictionary<CallId, RepeatCaller> _repeatCallers = [];
    private IDisposable? _routingSubscription;
    private IDisposable? _callSubscription;
    private KpiCache? _cache;
    private volatile bool _dirty = true;

    public WallboardService(IServiceScopeFactory scopes, RoutingNotifier routing, CallNotifier calls, TimeProvider clock, IOptionsMonitor<WallboardOptions> options)
    {
        _scopes = scopes;
        _routing = routing;
        _calls = calls;
        _clock = clock;
        _options = options;
    }

    /// <summary>A repeat caller waiting in <paramref name="QueueId"/> since <paramref name="QueuedAt"/>.</summary>
    private sealed record RepeatCaller(CallId CallId, QueueId QueueId, DateTimeOffset QueuedAt);

    private sealed record KpiCache(DateTimeOffset ComputedAt, DateTimeOffset Day, IReadOnlyDictionary<(int PlatformId, string SkillCode), QueueKpis> Queues,
        IReadOnlyDictionary<int, SatisfactionCounts> Satisfaction);

    /// <summary>Raised (quickly, on the notifier's thread) after an event that may change what a wallboard shows.</summary>
    public event Action? Changed;

    public WallboardOptions Options => _options.CurrentValue;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _routingSubscription = _routing.Subscribe(OnRoutingEvent);
        _callSubscription = _calls.Subscribe(OnCallEvent);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _routingSubscription?.Dispose();
        _callSubscription?.Dispose();
        _routingSubscription = null;
        _callSubscription = null;
    }

    /// <summary>The start of today in Beijing, as a UTC instant (PostgreSQL's timestamptz takes offset 0 only).</summary>
    public static DateTimeOffset StartOfDay(DateTimeOffset now)
    {
        var local = now.ToOffset(Beijing);
        return new DateTimeOffset(local.Year, local.Month, local.Day, 0, 0, 0, Beijing).ToUniversalTime();
    }

    // ---------------------------------------------------------------- events (handlers must be quick)

    private Task OnRoutingEvent(RoutingEvent routingEvent)
    {
        switch (routingEvent)
        {
            case OfferCall { IsCallback: false } offer:
                lock (_lock)
                {
                    _callerQueuedSince[offer.AgentId] = offer.At - offer.Waited;
                }
                break;
            case CallQueued { Priority: CallPriority.RepeatCaller } queued:
                lock (_lock)
                {
                    // Bounded: a queue the router dropped without events must not grow this for ever.
                    if (_repeatCallers.Count < RepeatCallersKept)
                    {
                        _repeatCallers[queued.CallId] = new RepeatCaller(queued.CallId, queued.QueueId, queued.At);
                    }
                }
                break;
            case CallLeftQueue left:
                lock (_lock)
                {
                    _repeatCallers.Remove(left.CallId);
                }
                break;
            case AgentStateChanged { To: AgentState.Ready or AgentState.NotReady or AgentState.Offline } change:
                lock (_lock)
                {
                    _callerQueuedSince.Remove(change.AgentId);
                }
                break;
        }

        if (routingEvent is CallLeftQueue or OfferCall)
        {
            _dirty = true;
        }

        if (routingEvent is AgentStateChanged or CallQueued or CallLeftQueue or OfferCall)
        {
            Changed?.Invoke();
        }

        return Task.CompletedTask;
    }

    private Task OnCallEvent(AgentCallEvent call)
    {
        _dirty = true;
        if (call is { Stage: AgentCallStage.Rated, Rating: CallRating.BasicallySatisfied or CallRating.Dissatisfied })
        {
            lock (_lock)
            {
                _lowRatings.AddFirst(new WallboardAlert(
                    WallboardAlertKind.LowRating, call.PlatformId, call.SkillCode ?? string.Empty, 0,
                    "/supervisor/callbacks", call.At, call.Rating, call.CallRecordId, call.AgentId.Value));
                while (_lowRatings.Count > RecentRatingsKept)
                {
                    _lowRatings.RemoveLast();
                }
            }
        }

        Changed?.Invoke();
        return Task.CompletedTask;
    }

    // ---------------------------------------------------------------- KPIs

    /// <summary>Today's KPIs of every queue of the platforms <paramref name="me"/> sees (only queues with calls today).</summary>
    public async Task<IReadOnlyList<QueueKpis>> TodayAsync(CurrentUser me, CancellationToken cancellationToken)
    {
        var cache = await KpisAsync(cancellationToken);
        return [.. cache.Queues.Values.Where(k => Sees(me, k.PlatformId)).OrderBy(k => k.PlatformId).ThenBy(k => k.SkillCode, StringComparer.Ordinal)];
    }

    private async Task<KpiCache> KpisAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        if (IsFresh(_cache, now))
        {
            return _cache!;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            now = _clock.GetUtcNow();
            if (IsFresh(_cache, now))
            {
                return _cache!;
            }

            _dirty = false;
            var day = StartOfDay(now);
            var queues = await ComputeAsync(day, cancellationToken);
            // Today's 评价率, 满意率 and 回访 coverage per platform, by the same definitions as the satisfaction reports.
            var satisfaction = await _scopes.ReadAsSystemAsync("wallboard",
                db => new SatisfactionKpis(db, _clock).ByPlatformAsync(day, day.AddDays(1), cancellationToken), cancellationToken);
            _cache = new KpiCache(now, day, queues, satisfaction);
            return _cache;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private bool IsFresh(KpiCache? cache, DateTimeOffset now)
    {
        if (cache is null || cache.Day != StartOfDay(now))
        {
            return false;
        }

        var age = now - cache.ComputedAt;
        return age < MinimumRefresh || (!_dirty && age < TimeSpan.FromSeconds(Options.KpiRefreshSeconds));
    }

    private async Task<Dictionary<(int, string), QueueKpis>> ComputeAsync(DateTimeOffset day, CancellationToken cancellationToken)
    {
        var end = day.AddDays(1);
        var records = await _scopes.ReadAsSystemAsync("wallboard", db => db.CallRecords.AsNoTracking()
            .Where(r => r.Channel == CallChannel.Inbound && r.QueuedAt != null && r.SkillCode != null && r.ArrivedAt >= day && r.ArrivedAt < end)
            .Select(r => new { r.PlatformId, r.SkillCode, r.QueuedAt, r.AnsweredAt, r.TalkEndedAt, r.AbandonedIn, r.Rating })
            .ToListAsync(cancellationToken), cancellationToken);

        var result = new Dictionary<(int, string), QueueKpis>();
        foreach (var group in records.GroupBy(r => (r.PlatformId, SkillCode: r.SkillCode!)))
        {
            var answered = group.Where(r => r.AnsweredAt is not null).ToList();
            var waits = answered.Select(r => (r.AnsweredAt!.Value - r.QueuedAt!.Value).TotalSeconds).ToList();
            var talks = answered.Where(r => r.TalkEndedAt is not null).Select(r => (r.TalkEndedAt!.Value - r.AnsweredAt!.Value).TotalSeconds).ToList();
            result[group.Key] = new QueueKpis(
                group.Key.PlatformId,
                group.Key.SkillCode,
                group.Count(),
                answered.Count,
                // Hung up while queued or while an agent's phone rang; a caller who asked for a callback did not abandon.
                group.Count(r => r.AnsweredAt is null && r.AbandonedIn is AbandonedIn.Queue or AbandonedIn.Ringing),
                waits.Count(w => w <= QueueKpis.ServiceLevelTarget.TotalSeconds),
                waits.Count == 0 ? null : waits.Average(),
                talks.Count == 0 ? null : talks.Average(),
                group.Count(r => r.Rating is not null),
                group.Count(r => r.Rating is CallRating.Satisfied or CallRating.BasicallySatisfied));
        }

        return result;
    }

    // ---------------------------------------------------------------- the whole view

    /// <summary>
    /// What the wallboard shows to the supervisor of <paramref name="desk"/>'s scope: <paramref name="desk"/> and
    /// <paramref name="me"/> must come from the same scope (a <see cref="UserOperation"/>).
    /// </summary>
    public async Task<WallboardView> ViewAsync(AgentDesk desk, CurrentUser me, CancellationToken cancellationToken)
    {
        var queues = await desk.QueuesAsync(cancellationToken);
        var agents = await desk.AgentsAsync(cancellationToken);
        var cache = await KpisAsync(cancellationToken);
        var kpis = cache.Queues;
        var coverage = (await desk.SeatCoverageAsync(cancellationToken)).ToDictionary(c => c.PlatformId);
        var now = _clock.GetUtcNow();
        var options = Options;

        var rows = queues
            .Select(q => new WallboardQueue(q, kpis.GetValueOrDefault((q.PlatformId, q.SkillCode)) ?? QueueKpis.Empty(q.PlatformId, q.SkillCode)))
            .ToList();

        Dictionary<AgentId, DateTimeOffset> queuedSince;
        List<WallboardAlert> ratings;
        List<RepeatCaller> repeatCallers;
        var day = StartOfDay(now);
        // Only the queues this viewer sees (AgentDesk scoped them): that scopes the repeat callers too.
        var visibleQueues = queues.ToDictionary(q => q.QueueId);
        lock (_lock)
        {
            queuedSince = new Dictionary<AgentId, DateTimeOffset>(_callerQueuedSince);
            ratings = [.. _lowRatings.Where(a => a.At >= day && Sees(me, a.PlatformId))];
            repeatCallers = [.. _repeatCallers.Values.Where(r => visibleQueues.ContainsKey(r.QueueId.Value))];
        }

        var tiles = agents.Select(a => Tile(a, queuedSince, now)).ToList();

        var platforms = queues.Select(q => (q.PlatformId, q.PlatformName))
            .Concat(agents.Select(a => (a.PlatformId, a.PlatformName)))
            .Distinct()
            .OrderBy(p => p.PlatformName, StringComparer.Ordinal)
            .Select(p =>
            {
                var mine = rows.Where(r => r.Live.PlatformId == p.PlatformId).ToList();
                var staff = agents.Where(a => a.PlatformId == p.PlatformId).ToList();
                return new WallboardPlatform(
                    p.PlatformId,
                    p.PlatformName,
                    mine.Sum(r => r.Live.Waiting),
                    mine.Count == 0 ? 0 : mine.Max(r => r.Live.LongestWaitSeconds),
                    staff.Count(a => a.State == AgentState.Ready),
                    staff.Count(a => a.State is AgentState.Ready or AgentState.Ringing or AgentState.Talking or AgentState.WrapUp),
                    QueueKpis.Sum(p.PlatformId, string.Empty, [.. mine.Select(r => r.Today)]),
                    coverage.GetValueOrDefault(p.PlatformId)?.Rostered ?? 0,
                    coverage.GetValueOrDefault(p.PlatformId)?.SignedIn ?? 0,
                    cache.Satisfaction.GetValueOrDefault(p.PlatformId) ?? SatisfactionCounts.Zero);
            })
            .ToList();

        var alerts = new List<WallboardAlert>();
        foreach (var q in queues)
        {
            var queueLink = $"/supervisor/wallboard?platform={q.PlatformId}#queue-{q.QueueId}";
            if (q.Waiting > options.WaitingCallsAlert)
            {
                alerts.Add(new WallboardAlert(WallboardAlertKind.QueueBacklog, q.PlatformId, q.SkillName, q.Waiting, queueLink, now, QueueId: q.QueueId));
            }

            if (q.LongestWaitSeconds > options.LongestWaitAlertSeconds)
            {
                alerts.Add(new WallboardAlert(WallboardAlertKind.LongWait, q.PlatformId, q.SkillName, q.LongestWaitSeconds, queueLink, now, QueueId: q.QueueId));
            }
        }

        if (repeatCallers.Count > 0)
        {
            // The call record of a waiting call is keyed by its caller leg; it gives the (masked) number and the record id.
            var legs = repeatCallers.Select(r => r.CallId.Value).ToList();
            var records = await _scopes.ReadAsSystemAsync("wallboard", db => db.CallRecords.AsNoTracking()
                .Where(r => legs.Contains(r.CallerLeg))
                .Select(r => new { r.Id, r.CallerLeg, r.CallerNumber })
                .ToListAsync(cancellationToken), cancellationToken);
            var byLeg = records.GroupBy(r => r.CallerLeg).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Id)!);
            foreach (var repeat in repeatCallers)
            {
                var q = visibleQueues[repeat.QueueId.Value];
                var record = byLeg.GetValueOrDefault(repeat.CallId.Value);
                // A waiting call has no page of its own yet: the link leads to its queue on the wallboard.
                alerts.Add(new WallboardAlert(
                    WallboardAlertKind.RepeatCaller, q.PlatformId, q.SkillName, Seconds(now - repeat.QueuedAt),
                    $"/supervisor/wallboard?platform={q.PlatformId}#queue-{q.QueueId}", repeat.QueuedAt,
                    CallRecordId: record?.Id, QueueId: q.QueueId,
                    // Masked whoever looks: a wallboard is seen by the whole room.
                    CallerNumber: record is null ? null : PhoneNumberFormatter.Mask(record.CallerNumber)));
            }
        }

        foreach (var tile in tiles)
        {
            var a = tile.Agent;
            var agentLink = $"/supervisor/wallboard?platform={a.PlatformId}#agent-{a.AgentId}";
            if (a.State == AgentState.NotReady && a.SecondsInState > options.NotReadyAlertMinutes * 60)
            {
                alerts.Add(new WallboardAlert(WallboardAlertKind.LongNotReady, a.PlatformId, a.Name, a.SecondsInState, agentLink, a.Since, AgentId: a.AgentId));
            }

            if (tile.TalkSeconds is { } talk && talk > options.LongCallAlertMinutes * 60)
            {
                alerts.Add(new WallboardAlert(WallboardAlertKind.LongCall, a.PlatformId, a.Name, talk, agentLink, a.Since, AgentId: a.AgentId));
            }
        }

        var names = agents.ToDictionary(a => a.AgentId, a => a.Name);
        var skills = queues.Select(q => (q.SkillCode, q.SkillName)).Distinct().ToDictionary(s => s.SkillCode, s => s.SkillName);
        var recordIds = ratings.Select(r => r.CallRecordId!.Value).ToList();
        var workOrders = recordIds.Count == 0
            ? []
            : await _scopes.ReadAsSystemAsync("wallboard", db => db.CallRecords.AsNoTracking()
                .Where(r => recordIds.Contains(r.Id) && r.WorkOrderId != null)
                .ToDictionaryAsync(r => r.Id, r => r.WorkOrderId!.Value, cancellationToken), cancellationToken);
        // Open surge alerts of the viewer's platforms (monitoring; followed up on the alerts page).
        var surges = await _scopes.ReadAsSystemAsync("wallboard", db => db.MonitoringAlerts.AsNoTracking()
            .Where(a => a.Kind == Analytics.Monitoring.MonitoringAlertKind.Surge && a.Status != Analytics.Monitoring.MonitoringAlertStatus.Closed)
            .OrderByDescending(a => a.Id).Take(50)
            .ToListAsync(cancellationToken), cancellationToken);
        alerts.AddRange(surges.Where(a => Sees(me, a.PlatformId)).Select(a =>
            new WallboardAlert(WallboardAlertKind.Surge, a.PlatformId, a.Subject, a.Value, $"/analytics/alerts?platform={a.PlatformId}", a.CreatedAt)));
        alerts.AddRange(ratings.Select(r => r with
        {
            // Named after the agent who took the call; the skill when the agent is no longer routable.
            Subject = r.AgentId is { } id && names.TryGetValue(id, out var name) ? name : skills.GetValueOrDefault(r.Subject, r.Subject),
            // The consultation's work order when the call has one; else the callback list, where the low rating's callback waits.
            Link = workOrders.TryGetValue(r.CallRecordId!.Value, out var workOrder) ? $"/work-orders/{workOrder}" : r.Link,
        }));

        return new WallboardView(now, platforms, rows, tiles, [.. alerts.OrderByDescending(a => a.At)]);
    }

    private static WallboardAgent Tile(RoutedAgentDto agent, Dictionary<AgentId, DateTimeOffset> queuedSince, DateTimeOffset now)
    {
        var since = queuedSince.TryGetValue(new AgentId(agent.AgentId), out var queued) ? queued : (DateTimeOffset?)null;
        return agent.State switch
        {
            AgentState.Ringing => new WallboardAgent(agent, since is { } s ? Seconds(now - s) : null, null),
            AgentState.Talking => new WallboardAgent(agent, since is { } s ? Seconds(agent.Since - s) : null, agent.SecondsInState),
            _ => new WallboardAgent(agent, null, null),
        };
    }

    private static int Seconds(TimeSpan span) => (int)Math.Max(0, span.TotalSeconds);

    private static bool Sees(CurrentUser me, int platformId) => me.IsUnrestricted || me.VisiblePlatformIds.Contains(platformId);
}
