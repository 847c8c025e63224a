using System.Net;
using Lawline.Server.Analytics;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Analytics;

/// <summary>Installations whose rollup worker is driven by the test (not by its timer).</summary>
public sealed class ManualRollupInstallations : IAsyncLifetime
{
    private readonly Dictionary<DatabaseProvider, Lazy<Task<LawlineFactory>>> _factories = Enum.GetValues<DatabaseProvider>()
        .ToDictionary(p => p, p => new Lazy<Task<LawlineFactory>>(() => LawlineFactory.StartAsync(p,
            new Dictionary<string, string?> { ["Analytics:RunRollupWorker"] = "false" })));

    public Task<LawlineFactory> GetAsync(DatabaseProvider provider) => _factories[provider].Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var factory in _factories.Values.Where(f => f.IsValueCreated && f.Value.IsCompletedSuccessfully))
        {
            await (await factory.Value).DisposeAsync();
        }
    }
}

/// <summary>
/// The analytics rollups (issue 9, "scale by design"): every write marks its day in the same save, the worker replaces
/// marked days, a worker killed mid-batch loses and double-counts nothing, a rebuild from the raw records gives the
/// same rows, and the KPI API's figures follow design.md's definitions.
/// </summary>
public sealed class RollupTests(ManualRollupInstallations installations) : IClassFixture<ManualRollupInstallations>
{
    private sealed record Call(DateTimeOffset ArrivedAt, string Number)
    {
        public bool Queued { get; init; } = true;
        public double? WaitSeconds { get; init; }
        public double TalkSeconds { get; init; } = 120;
        public double? WrapSeconds { get; init; }
        public CallRating? Rating { get; init; }
        public AbandonedIn? Abandoned { get; init; }
        public string? Province { get; init; } = "湖北省";
        public int? AgentId { get; init; }
    }

    private static Task<List<long>> SeedAsync(LawlineFactory factory, int platformId, params Call[] calls)
        => factory.WithDatabaseAsync(async db =>
        {
            var records = calls.Select(c =>
            {
                var queued = c.Queued ? c.ArrivedAt.AddSeconds(20) : (DateTimeOffset?)null;
                var answered = c.WaitSeconds is { } w ? queued!.Value.AddSeconds(w) : (DateTimeOffset?)null;
                var talkEnd = answered?.AddSeconds(c.TalkSeconds);
                return new CallRecord
                {
                    PlatformId = platformId,
                    Channel = CallChannel.Inbound,
                    CallerLeg = "leg-" + Guid.NewGuid().ToString("N")[..12],
                    SipCallId = Guid.NewGuid().ToString("N"),
                    CallerNumber = c.Number,
                    CallerProvince = c.Province,
                    DialedNumber = "12348",
                    ArrivedAt = c.ArrivedAt,
                    SkillCode = c.Queued ? "LABOR" : null,
                    QueuedAt = queued,
                    AgentId = answered is null ? null : c.AgentId,
                    AnsweredAt = answered,
                    TalkEndedAt = talkEnd,
                    WrapUpEndedAt = c.WrapSeconds is { } wrap ? talkEnd?.AddSeconds(wrap) : null,
                    Rating = c.Rating,
                    RatedAt = c.Rating is null ? null : talkEnd?.AddSeconds(10),
                    AbandonedIn = c.Abandoned,
                    AbandonedAt = c.Abandoned is null ? null : c.ArrivedAt.AddMinutes(1),
                    EndedAt = (talkEnd ?? c.ArrivedAt).AddSeconds(30),
                };
            }).ToList();
            db.CallRecords.AddRange(records);
            await db.SaveChangesAsync();
            return records.Select(r => r.Id).ToList();
        });

