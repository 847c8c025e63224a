using System.Globalization;
using System.Reflection;
using Lawline.Server.Agents;
using Lawline.Server.Callers;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Analytics.History;

public sealed record HistoryRequest(int Years, int CallsPerYear = 1_350_000, string PlatformCode = HistoryGenerator.DefaultPlatformCode, int Seed = 12348,
    DateOnly? LastDay = null, int Lawyers = 60);

public sealed record HistorySummary(string PlatformCode, int PlatformId, DateOnly From, DateOnly To, long Calls, long WorkOrders, long Rated, TimeSpan Elapsed)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Synthetic history for {PlatformCode} (platform {PlatformId}), {From:yyyy-MM-dd}..{To:yyyy-MM-dd}: {Calls:N0} calls, {WorkOrders:N0} work orders, {Rated:N0} ratings, rollups written; {Elapsed.TotalSeconds:F0} s.");
}

/// <summary>
/// <c>generate-history --years N</c>: realistic SYNTHETIC history — calls, work orders, ratings — for demos and
/// benchmarks, shaped on the Beijing 12348 figures of design.md (≈ 1.35 million calls a year, ≈ 39 % from out of town,
/// office-hour and weekday patterns, 72 % of answered calls rated, ≈ 99.5 % satisfied, four categories ≈ 73 % of civil
/// consultations). It goes into a platform of its own, marked as a demo platform whose name says 合成数据, with
/// synthetic lawyers; every work order is tagged 合成数据. Deterministic for a seed; times are whole seconds (SQLite
/// keeps instants to 0.1 ms, so sub-second times would round differently after a round trip). Rows are bulk-written and the
/// rollups are computed by the same <see cref="RollupBuilder"/> the worker uses, so a rebuild gives the same numbers.
/// </summary>
public sealed class HistoryGenerator(AppDbContext db, TimeProvider clock, ILogger<HistoryGenerator> logger)
{
    public const string DefaultPlatformCode = "SYNBJ";
    public const string SyntheticTag = "合成数据";
    private const int DaysPerTransaction = 7;

    private static readonly double[] HourWeights =
        [0.1, 0.08, 0.06, 0.05, 0.05, 0.08, 0.2, 0.5, 0.9, 1.6, 1.9, 1.7, 0.9, 1.2, 1.7, 1.8, 1.6, 1.0, 0.6, 0.5, 0.45, 0.35, 0.25, 0.18];

    // Out-of-town callers (39 %) by province and a few cities each; the rest are Beijing numbers.
    private static readonly (string Province, string[] Cities, double Weight)[] OutOfTown =
    [
        ("河北省", ["石家庄市", "保定市", "廊坊市", "唐山市", "邯郸市"], 25), ("河南省", ["郑州市", "洛阳市", "周口市"], 9),
        ("山东省", ["济南市", "青岛市", "临沂市"], 8), ("天津市", ["天津市"], 6), ("广东省", ["广州市", "深圳市"], 6),
        ("山西省", ["太原市", "大同市"], 5), ("辽宁省", ["沈阳市", "大连市"], 5), ("安徽省", ["合肥市", "阜阳市"], 5),
        ("江苏省", ["南京市", "苏州市"], 5), ("湖北省", ["武汉市"], 5), ("四川省", ["成都市"], 5), ("黑龙江省", ["哈尔滨市"], 4),
        ("内蒙古自治区", ["呼和浩特市"], 4), ("吉林省", ["长春市"], 3), ("陕西省", ["西安市"], 3), ("上海市", ["上海市"], 2),
    ];

