using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Analytics.Topics;

/// <summary>A topic someone chose to follow: one or more terms (work orders mentioning any of them, per term summed).</summary>
public sealed class SavedTopic : IPlatformOwned
{
    public int Id { get; set; }

    public int PlatformId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>The terms, separated by spaces.</summary>
    public string Terms { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";
}

internal sealed class SavedTopicConfiguration : IEntityTypeConfiguration<SavedTopic>
{
    public void Configure(EntityTypeBuilder<SavedTopic> builder)
    {
        builder.ToTable("SavedTopics");
        builder.Property(t => t.Name).HasMaxLength(64);
        builder.Property(t => t.Terms).HasMaxLength(256);
        builder.Property(t => t.CreatedBy).HasMaxLength(64);
        builder.HasIndex(t => t.PlatformId);
    }
}

public sealed record TopicExample(int WorkOrderId, string Number, string Question, DateTimeOffset CreatedAt);

public sealed record RisingTerm(string Term, int Count, int BaselineCount, double? Ratio, int Growth, IReadOnlyList<TopicExample> Examples);

public sealed record TopicReport(
    string PlatformName, DateOnly From, DateOnly To, DateOnly BaselineFrom, DateOnly BaselineTo, IReadOnlyList<RisingTerm> Rising, IReadOnlyList<RisingTerm> Top);

public sealed record TopicWeek(DateOnly WeekStart, int Count);

public sealed record SavedTopicDto(int Id, int PlatformId, string Name, IReadOnlyList<string> Terms, DateTimeOffset CreatedAt, string CreatedBy, IReadOnlyList<TopicWeek> Weeks);

public sealed record SaveTopicRequest(int PlatformId, string Name, IReadOnlyList<string> Terms);

/// <summary>
/// 热点分析: what callers ask about, from the <see cref="TermDayStat"/> rollups (never the raw questions of a long
/// period): terms of a period against a baseline period (by default the same number of days just before), rising
/// ones first, with a few example work orders; and saved topics tracked week by week.
/// </summary>
public sealed class HotTopicService(AppDbContext db, KpiService kpis, CurrentUser me, TimeProvider time)
{
    public const int MinimumCount = 3;
    public const int ExamplesPerTerm = 3;
    public const int TermsShown = 30;

    public async Task<TopicReport> ReportAsync(int? platformId, DateOnly? from, DateOnly? to, DateOnly? baselineFrom, DateOnly? baselineTo, CancellationToken cancellationToken)
    {
        var end = to ?? kpis.Today;
        var start = from ?? end.AddDays(-6);
        if (start > end)
        {
            throw new ValidationFailedException("from", "The period starts after it ends.");
        }

        if (end.DayNumber - start.DayNumber > 3660)
        {
            throw new ValidationFailedException("from", "At most ten years.");
        }

        var length = end.DayNumber - start.DayNumber + 1;
        var baseEnd = baselineTo ?? start.AddDays(-1);
        var baseStart = baselineFrom ?? baseEnd.AddDays(-(length - 1));
        if (baseStart > baseEnd)
        {
            throw new ValidationFailedException("baselineFrom", "The baseline starts after it ends.");
        }

        var (ids, name) = await kpis.ScopeAsync(platformId, cancellationToken);
        var current = await CountsAsync(ids, start, end, cancellationToken);
        var baseline = await CountsAsync(ids, baseStart, baseEnd, cancellationToken);
        // The baseline scaled to the period's length, so a 7-day period can be set against a 28-day baseline.
        var scale = (double)length / (baseEnd.DayNumber - baseStart.DayNumber + 1);
        var rows = current.Where(c => c.Value >= MinimumCount)
            .Select(c =>
            {
                var before = (int)Math.Round(baseline.GetValueOrDefault(c.Key) * scale);
                return (Term: c.Key, Count: c.Value, Before: before, Ratio: before == 0 ? (double?)null : (double)c.Value / before, Growth: c.Value - before);
            })
            .ToList();
        // Rising: grew by at least the minimum and by half again; ordered by growth, then ratio. A longer phrase that
        // grew as much as its words comes first (it says more).
        var rising = rows.Where(r => r.Growth >= MinimumCount && (r.Ratio is null || r.Ratio >= 1.5))
            .OrderByDescending(r => r.Growth).ThenByDescending(r => r.Ratio ?? double.MaxValue).ThenByDescending(r => r.Term.Length).ThenBy(r => r.Term, StringComparer.Ordinal)
            .ToList();
        // A word that only ever occurs inside a longer rising phrase (工资 inside 拖欠工资, same counts) says nothing more.
        rising = rising.Where(r => !rising.Any(o => o.Term.Length > r.Term.Length && o.Term.Contains(r.Term, StringComparison.Ordinal)
                && o.Count == r.Count && o.Before == r.Before))
            .Take(TermsShown).ToList();
        var top = rows.OrderByDescending(r => r.Count).ThenBy(r => r.Term, StringComparer.Ordinal).Take(TermsShown).ToList();
        var examples = await ExamplesAsync(ids, [.. rising.Select(r => r.Term)], start, end, cancellationToken);
        var risingRows = rising.Select(r => new RisingTerm(r.Term, r.Count, r.Before, r.Ratio, r.Growth, examples[r.Term])).ToList();

        return new TopicReport(name, start, end, baseStart, baseEnd, risingRows,
            [.. top.Select(r => new RisingTerm(r.Term, r.Count, r.Before, r.Ratio, r.Growth, []))]);
    }