    private static RollupWorker Worker(LawlineFactory factory) => factory.Services.GetRequiredService<RollupWorker>();

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Theory, DatabaseData]
    public async Task The_kpi_api_follows_the_design_definitions_for_a_platform_and_its_sub_platforms(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (city, a, b) = await admin.CreateCityWithDistrictsAsync();
        var today = KpiDefinitions.DayOf(factory.Clock.GetUtcNow());
        var (start, _) = KpiDefinitions.DayBounds(today);
        var (lastYearStart, _) = KpiDefinitions.DayBounds(today.AddYears(-1));
        var repeat = Unique.Mobile();

        await SeedAsync(factory, a.Id,
            new Call(start.AddHours(1), repeat) { WaitSeconds = 5, TalkSeconds = 60, WrapSeconds = 30, Rating = CallRating.Satisfied },
            new Call(start.AddHours(2), repeat) { WaitSeconds = 10, TalkSeconds = 120, Rating = CallRating.BasicallySatisfied },
            new Call(start.AddHours(3), Unique.Mobile()) { WaitSeconds = 30, TalkSeconds = 180 },
            new Call(start.AddHours(4), Unique.Mobile()) { Abandoned = AbandonedIn.Queue },
            new Call(start.AddHours(5), Unique.Mobile()) { Queued = false, Province = null });
        await SeedAsync(factory, city.Id,
            new Call(start.AddHours(6), Unique.Mobile()) { WaitSeconds = 12, TalkSeconds = 240, Rating = CallRating.Dissatisfied, Province = "广东省" },
            new Call(start.AddHours(7), Unique.Mobile()) { WaitSeconds = 40, TalkSeconds = 60 });
        // District B's call counts in the city's figures (a platform's figures include its sub-platforms), not in A's.
        await SeedAsync(factory, b.Id, new Call(start.AddHours(8), Unique.Mobile()) { WaitSeconds = 1, TalkSeconds = 30 });
        await SeedAsync(factory, a.Id,
            new Call(lastYearStart.AddHours(9), Unique.Mobile()) { WaitSeconds = 3, TalkSeconds = 100 },
            new Call(lastYearStart.AddHours(10), Unique.Mobile()) { WaitSeconds = 3, TalkSeconds = 100 });

        // Work orders through the API (created now, today): one answered on the line and completed, one open.
        await admin.PostOkAsync<WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(a.Id, WorkOrderTestData.WageArrears, completeWith: WorkOrderOutcome.AnsweredOnLine));
        await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(a.Id, WorkOrderTestData.Divorce));

        await Worker(factory).DrainAsync(CancellationToken.None);

        var district = await admin.GetOkAsync<KpiReport>($"/api/analytics/kpis?from={Day(today)}&to={Day(today)}&platform={a.Id}");
        var k = district.Current;
        Assert.Equal(5, k.InboundCalls);
        Assert.Equal(4, k.AgentRequests);
        Assert.Equal(3, k.Answered);
        Assert.Equal(0.75, k.ConnectionRate);
        Assert.Equal(2, k.AnsweredInTarget); // 5 s and 10 s are within 15 s; 30 s is not
        Assert.Equal(1, k.Abandoned);
        Assert.Equal(0.25, k.AbandonmentRate);
        Assert.Equal(15, k.AverageSpeedOfAnswerSeconds);
        Assert.Equal(120, k.AverageTalkSeconds);
        Assert.Equal(130, k.AverageHandleTimeSeconds); // (60 + 120 + 180 + 30 wrap-up) ÷ 3
        Assert.Equal(2, k.RatedServices);
        Assert.Equal(1.0, k.SatisfactionRate);
        Assert.Equal(0.5, k.StrictSatisfactionRate);
        // Rated ÷ answered services: phone work orders are the calls' own records, not services of their own.
        Assert.Equal(2.0 / 3, k.RatingRate!.Value, 6);
        Assert.Equal(1, k.RepeatCalls);
        Assert.Equal(0.2, k.RepeatCallRate);
        Assert.Equal(0, k.OutOfRegionCalls);
        Assert.Equal(2, k.WorkOrdersCreated);
        Assert.Equal(1, k.WorkOrdersCompleted);
        Assert.Equal(0.5, k.CompletionRate);
        Assert.Equal(1, k.FirstContactResolved);
        Assert.Equal(1.0, k.OnTimeCompletionRate);
        Assert.Null(k.QaCoverage);
        // Year on year: 5 inbound calls against 2 a year ago is +150 %; rates change in points.
        var inbound = district.Changes.Single(c => c.Kpi == nameof(KpiSet.InboundCalls));
        Assert.Equal(2, inbound.PreviousYear);
        Assert.Equal(1.5, inbound.YearOnYear);
        Assert.Equal(0, district.PreviousPeriod.InboundCalls);
        Assert.Null(inbound.PeriodOnPeriod);

        // The satisfaction table (raw records, its own period convention: [from, to)) says the same as the rollups.
        var table = await admin.GetOkAsync<Lawline.Server.Satisfaction.SatisfactionKpiTable>(
            $"/api/satisfaction/kpis?from={Day(today)}&to={Day(today)}&platformId={a.Id}&groupBy=Platform");
        Assert.Equal(k.Answered, table.Total.Counts.Answered);
        Assert.Equal(k.RatedServices, table.Total.Counts.Rated);
        Assert.Equal(k.RatingRate, table.Total.Counts.RatingRate);
        Assert.Equal(k.SatisfactionRate, table.Total.Counts.SatisfactionRate);
        Assert.Equal(k.StrictSatisfactionRate, table.Total.Counts.StrictSatisfactionRate);

        var whole = (await admin.GetOkAsync<KpiReport>($"/api/analytics/kpis?from={Day(today)}&to={Day(today)}&platform={city.Id}")).Current;
        Assert.Equal(8, whole.InboundCalls);
        Assert.Equal(6, whole.Answered);
        Assert.Equal(3, whole.RatedServices);
        Assert.Equal(2.0 / 3, whole.SatisfactionRate!.Value, 6);
        Assert.Equal(1.0 / 3, whole.StrictSatisfactionRate!.Value, 6);
        Assert.Equal(1, whole.OutOfRegionCalls);
        Assert.Equal(1.0 / 7, whole.OutOfRegionShare!.Value, 6); // seven calls with a known province

        // A supervisor of district B sees B's figures, and district A does not exist for them.
        using var supervisorB = await factory.CreateUserAndSignInAsync(admin, b.Id, LawlineRoles.Supervisor);
        var own = await supervisorB.GetOkAsync<KpiReport>($"/api/analytics/kpis?from={Day(today)}&to={Day(today)}&platform={b.Id}");
        Assert.Equal(1, own.Current.InboundCalls);
        var hidden = await supervisorB.GetAsync($"/api/analytics/kpis?from={Day(today)}&to={Day(today)}&platform={a.Id}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        using var agent = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Agent);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync($"/api/analytics/kpis?platform={a.Id}")).StatusCode);

        // A period that ends before it starts is a field error, not a 500.
        var backwards = await admin.GetAsync($"/api/analytics/kpis?from={Day(today)}&to={Day(today.AddDays(-3))}&platform={a.Id}");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("\"to\"", await backwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory, DatabaseData]
    public async Task A_worker_killed_mid_batch_misses_nothing_and_counts_nothing_twice_and_a_rebuild_gives_the_same_rows(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var worker = Worker(factory);
        await worker.DrainAsync(CancellationToken.None);

        // Five days of calls, a few an hour, some repeat numbers, some rated, some abandoned.
        var first = KpiDefinitions.DayOf(factory.Clock.GetUtcNow()).AddDays(-30);
        var numbers = Enumerable.Range(0, 6).Select(_ => Unique.Mobile()).ToArray();
        var random = new Random(42);
        var ids = new List<long>();
        for (var d = 0; d < 5; d++)
        {
            var (start, _) = KpiDefinitions.DayBounds(first.AddDays(d));
            var calls = Enumerable.Range(0, 12).Select(i => new Call(start.AddMinutes(37 * i + 3), numbers[random.Next(numbers.Length)])
            {
                WaitSeconds = i % 5 == 4 ? null : random.Next(1, 40),
                Abandoned = i % 5 == 4 ? AbandonedIn.Queue : null,
                TalkSeconds = random.Next(30, 600),
                Rating = (i % 3) switch { 0 => CallRating.Satisfied, 1 => CallRating.BasicallySatisfied, _ => null },
                Province = i % 4 == 0 ? "广东省" : "湖北省",
            }).ToArray();
            ids.AddRange(await SeedAsync(factory, platform.Id, calls));
        }

        // The worker dies on the third day, inside that day's transaction (after its delete and rewrite, before commit).
        var done = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => worker.ProcessAsync(CancellationToken.None, (platformId, day) =>
            platformId == platform.Id && ++done == 3 ? throw new InvalidOperationException("killed") : Task.CompletedTask));
        var marked = await MarkedDaysAsync(factory, platform.Id);
        Assert.Equal(new[] { first.AddDays(2), first.AddDays(3), first.AddDays(4) }, marked);

        // Meanwhile a late rating arrives for a call of the first (already rolled-up) day.
        await factory.WithDatabaseAsync(async db =>
        {
            var call = await db.CallRecords.SingleAsync(c => c.Id == ids[1]);
            call.Rating = CallRating.Dissatisfied;
            call.RatedAt = call.TalkEndedAt!.Value.AddMinutes(5);
            await db.SaveChangesAsync();
            return 0;
        });

        await worker.DrainAsync(CancellationToken.None);
        Assert.Empty(await MarkedDaysAsync(factory, platform.Id));
        var incremental = await SnapshotAsync(factory, platform.Id);

        // Every inbound call is counted exactly once, with its latest rating.
        var raw = await factory.WithDatabaseAsync(db => db.CallRecords.Where(c => c.PlatformId == platform.Id).ToListAsync());
        Assert.Equal(raw.Count, incremental.Sum(r => r.Inbound));
        Assert.Equal(raw.Count(c => c.AnsweredAt != null), incremental.Sum(r => r.Answered));
        Assert.Equal(raw.Count(c => c.Rating == CallRating.Dissatisfied), incremental.Sum(r => r.Dissatisfied));
        Assert.Equal(1, incremental.Sum(r => r.Dissatisfied));

        // The day totals are the sums of the detailed rows, day by day.
        var totals = await factory.WithDatabaseAsync(db => db.PlatformDayStats.Where(s => s.PlatformId == platform.Id).ToListAsync());
        Assert.Equal(incremental.GroupBy(r => r.Day).Select(g => (g.Key, g.Sum(r => r.Inbound), g.Sum(r => r.Answered), g.Sum(r => r.Dissatisfied), g.Sum(r => r.Talk)))
                .OrderBy(t => t.Key),
            totals.Select(t => (t.Day, t.Inbound, t.Answered, t.Dissatisfied, t.TalkSeconds)).OrderBy(t => t.Day));

        await worker.RebuildAsync(CancellationToken.None);
        Assert.Equal(incremental, await SnapshotAsync(factory, platform.Id));
    }

    private static Task<List<DateOnly>> MarkedDaysAsync(LawlineFactory factory, int platformId)
        => factory.WithDatabaseAsync(async db => (await db.RollupMarks.Where(m => m.PlatformId == platformId).Select(m => m.Day).Distinct().ToListAsync())
            .Order().ToList());

    private sealed record CallRow(DateOnly Day, string Skill, int Agent, int Inbound, int Requests, int Answered, int InTarget, int Abandoned,
        long Wait, long Talk, int Rated, int Satisfied, int Basically, int Dissatisfied, int Repeat, int OutOfRegion);

    private static Task<List<CallRow>> SnapshotAsync(LawlineFactory factory, int platformId)
        => factory.WithDatabaseAsync(async db => (await db.CallDayStats.Where(s => s.PlatformId == platformId).ToListAsync())
            .Select(s => new CallRow(s.Day, s.SkillCode, s.AgentId, s.Inbound, s.Requests, s.Answered, s.AnsweredInTarget, s.Abandoned, s.WaitSeconds,
                s.TalkSeconds, s.Rated, s.Satisfied, s.BasicallySatisfied, s.Dissatisfied, s.RepeatCalls, s.OutOfRegion))
            .OrderBy(r => r.Day).ThenBy(r => r.Skill, StringComparer.Ordinal).ThenBy(r => r.Agent).ToList());
}