    // What callers ask, per level-2 category group (hot-topic analysis reads these words).
    private static readonly Dictionary<string, string[]> Questions = new(StringComparer.Ordinal)
    {
        ["MS.06"] = ["老板拖欠工资三个月不给，怎么讨薪？", "公司没签劳动合同，能要双倍工资吗？", "被公司无故辞退，经济补偿怎么算？", "上班路上出车祸算不算工伤？", "公司不给交社保怎么办？", "试用期被辞退有没有补偿？", "加班费公司不给怎么办？"],
        ["MS.02"] = ["离婚时孩子抚养权归谁？", "彩礼能不能要回来？", "父母去世后房子遗产怎么分？", "遭受家暴怎么申请人身安全保护令？", "离婚后对方不付抚养费怎么办？", "婚前买的房子离婚怎么分？", "没有遗嘱子女怎么继承？"],
        ["MS.04"] = ["租房押金房东不退怎么办？", "网购商品质量有问题商家不退款？", "装修公司拖延工期违约怎么处理？", "买房定金能不能退？", "朋友借钱不还只有微信聊天记录能起诉吗？", "借条没写利息能要利息吗？"],
        ["MS.03"] = ["邻居占用楼道堆放杂物怎么办？", "宅基地被邻居占用怎么处理？", "小区物业费不交会怎样？"],
        ["MS.09"] = ["被狗咬伤狗主人不赔偿怎么办？", "交通事故对方全责拒不赔偿？", "孩子在学校受伤学校有没有责任？", "医疗事故怎么鉴定索赔？"],
        ["XS"] = ["被电信诈骗了钱还能追回来吗？", "家人被刑事拘留多久通知家属？", "取保候审需要什么条件？"],
        ["XZ"] = ["对行政处罚不服怎么申请复议？", "房屋被征收补偿标准不合理怎么办？", "申请政府信息公开被拒绝怎么办？"],
        ["ZX"] = ["怎么申请法律援助？需要什么材料？", "人民调解协议有没有法律效力？", "公证遗嘱怎么办理？", "劳动仲裁去哪里申请？", "司法鉴定费用谁承担？"],
    };

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗"];
    private static readonly string[] GivenNames = ["志强", "秀英", "建华", "丽娟", "海涛", "晓梅", "文斌", "静怡", "国栋", "雪松", "明辉", "婉清", "立新", "春燕", "振宇"];

    private static readonly PropertyInfo WorkOrderId = typeof(WorkOrder).GetProperty(nameof(WorkOrder.Id))!;

    public async Task<HistorySummary> GenerateAsync(HistoryRequest request, CancellationToken cancellationToken)
    {
        if (request.Years is < 1 or > 20)
        {
            throw new ValidationFailedException("years", "Generate between 1 and 20 years of history.");
        }

        if (request.CallsPerYear is < 1_000 or > 20_000_000)
        {
            throw new ValidationFailedException("callsPerYear", "Calls per year must be between 1,000 and 20,000,000.");
        }

        var started = clock.GetTimestamp();
        var lastDay = request.LastDay ?? KpiDefinitions.DayOf(clock.GetUtcNow()).AddDays(-1);
        var firstDay = lastDay.AddYears(-request.Years).AddDays(1);
        var platform = await PlatformAsync(request.PlatformCode, cancellationToken);
        if (await db.CallRecords.IgnoreQueryFilters().AnyAsync(c => c.PlatformId == platform.Id, cancellationToken)
            || await db.WorkOrders.IgnoreQueryFilters().AnyAsync(w => w.PlatformId == platform.Id, cancellationToken))
        {
            throw new ConflictException($"Platform {request.PlatformCode} already has calls or work orders; generate into a new platform code.", "platform");
        }

        var lawyers = await LawyersAsync(platform, request.Lawyers, cancellationToken);
        var categories = await CategoriesAsync(cancellationToken);
        var owner = await db.Users.IgnoreQueryFilters().OrderBy(u => u.Id).Select(u => new { u.Id, u.UserName }).FirstOrDefaultAsync(cancellationToken)
            ?? throw new DomainException("Create the administrator first (start the platform once).", "owner");
        var ids = new Ids(
            (await db.CallRecords.IgnoreQueryFilters().MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0) + 1,
            (await db.WorkOrders.IgnoreQueryFilters().MaxAsync(w => (int?)w.Id, cancellationToken) ?? 0) + 1,
            (await db.CallDayStats.IgnoreQueryFilters().MaxAsync(s => (long?)s.Id, cancellationToken) ?? 0) + 1,
            (await db.CallHourStats.IgnoreQueryFilters().MaxAsync(s => (long?)s.Id, cancellationToken) ?? 0) + 1,
            (await db.CallRegionStats.IgnoreQueryFilters().MaxAsync(s => (long?)s.Id, cancellationToken) ?? 0) + 1,
            (await db.WorkOrderDayStats.IgnoreQueryFilters().MaxAsync(s => (long?)s.Id, cancellationToken) ?? 0) + 1,
            (await db.WorkOrderRegionStats.IgnoreQueryFilters().MaxAsync(s => (long?)s.Id, cancellationToken) ?? 0) + 1);
        ids.Term = (await db.TermDayStats.IgnoreQueryFilters().MaxAsync(s => (long?)s.Id, cancellationToken) ?? 0) + 1;
        ids.Total = (await db.PlatformDayStats.IgnoreQueryFilters().MaxAsync(s => (long?)s.Id, cancellationToken) ?? 0) + 1;
        ids.AgentDay = (await db.AgentDayStats.IgnoreQueryFilters().MaxAsync(s => (long?)s.Id, cancellationToken) ?? 0) + 1;

        // One connection for the whole run; on SQLite, bulk-load settings for it (a crash mid-run loses only the
        // synthetic rows of the batch being written, which is then simply generated again into a new platform).
        await db.Database.OpenConnectionAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=OFF; PRAGMA cache_size=-400000;", cancellationToken);
        }