    /// <summary>Work orders per term over the period: whole months from the month rollup, the rest from the day rollup.</summary>
    private async Task<Dictionary<string, int>> CountsAsync(IReadOnlyList<int> ids, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var split = MonthSplit.Of(from, to);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(IEnumerable<(string Term, int Count)> rows)
        {
            foreach (var (term, count) in rows)
            {
                counts[term] = counts.GetValueOrDefault(term) + count;
            }
        }

        foreach (var (start, end) in split.Days)
        {
            Add((await db.TermDayStats.AsNoTracking().Where(s => ids.Contains(s.PlatformId) && s.Day >= start && s.Day <= end)
                .GroupBy(s => s.Term).Select(g => new { Term = g.Key, Count = g.Sum(s => s.Orders) })
                .ToListAsync(cancellationToken)).Select(r => (r.Term, r.Count)));
        }

        if (split is { FirstMonth: { } first, AfterLastMonth: { } after })
        {
            Add((await db.TermMonthStats.AsNoTracking().Where(s => ids.Contains(s.PlatformId) && s.Month >= first && s.Month < after)
                .GroupBy(s => s.Term).Select(g => new { Term = g.Key, Count = g.Sum(s => s.Orders) })
                .ToListAsync(cancellationToken)).Select(r => (r.Term, r.Count)));
        }

        return counts;
    }

    /// <summary>How many of the period's newest work orders are searched in memory for examples before asking the database per term.</summary>
    private const int ExampleWindow = 5000;

