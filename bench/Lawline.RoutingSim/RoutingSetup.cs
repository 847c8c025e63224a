using Lawline.Server.Routing;

namespace Lawline.RoutingSim;

/// <summary>
/// One way of routing the same day: the router configuration (platforms, queues and their rules, agents) and the
/// queue the call flow puts each caller in.
/// </summary>
internal sealed class RoutingSetup
{
    public const string PooledSkill = "POOL";

    /// <summary>The overflow thresholds this benchmark proposes: general seats after 30 s, district → city after 45 s.</summary>
    public static readonly (TimeSpan General, TimeSpan Parent, int PullAbove) ProposedThresholds = (TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(45), 5);

    /// <summary>The thresholds a site gets without configuring any (<see cref="RoutingOptions"/>: 60 s, 90 s, 5).</summary>
    public static (TimeSpan General, TimeSpan Parent, int PullAbove) ShippedThresholds
    {
        get
        {
            var defaults = new RoutingOptions();
            return (TimeSpan.FromSeconds(defaults.OverflowToGeneralAfterSeconds), TimeSpan.FromSeconds(defaults.OverflowToParentAfterSeconds), defaults.PullSubPlatformAgentsAbove);
        }
    }

    private RoutingSetup(string name, string description, RoutingConfiguration configuration, Func<CallerSpec, QueueId> queueFor)
    {
        Name = name;
        Description = description;
        Configuration = configuration;
        QueueFor = queueFor;
    }

    public string Name { get; }

    public string Description { get; }

    public RoutingConfiguration Configuration { get; }

    public Func<CallerSpec, QueueId> QueueFor { get; }

    public static IReadOnlyList<RoutingSetup> All(BeijingDay day) =>
    [
        Overflow(day, "overflow 30 s/45 s", ProposedThresholds, specialistsAnswerGeneral: false),
        Overflow(day, "overflow 60 s/90 s (defaults)", ShippedThresholds, specialistsAnswerGeneral: false),
        Overflow(day, "overflow 30 s/45 s + specialists in GENERAL", ProposedThresholds, specialistsAnswerGeneral: true),
        Separate(day),
        Pooled(day),
    ];

    /// <summary>
    /// (1) The configured skill queues, with the rules the call flow builds (RoutingDirectory): a skill queue's call may
    /// go to the platform's general seats after a wait, a district's call to the city's agents with the skill after a
    /// longer one, and while more than a few calls wait in a city queue the city pulls in district agents with the skill.
    /// <paramref name="specialistsAnswerGeneral"/>: every specialist also has the general skill at level 1, so general
    /// callers (who otherwise only ever reach general seats) are answered by any idle agent, general seats first.
    /// </summary>
    public static RoutingSetup Overflow(BeijingDay day, string name, (TimeSpan General, TimeSpan Parent, int PullAbove) thresholds, bool specialistsAnswerGeneral)
        => SkillQueues(day, name,
            $"skill queues; general seats after {thresholds.General.TotalSeconds:0} s; district → city after {thresholds.Parent.TotalSeconds:0} s; "
                + $"city pulls district agents above {thresholds.PullAbove} waiting{(specialistsAnswerGeneral ? "; specialists hold GENERAL at level 1" : "")}",
            (platform, skill) => OverflowRules(thresholds, platform == BeijingDay.City, skill == BeijingDay.General),
            specialistsAnswerGeneral);

    /// <summary>The rules of one queue, as RoutingDirectory builds them from the settings.</summary>
    public static OverflowRules OverflowRules((TimeSpan General, TimeSpan Parent, int PullAbove) thresholds, bool mainPlatform, bool generalQueue) => new()
    {
        OverflowToGeneralAfter = generalQueue ? null : thresholds.General,
        OverflowToParentPlatformAfter = mainPlatform ? null : thresholds.Parent,
        PullSubPlatformAgentsAbove = mainPlatform ? thresholds.PullAbove : null,
    };

    /// <summary>(2) The same queues and agents with every rule off: a call waits for an agent of its own queue.</summary>
    public static RoutingSetup Separate(BeijingDay day) => SkillQueues(day, "separate queues",
        "the same skill queues, no overflow of any kind", (_, _) => Server.Routing.OverflowRules.None, specialistsAnswerGeneral: false);

    /// <summary>(3) One queue on one platform that every agent answers at the same level: the Erlang C system.</summary>
    public static RoutingSetup Pooled(BeijingDay day)
    {
        var queue = new QueueId("pool");
        var configuration = new RoutingConfiguration(
            [new PlatformNode(BeijingDay.City, null)],
            [new QueueDefinition(queue, BeijingDay.City, PooledSkill, IsGeneral: true, Server.Routing.OverflowRules.None)],
            [.. day.SeatList.Select(s => new AgentDefinition(s.AgentId, BeijingDay.City, new Dictionary<string, int> { [PooledSkill] = 1 }))])
        {
            WrapUp = day.WrapUp,
        };
        return new RoutingSetup("one pooled queue", "one queue, every agent answers every call (longest idle first)", configuration, _ => queue);
    }

    private static RoutingSetup SkillQueues(BeijingDay day, string name, string description, Func<PlatformId, string, OverflowRules> rules, bool specialistsAnswerGeneral)
    {
        var skills = day.SkillMix.Select(m => m.Skill).ToList();
        var queues = (from platform in day.Platforms
                      from skill in skills
                      select new QueueDefinition(QueueOf(platform.PlatformId, skill), platform.PlatformId, skill, skill == BeijingDay.General, rules(platform.PlatformId, skill)))
            .ToList();
        var agents = day.SeatList.Select(s => new AgentDefinition(s.AgentId, s.Platform,
                specialistsAnswerGeneral && !s.Skills.ContainsKey(BeijingDay.General) ? new Dictionary<string, int>(s.Skills) { [BeijingDay.General] = 1 } : s.Skills,
                s.IsGeneralSeat))
            .ToList();
        var configuration = new RoutingConfiguration(day.Platforms, queues, agents) { WrapUp = day.WrapUp };

        // A district caller goes to the district while it is open, otherwise to the city (the IVR decides, not the router).
        return new RoutingSetup(name, description, configuration, caller =>
            QueueOf(caller.District is { } district && day.DistrictOpen(district, caller.Hour) ? district : BeijingDay.City, caller.Skill));
    }

    private static QueueId QueueOf(PlatformId platform, string skill) => new($"p{platform.Value}-{skill}");
}