        var random = new Random(request.Seed);
        var writers = new Writers(db);
        var recent = new Queue<(string Number, DateTimeOffset At)>();
        long calls = 0, orders = 0, rated = 0;
        var day = firstDay;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        while (day <= lastDay)
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken);
            var batch = new Batch();
            for (var i = 0; i < DaysPerTransaction && day <= lastDay; i++, day = day.AddDays(1))
            {
                var yearsBack = (lastDay.DayNumber - day.DayNumber) / 365.0;
                // Volume grows about 8 % a year: older years are smaller.
                var volume = request.CallsPerYear / 365.0 * Math.Pow(1.08, -yearsBack) * DayFactor(day) * (0.95 + random.NextDouble() * 0.1);
                var dayCalls = GenerateDay(random, platform, day, (int)Math.Round(volume), lawyers, categories, owner.Id, owner.UserName ?? "admin", ids, recent, batch);
                calls += dayCalls.Calls;
                orders += dayCalls.Orders;
                rated += dayCalls.Rated;
            }

            await writers.WriteAsync(db, batch, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (day.Day <= DaysPerTransaction && day.Month == 1)
            {
                LogProgress(day, calls, orders);
            }
        }

        await writers.ResetIdentitiesAsync(db, cancellationToken);
        for (var month = WorkOrderMonthStat.MonthOf(firstDay); month <= lastDay; month = month.AddMonths(1))
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken);
            await RollupBuilder.RecomputeMonthAsync(db, platform.Id, month, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        db.ChangeTracker.AutoDetectChangesEnabled = true;
        return new HistorySummary(platform.Code, platform.Id, firstDay, lastDay, calls, orders, rated, clock.GetElapsedTime(started));
    }

    // Generated questions come from a small set of phrasings, so each is segmented once (SmartCn is the slow part).
    private readonly Dictionary<string, IReadOnlySet<string>> _terms = new(StringComparer.Ordinal);

    private IReadOnlySet<string> TermsOf(string? question)
    {
        if (question is null)
        {
            return Topics.TopicTerms.Of(question);
        }

        if (!_terms.TryGetValue(question, out var terms))
        {
            _terms[question] = terms = Topics.TopicTerms.Of(question);
        }

        return terms;
    }

    private void LogProgress(DateOnly day, long calls, long orders)
        => logger.LogInformation("generate-history: up to {Day:yyyy-MM-dd}, {Calls} calls and {Orders} work orders written", day, calls, orders);

    /// <summary>Weekdays busier than weekends; January busy (wages before the Spring Festival), February quiet.</summary>
    private static double DayFactor(DateOnly day)
    {
        var weekday = day.DayOfWeek switch
        {
            DayOfWeek.Saturday => 0.72,
            DayOfWeek.Sunday => 0.62,
            _ => 1.13,
        };
        var month = day.Month switch
        {
            1 => 1.12,
            2 => 0.78,
            7 or 8 => 1.05,
            10 => 0.9,
            _ => 1.0,
        };
        return weekday * month;
    }

    private sealed record Lawyer(int Id, string Name);

    private sealed record Category(int Id, string Code, string Name, string Group, string Skill, double Weight);

    private sealed record Ids(long Call, int Order, long CallDay, long CallHour, long CallRegion, long OrderDay, long OrderRegion)
    {
        public long Call { get; set; } = Call;
        public int Order { get; set; } = Order;
        public long CallDay { get; set; } = CallDay;
        public long CallHour { get; set; } = CallHour;
        public long CallRegion { get; set; } = CallRegion;
        public long OrderDay { get; set; } = OrderDay;
        public long OrderRegion { get; set; } = OrderRegion;
        public long Term { get; set; } = 1;
        public long Total { get; set; } = 1;
        public long AgentDay { get; set; } = 1;
    }

    private sealed class Batch
    {
        public List<CallRecord> Calls { get; } = [];
        public List<WorkOrder> Orders { get; } = [];
        public List<CallDayStat> CallDays { get; } = [];
        public List<CallHourStat> CallHours { get; } = [];
        public List<CallRegionStat> CallRegions { get; } = [];
        public List<WorkOrderDayStat> OrderDays { get; } = [];
        public List<WorkOrderRegionStat> OrderRegions { get; } = [];
        public List<TermDayStat> Terms { get; } = [];
        public List<PlatformDayStat> Totals { get; } = [];
        public List<AgentDayStat> AgentDays { get; } = [];
    }

    private sealed class Writers(AppDbContext db)
    {
        private readonly BulkInserter<CallRecord> _calls = new(db);
        private readonly BulkInserter<WorkOrder> _orders = new(db);
        private readonly BulkInserter<CallDayStat> _callDays = new(db);
        private readonly BulkInserter<CallHourStat> _callHours = new(db);
        private readonly BulkInserter<CallRegionStat> _callRegions = new(db);
        private readonly BulkInserter<WorkOrderDayStat> _orderDays = new(db);
        private readonly BulkInserter<WorkOrderRegionStat> _orderRegions = new(db);
        private readonly BulkInserter<TermDayStat> _terms = new(db);
        private readonly BulkInserter<PlatformDayStat> _totals = new(db);
        private readonly BulkInserter<AgentDayStat> _agentDays = new(db);

        public async Task WriteAsync(AppDbContext context, Batch batch, CancellationToken cancellationToken)
        {
            // Work orders first: calls point at them.
            await _orders.InsertAsync(context, batch.Orders, cancellationToken);
            await _calls.InsertAsync(context, batch.Calls, cancellationToken);
            await _callDays.InsertAsync(context, batch.CallDays, cancellationToken);
            await _callHours.InsertAsync(context, batch.CallHours, cancellationToken);
            await _callRegions.InsertAsync(context, batch.CallRegions, cancellationToken);
            await _orderDays.InsertAsync(context, batch.OrderDays, cancellationToken);
            await _orderRegions.InsertAsync(context, batch.OrderRegions, cancellationToken);
            await _terms.InsertAsync(context, batch.Terms, cancellationToken);
            await _totals.InsertAsync(context, batch.Totals, cancellationToken);
            await _agentDays.InsertAsync(context, batch.AgentDays, cancellationToken);
        }

        public async Task ResetIdentitiesAsync(AppDbContext context, CancellationToken cancellationToken)
        {
            await _orders.ResetIdentityAsync(context, cancellationToken);
            await _calls.ResetIdentityAsync(context, cancellationToken);
            await _callDays.ResetIdentityAsync(context, cancellationToken);
            await _callHours.ResetIdentityAsync(context, cancellationToken);
            await _callRegions.ResetIdentityAsync(context, cancellationToken);
            await _orderDays.ResetIdentityAsync(context, cancellationToken);
            await _orderRegions.ResetIdentityAsync(context, cancellationToken);
            await _terms.ResetIdentityAsync(context, cancellationToken);
            await _totals.ResetIdentityAsync(context, cancellationToken);
            await _agentDays.ResetIdentityAsync(context, cancellationToken);
        }
    }

    private (int Calls, int Orders, int Rated) GenerateDay(Random random, Platform platform, DateOnly day, int volume, IReadOnlyList<Lawyer> lawyers,
        IReadOnlyList<Category> categories, int ownerId, string ownerName, Ids ids, Queue<(string Number, DateTimeOffset At)> recent, Batch batch)
    {
        var (dayStart, _) = KpiDefinitions.DayBounds(day);
        var window = KpiDefinitions.DefaultRepeatWindow;
        while (recent.Count > 0 && recent.Peek().At < dayStart - window)
        {
            recent.Dequeue();
        }

        var before = recent.ToList();
        var recentNumbers = before.Select(r => r.Number).ToArray();
        var dayCalls = new List<CallRecord>(volume);
        var dayOrders = new List<WorkOrder>(volume);
        var sequence = 0;
        var rated = 0;
        var hourTotal = HourWeights.Sum();
        for (var n = 0; n < volume; n++)
        {
            var hour = Pick(random, HourWeights, hourTotal);
            var arrived = dayStart.AddHours(hour).AddSeconds(random.Next(3600));
            var (province, city) = Region(random);
            // About 8 % call again within the week.
            var number = recentNumbers.Length > 0 && random.NextDouble() < 0.08
                ? recentNumbers[random.Next(recentNumbers.Length)]
                : "+861" + (3 + random.Next(7)).ToString(CultureInfo.InvariantCulture) + random.NextInt64(100_000_000, 1_000_000_000).ToString(CultureInfo.InvariantCulture);
            var category = PickCategory(random, categories);
            var call = new CallRecord
            {
                Id = ids.Call++,
                PlatformId = platform.Id,
                Channel = CallChannel.Inbound,
                CallerLeg = "syn" + ids.Call.ToString(CultureInfo.InvariantCulture),
                SipCallId = "synthetic-" + ids.Call.ToString(CultureInfo.InvariantCulture),
                CallerNumber = number,
                CallerProvince = province,
                CallerCity = city,
                DialedNumber = "12348",
                ArrivedAt = arrived,
            };
            dayCalls.Add(call);
            var ivrSeconds = 20 + random.Next(40);
            if (random.NextDouble() < 0.07)
            {
                // Heard the self-service announcements (office hours, addresses) and hung up.
                call.EndedAt = arrived.AddSeconds(ivrSeconds + 30);
                call.AbandonedIn = AbandonedIn.Ivr;
                call.CallerHungUpFirst = true;
                continue;
            }

            call.SkillCode = category.Skill;
            call.QueuedAt = arrived.AddSeconds(ivrSeconds);
            if (random.NextDouble() >= 0.9783)
            {
                call.AbandonedIn = AbandonedIn.Queue;
                call.AbandonedAt = call.QueuedAt.Value.AddSeconds(10 + Math.Round(Exponential(random, 45)));
                call.EndedAt = call.AbandonedAt;
                call.CallerHungUpFirst = true;
                continue;
            }

            var lawyer = lawyers[random.Next(lawyers.Count)];
            call.OfferedAt = call.QueuedAt.Value.AddSeconds(Math.Min(240, Math.Round(Exponential(random, 8))));
            call.OfferCount = 1;
            call.AgentId = lawyer.Id;
            call.AnsweredReason = OfferReason.Skill;
            call.AnsweredAt = call.OfferedAt.Value.AddSeconds(2 + random.Next(5));
            // Talk: log-normal, median 6 minutes, mean ≈ 7.2 minutes (81,370 talk hours for 673,951 calls).
            var talk = Math.Round(Math.Clamp(Math.Exp(Math.Log(360) + 0.6 * Normal(random)), 20, 3600));
            call.TalkEndedAt = call.AnsweredAt.Value.AddSeconds(talk);
            call.WrapUpEndedAt = call.TalkEndedAt.Value.AddSeconds(20 + random.Next(70));
            call.EndedAt = call.TalkEndedAt;
            call.CallerHungUpFirst = random.NextDouble() < 0.3;
            if (random.NextDouble() < 0.72)
            {
                var r = random.NextDouble();
                call.Rating = r < 0.970 ? CallRating.Satisfied : r < 0.9955 ? CallRating.BasicallySatisfied : CallRating.Dissatisfied;
                call.RatedAt = call.TalkEndedAt.Value.AddSeconds(8);
                rated++;
            }

            var order = NewOrder(random, platform, day, ++sequence, ownerId, ownerName, arrived, call, category, lawyer, number, province, city);
            WorkOrderId.SetValue(order, ids.Order++);
            call.WorkOrderId = order.Id;
            dayOrders.Add(order);
        }

        // Self-service and web consultations that became work orders (Beijing: ≈ 86,000 in half a year).
        var online = (int)Math.Round(volume * 0.12);
        for (var n = 0; n < online; n++)
        {
            var category = PickCategory(random, categories);
            var at = dayStart.AddHours(Pick(random, HourWeights, hourTotal)).AddSeconds(random.Next(3600));
            var (province, city) = Region(random);
            var order = NewOrder(random, platform, day, ++sequence, ownerId, ownerName, at, call: null, category, lawyers[random.Next(lawyers.Count)],
                "+861" + (3 + random.Next(7)).ToString(CultureInfo.InvariantCulture) + random.NextInt64(100_000_000, 1_000_000_000).ToString(CultureInfo.InvariantCulture),
                province, city);
            order.Channel = random.NextDouble() < 0.7 ? WorkOrderChannel.SelfService : WorkOrderChannel.WebChat;
            WorkOrderId.SetValue(order, ids.Order++);
            dayOrders.Add(order);
        }

        foreach (var call in dayCalls)
        {
            recent.Enqueue((call.CallerNumber, call.ArrivedAt));
        }

        var callFacts = dayCalls.Select(c => new CallFacts(c.Id, c.Channel, c.CallerNumber, c.CallerProvince, c.CallerCity, c.ArrivedAt, c.SkillCode,
            c.QueuedAt, c.AgentId, c.AnsweredAt, c.AbandonedIn, c.CallbackRequestedAt, c.TalkEndedAt, c.WrapUpEndedAt, c.Rating)).ToList();
        var orderFacts = dayOrders.Select(w => new WorkOrderFacts(w.Id, w.CategoryCode, w.Channel, w.Type, w.Status, w.Outcome, w.CreatedAt, w.DueAt,
            w.CompletedAt, w.HandOverBody, w.EscalatedToAgentId, w.ReopenCount, w.Rating, w.CallerProvince, w.CallerCity, w.CallerType, w.Question, w.AgentId, w.SeatId)).ToList();
        var rollup = RollupBuilder.Build(platform.Id, day, platform.ServiceRegion, callFacts, orderFacts, RollupBuilder.RepeatDetector(callFacts, before, window), TermsOf);
        foreach (var s in rollup.Calls) { s.Id = ids.CallDay++; batch.CallDays.Add(s); }
        foreach (var s in rollup.Hours) { s.Id = ids.CallHour++; batch.CallHours.Add(s); }
        foreach (var s in rollup.Regions) { s.Id = ids.CallRegion++; batch.CallRegions.Add(s); }
        foreach (var s in rollup.WorkOrders) { s.Id = ids.OrderDay++; batch.OrderDays.Add(s); }
        foreach (var s in rollup.WorkOrderRegions) { s.Id = ids.OrderRegion++; batch.OrderRegions.Add(s); }
        foreach (var s in rollup.Terms ?? []) { s.Id = ids.Term++; batch.Terms.Add(s); }
        foreach (var s in rollup.Agents ?? []) { s.Id = ids.AgentDay++; batch.AgentDays.Add(s); }
        if (rollup.Calls.Count > 0 || rollup.WorkOrders.Count > 0)
        {
            var total = rollup.Total(platform.Id, day);
            total.Id = ids.Total++;
            batch.Totals.Add(total);
        }
        batch.Calls.AddRange(dayCalls);
        batch.Orders.AddRange(dayOrders);
        return (dayCalls.Count, dayOrders.Count, rated);
    }

    private static WorkOrder NewOrder(Random random, Platform platform, DateOnly day, int sequence, int ownerId, string ownerName, DateTimeOffset at,
        CallRecord? call, Category category, Lawyer lawyer, string number, string province, string city)
    {
        // Opened when the lawyer answers; a call answered just after midnight still belongs to the day it arrived
        // (its number carries that day), so the order's creation stays within that day.
        var (_, dayEnd) = KpiDefinitions.DayBounds(day);
        var created = call?.AnsweredAt is { } answered && answered < dayEnd ? answered : call is null ? at : dayEnd.AddSeconds(-1);
        var order = WorkOrder.Register(platform.Id,
            string.Create(CultureInfo.InvariantCulture, $"{platform.Code}-{day:yyyyMMdd}-{sequence:D5}"), ownerId, ownerName, created, created.AddDays(5));
        var questions = Questions.GetValueOrDefault(category.Group) ?? Questions["ZX"];
        order.Channel = WorkOrderChannel.Phone;
        order.Type = random.NextDouble() switch { < 0.003 => WorkOrderType.Complaint, < 0.013 => WorkOrderType.Appointment, < 0.02 => WorkOrderType.Help, _ => WorkOrderType.Consultation };
        order.CallerPhoneE164 = number;
        order.CallerProvince = province;
        order.CallerCity = city;
        order.CallerType = random.NextDouble() switch { < 0.12 => CallerType.MigrantWorker, < 0.22 => CallerType.Elderly, < 0.23 => CallerType.Minor, < 0.31 => CallerType.Woman, _ => CallerType.Unspecified };
        order.CategoryId = category.Id;
        order.CategoryCode = category.Code;
        order.Question = $"{questions[random.Next(questions.Length)]}（{category.Name}）";
        order.Answer = "已结合相关法律规定当场解答，并告知维权途径。";
        order.AgentId = lawyer.Id;
        order.Tags = [SyntheticTag];
        order.Start();
        var done = (call?.WrapUpEndedAt ?? created.AddMinutes(10 + random.Next(50)));
        var outcome = random.NextDouble();
        if (outcome < 0.045)
        {
            order.Complete(WorkOrderOutcome.Referred, done, random.NextDouble() < 0.7 ? ReferralAgency.LegalAid : ReferralAgency.Mediation, "法律援助中心");
        }
        else if (outcome < 0.06)
        {
            order.Complete(WorkOrderOutcome.TransferredByPhone, done, transferTarget: "12345");
        }
        else if (outcome < 0.07)
        {
            // Handed over to a partner body, whose feedback arrives within days (a few late).
            order.HandOver("12345政务服务便民热线", created.AddDays(3), created);
            order.RecordFeedback("已处理并回复来电人。", created.AddHours(12 + random.Next(96)));
        }
        else
        {
            order.Complete(WorkOrderOutcome.AnsweredOnLine, done);
        }

        if (call?.Rating is { } rating)
        {
            order.Rate(rating, call.RatedAt!.Value);
        }
        else if (call is null && random.NextDouble() < 0.35)
        {
            order.Rate(random.NextDouble() < 0.96 ? CallRating.Satisfied : CallRating.BasicallySatisfied, done.AddMinutes(5));
        }

        return order;
    }

    private static (string Province, string City) Region(Random random)
    {
        if (random.NextDouble() < 0.61)
        {
            return ("北京市", "北京市");
        }

        var total = OutOfTown.Sum(o => o.Weight);
        var pick = random.NextDouble() * total;
        foreach (var (province, cities, weight) in OutOfTown)
        {
            if ((pick -= weight) < 0)
            {
                return (province, cities[random.Next(cities.Length)]);
            }
        }

        return (OutOfTown[0].Province, OutOfTown[0].Cities[0]);
    }

    private static int Pick(Random random, double[] weights, double total)
    {
        var pick = random.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            if ((pick -= weights[i]) < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static Category PickCategory(Random random, IReadOnlyList<Category> categories)
    {
        var pick = random.NextDouble() * categories[^1].Weight;
        var low = 0;
        var high = categories.Count - 1;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (categories[mid].Weight < pick)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return categories[low];
    }

    private static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private async Task<Platform> PlatformAsync(string code, CancellationToken cancellationToken)
    {
        var platform = await db.Platforms.IgnoreQueryFilters().SingleOrDefaultAsync(p => p.Code == code, cancellationToken);
        if (platform is not null)
        {
            return platform;
        }

        platform = Platform.CreateRoot(code, $"北京市12348（{SyntheticTag}）", PlatformKind.LegalService12348, PlatformLevel.Province);
        platform.ServiceRegion = "北京市";
        platform.IsDemo = true;
        db.Platforms.Add(platform);
        await db.SaveChangesAsync(cancellationToken);
        return platform;
    }

    private async Task<IReadOnlyList<Lawyer>> LawyersAsync(Platform platform, int count, CancellationToken cancellationToken)
    {
        var existing = await db.Agents.IgnoreQueryFilters().Where(a => a.PlatformId == platform.Id).Select(a => new Lawyer(a.Id, a.Name)).ToListAsync(cancellationToken);
        if (existing.Count > 0)
        {
            return existing;
        }

        var lawyers = Enumerable.Range(0, count).Select(i => new Agent
        {
            PlatformId = platform.Id,
            Kind = AgentKind.DutyLawyer,
            Name = Surnames[i % Surnames.Length] + GivenNames[(i / Surnames.Length + i) % GivenNames.Length] + "（合成）",
            AdmittedOn = new DateOnly(2015 + i % 8, 1 + i % 12, 1 + i % 27),
            IsDemo = true,
        }).ToList();
        db.Agents.AddRange(lawyers);
        await db.SaveChangesAsync(cancellationToken);
        return [.. lawyers.Select(a => new Lawyer(a.Id, a.Name))];
    }

    /// <summary>Leaf categories with cumulative weights: four groups (labour, family, contract, debt/tort) ≈ 73 % of consultations.</summary>
    private async Task<IReadOnlyList<Category>> CategoriesAsync(CancellationToken cancellationToken)
    {
        var all = await db.Categories.AsNoTracking().Where(c => !c.IsRetired)
            .Select(c => new { c.Id, c.Code, c.Name, c.ParentId, Skill = c.Skill != null ? c.Skill.Code : null })
            .ToListAsync(cancellationToken);
        var parents = all.Where(c => c.ParentId != null).Select(c => c.ParentId!.Value).ToHashSet();
        var leaves = all.Where(c => !parents.Contains(c.Id) && c.Code.Contains('.', StringComparison.Ordinal)).ToList();
        if (leaves.Count == 0)
        {
            throw new DomainException("The consultation taxonomy is empty; start the platform once so the default taxonomy is installed.", "categories");
        }

        static string Group(string code) => code.StartsWith("MS.", StringComparison.Ordinal) ? code[..5]
            : code.StartsWith("XS", StringComparison.Ordinal) ? "XS" : code.StartsWith("XZ", StringComparison.Ordinal) ? "XZ" : "ZX";
        var groupShare = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["MS.06"] = 0.24, ["MS.02"] = 0.22, ["MS.04"] = 0.17, ["MS.09"] = 0.10, ["MS.03"] = 0.06, ["XS"] = 0.05, ["XZ"] = 0.04, ["ZX"] = 0.08,
        };
        var grouped = leaves.GroupBy(l => Group(l.Code)).ToList();
        var rest = 1 - groupShare.Values.Sum();
        var others = grouped.Count(g => !groupShare.ContainsKey(g.Key));
        var result = new List<Category>();
        var cumulative = 0.0;
        foreach (var group in grouped.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var share = groupShare.GetValueOrDefault(group.Key, others == 0 ? 0 : rest / others);
            // Within a group a few causes dominate (Zipf-like by code order): 追索劳动报酬 more than 竞业限制.
            var members = group.OrderBy(l => l.Code, StringComparer.Ordinal).ToList();
            var harmonic = members.Select((_, i) => 1.0 / (i + 1)).Sum();
            for (var i = 0; i < members.Count; i++)
            {
                cumulative += share * (1.0 / (i + 1)) / harmonic;
                var m = members[i];
                result.Add(new Category(m.Id, m.Code, m.Name, group.Key, m.Skill ?? "GENERAL", cumulative));
            }
        }

        return result;
    }
}