    /// <summary>
    /// The newest work orders of the period whose question mentions each term: first among the period's newest
    /// <see cref="ExampleWindow"/> work orders in one read (a rising term is, by definition, frequent there); a term still
    /// short of examples is looked for on its busiest day of the period (from the day rollup), so no search ever reads
    /// more than one day of questions.
    /// </summary>
    private async Task<Dictionary<string, IReadOnlyList<TopicExample>>> ExamplesAsync(IReadOnlyList<int> ids, IReadOnlyList<string> terms, DateOnly from,
        DateOnly to, CancellationToken cancellationToken)
    {
        static TopicExample Example(int id, string number, string question, DateTimeOffset at)
            => new(id, number, question.Length <= 120 ? question : question[..120] + "…", at);

        var result = terms.ToDictionary(t => t, _ => new List<TopicExample>(), StringComparer.Ordinal);
        if (terms.Count > 0)
        {
            var (start, _) = KpiDefinitions.DayBounds(from);
            var (_, end) = KpiDefinitions.DayBounds(to);
            // Ordered by creation time alone, so the read walks the (platform, creation time) index backwards.
            var newest = await db.WorkOrders.AsNoTracking()
                .Where(w => ids.Contains(w.PlatformId) && w.CreatedAt >= start && w.CreatedAt < end)
                .OrderByDescending(w => w.CreatedAt).Take(ExampleWindow)
                .Select(w => new { w.Id, w.Number, w.Question, w.CreatedAt })
                .ToListAsync(cancellationToken);
            foreach (var order in newest)
            {
                foreach (var (term, examples) in result)
                {
                    if (examples.Count < ExamplesPerTerm && order.Question.Contains(term, StringComparison.Ordinal))
                    {
                        examples.Add(Example(order.Id, order.Number, order.Question, order.CreatedAt));
                    }
                }
            }

            foreach (var (term, examples) in result.Where(r => r.Value.Count < ExamplesPerTerm && newest.Count == ExampleWindow))
            {
                var busiest = await db.TermDayStats.AsNoTracking()
                    .Where(s => ids.Contains(s.PlatformId) && s.Term == term && s.Day >= from && s.Day <= to)
                    .OrderByDescending(s => s.Orders).ThenByDescending(s => s.Day).Select(s => (DateOnly?)s.Day)
                    .FirstOrDefaultAsync(cancellationToken);
                if (busiest is not { } day)
                {
                    continue;
                }

                var (dayStart, dayEnd) = KpiDefinitions.DayBounds(day);
                var known = examples.Select(e => e.WorkOrderId).ToList();
                var more = await db.WorkOrders.AsNoTracking()
                    .Where(w => ids.Contains(w.PlatformId) && w.CreatedAt >= dayStart && w.CreatedAt < dayEnd && w.Question.Contains(term) && !known.Contains(w.Id))
                    .OrderByDescending(w => w.CreatedAt).Take(ExamplesPerTerm - examples.Count)
                    .Select(w => new { w.Id, w.Number, w.Question, w.CreatedAt })
                    .ToListAsync(cancellationToken);
                examples.AddRange(more.Select(w => Example(w.Id, w.Number, w.Question, w.CreatedAt)));
            }
        }

        return result.ToDictionary(r => r.Key, r => (IReadOnlyList<TopicExample>)r.Value, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<SavedTopicDto>> SavedAsync(int? platformId, int weeks, CancellationToken cancellationToken)
    {
        weeks = Math.Clamp(weeks, 1, 104);
        var topics = await db.SavedTopics.AsNoTracking().Where(t => platformId == null || t.PlatformId == platformId).OrderBy(t => t.Id).ToListAsync(cancellationToken);
        var result = new List<SavedTopicDto>();
        var today = kpis.Today;
        // Weeks start on Monday (the reports' weeks); the current week is the last, so far.
        var thisWeek = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var first = thisWeek.AddDays(-7 * (weeks - 1));
        foreach (var topic in topics)
        {
            var terms = Split(topic.Terms);
            var (ids, _) = await kpis.ScopeAsync(topic.PlatformId, cancellationToken);
            var days = await db.TermDayStats.AsNoTracking()
                .Where(s => ids.Contains(s.PlatformId) && s.Day >= first && s.Day <= today && terms.Contains(s.Term))
                .GroupBy(s => s.Day).Select(g => new { Day = g.Key, Count = g.Sum(s => s.Orders) })
                .ToListAsync(cancellationToken);
            var byWeek = Enumerable.Range(0, weeks).Select(i => first.AddDays(7 * i))
                .Select(w => new TopicWeek(w, days.Where(d => d.Day >= w && d.Day < w.AddDays(7)).Sum(d => d.Count))).ToList();
            result.Add(new SavedTopicDto(topic.Id, topic.PlatformId, topic.Name, terms, topic.CreatedAt, topic.CreatedBy, byWeek));
        }

        return result;
    }

    public async Task<SavedTopicDto> SaveAsync(SaveTopicRequest request, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim() ?? "";
        var terms = (request.Terms ?? []).SelectMany(t => Split(t ?? "")).Distinct(StringComparer.Ordinal).ToList();
        if (name.Length is 0 or > 64)
        {
            throw new ValidationFailedException(nameof(request.Name), "A name of 1 to 64 characters.");
        }

        if (terms.Count == 0 || terms.Count > 10 || terms.Any(t => t.Length > TopicTerms.MaxTermLength))
        {
            throw new ValidationFailedException(nameof(request.Terms), "One to ten terms of at most 16 characters.");
        }

        await using var tx = await db.BeginWriteAsync(cancellationToken);
        if (!await db.Platforms.AnyAsync(p => p.Id == request.PlatformId, cancellationToken))
        {
            throw new ValidationFailedException(nameof(request.PlatformId), "No such platform.");
        }

        var topic = new SavedTopic
        {
            PlatformId = request.PlatformId, Name = name, Terms = string.Join(' ', terms), CreatedAt = time.GetUtcNow(),
            CreatedBy = me.DisplayName.Length > 0 ? me.DisplayName : me.UserName,
        };
        db.SavedTopics.Add(topic);
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return (await SavedAsync(topic.PlatformId, 12, cancellationToken)).Single(t => t.Id == topic.Id);
    }

    public async Task DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var tx = await db.BeginWriteAsync(cancellationToken);
        var topic = await db.SavedTopics.SingleOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw new NotFoundException("Topic", id);
        db.SavedTopics.Remove(topic);
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    private static List<string> Split(string terms) => [.. terms.Split([' ', ',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

public static class HotTopicsApi
{
    public static IHostApplicationBuilder AddHotTopics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<HotTopicService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapHotTopics(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/analytics/topics").WithTags("Analytics").RequireAuthorization(LawlineRoles.SuperviseCallsPolicy);
        api.MapGet("/", async Task<Ok<TopicReport>> (DateOnly? from, DateOnly? to, DateOnly? baselineFrom, DateOnly? baselineTo, int? platform,
                HotTopicService topics, CancellationToken ct) => TypedResults.Ok(await topics.ReportAsync(platform, from, to, baselineFrom, baselineTo, ct)))
            .WithSummary("Terms of the work-order questions from..to (default: the last 7 days) against the baseline (default: the days just before), rising first");
        api.MapGet("/saved", async Task<Ok<IReadOnlyList<SavedTopicDto>>> (int? platform, int? weeks, HotTopicService topics, CancellationToken ct) =>
                TypedResults.Ok(await topics.SavedAsync(platform, weeks ?? 12, ct)))
            .WithSummary("Saved topics with their weekly counts");
        api.MapPost("/saved", async Task<Ok<SavedTopicDto>> (SaveTopicRequest request, HotTopicService topics, CancellationToken ct) =>
                TypedResults.Ok(await topics.SaveAsync(request, ct)))
            .WithSummary("Saves a topic (a term or a set of terms) to track");
        api.MapDelete("/saved/{id:int}", async Task<NoContent> (int id, HotTopicService topics, CancellationToken ct) =>
            {
                await topics.DeleteAsync(id, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Stops tracking a topic");
        return app;
    }
}
