using System.Collections.Frozen;
using Lawline.Server.Agents;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Routing;

/// <summary>A platform as the call flow needs it.</summary>
public sealed record RoutedPlatform(int Id, string Code, PlatformKind Kind, int? ParentId);

/// <summary>
/// What the call flow routes by, read from the database: platforms, one queue per platform and active skill (with
/// the overflow rules), the agents who can take calls and how to reach them. An agent can take calls when admitted
/// and either has an enabled phone account (<see cref="PhoneOf"/>) or works a remote seat (远程坐席) with a mobile
/// number, on which the flow reaches them through the trunk (<see cref="MobileOf"/>). Rebuilt at start and whenever
/// the flow asks (agents' phones coming online, a minute passing, a desktop signing in).
/// </summary>
public sealed class RoutingDirectory(IServiceScopeFactory scopes, IOptions<RoutingOptions> options)
{
    private volatile Snapshot current = new([], [], FrozenDictionary<int, string>.Empty, FrozenDictionary<int, string>.Empty, RoutingConfiguration.Empty);

    private sealed record Snapshot(
        IReadOnlyList<RoutedPlatform> Platforms,
        IReadOnlyList<QueueDefinition> Queues,
        FrozenDictionary<int, string> PhoneOfAgent,
        FrozenDictionary<int, string> MobileOfAgent,
        RoutingConfiguration Configuration,
        FrozenDictionary<int, string>? SeatOfAgent = null);

    public RoutingConfiguration Configuration => current.Configuration;

    public static QueueId QueueFor(int platformId, string skillCode) => new($"{platformId}:{skillCode}");

    /// <summary>The SIP account user of the agent's phone, or null when the agent has none.</summary>
    public string? PhoneOf(AgentId agent) => current.PhoneOfAgent.GetValueOrDefault(agent.Value);

    /// <summary>The E.164 mobile of a remote-seat agent, who takes calls on it through the trunk; null for everyone else.</summary>
    public string? MobileOf(AgentId agent) => current.MobileOfAgent.GetValueOrDefault(agent.Value);

    /// <summary>The code of the seat the agent is signed in at, or null.</summary>
    public string? SeatOf(AgentId agent) => current.SeatOfAgent?.GetValueOrDefault(agent.Value);

    public async Task<RoutingConfiguration> RefreshAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("call-routing");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var platforms = await db.Platforms.AsNoTracking().Where(p => p.IsActive)
            .Select(p => new RoutedPlatform(p.Id, p.Code, p.Kind, p.ParentId)).ToListAsync(cancellationToken);
        var skills = await db.Skills.AsNoTracking().Where(s => s.IsActive).Select(s => new { s.Code, s.IsGeneral }).ToListAsync(cancellationToken);
        var phones = await db.SipAccounts.AsNoTracking().Where(a => a.Enabled && a.AgentId != null)
            .Select(a => new { AgentId = a.AgentId!.Value, a.Username }).ToListAsync(cancellationToken);
        var phoneByAgent = phones.GroupBy(p => p.AgentId).ToDictionary(g => g.Key, g => g.First().Username);

        // Agents signed in at a seat: the seat's phone rings when it has an account, and they answer the seat's skills.
        var seated = await db.SeatSessions.AsNoTracking().Where(s => s.SignedOutAt == null)
            .Select(s => new { s.AgentId, s.Seat!.Code, s.Seat.Extension, Skills = s.Seat.Skills.Where(k => k.IsActive).Select(k => new { k.Code, k.IsGeneral }).ToList() })
            .ToListAsync(cancellationToken);
        var extensions = seated.Where(s => !string.IsNullOrEmpty(s.Extension)).Select(s => s.Extension!).ToList();
        var seatPhones = (await db.SipAccounts.AsNoTracking().Where(a => a.Enabled && extensions.Contains(a.Username)).Select(a => a.Username)
            .ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var seat in seated.Where(s => s.Extension is { } extension && seatPhones.Contains(extension)))
        {
            phoneByAgent[seat.AgentId] = seat.Extension!;
        }

        var seatOfAgent = seated.GroupBy(s => s.AgentId).ToFrozenDictionary(g => g.Key, g => g.First().Code);
        var seatSkills = seated.Where(s => s.Skills.Count > 0).GroupBy(s => s.AgentId).ToDictionary(g => g.Key, g => g.First().Skills);
        var phoneOfAgent = phoneByAgent.ToFrozenDictionary();
        var agentIds = phoneOfAgent.Keys.ToList();
        var agents = await db.Agents.AsNoTracking()
            .Where(a => a.Status == Agents.AgentStatus.Admitted && (agentIds.Contains(a.Id) || (a.RemoteSeat && a.MobileE164 != null && a.MobileE164 != "")))
            .Select(a => new { a.Id, a.PlatformId, a.RemoteSeat, a.MobileE164, Skills = a.Skills.Select(s => new { s.Skill!.Code, s.Skill.IsGeneral, s.Level }) })
            .ToListAsync(cancellationToken);
        var mobileOfAgent = agents.Where(a => a.RemoteSeat && !string.IsNullOrEmpty(a.MobileE164))
            .ToFrozenDictionary(a => a.Id, a => a.MobileE164!);

        var settings = options.Value;
        var queues = new List<QueueDefinition>();
        foreach (var platform in platforms)
        {
            foreach (var skill in skills)
            {
                // Each rule is data per queue; these are the defaults every queue starts with.
                var rules = new OverflowRules
                {
                    OverflowToGeneralAfter = skill.IsGeneral ? null : TimeSpan.FromSeconds(settings.OverflowToGeneralAfterSeconds),
                    OverflowToParentPlatformAfter = platform.ParentId is null ? null : TimeSpan.FromSeconds(settings.OverflowToParentAfterSeconds),
                    PullSubPlatformAgentsAbove = platform.ParentId is null ? settings.PullSubPlatformAgentsAbove : null,
                    AnnounceEvery = settings.AnnounceEverySeconds > 0 ? TimeSpan.FromSeconds(settings.AnnounceEverySeconds) : null,
                    CallbackOfferAfter = settings.CallbackOfferAfterSeconds > 0 ? TimeSpan.FromSeconds(settings.CallbackOfferAfterSeconds) : null,
                };
                queues.Add(new QueueDefinition(QueueFor(platform.Id, skill.Code), new PlatformId(platform.Id), skill.Code, skill.IsGeneral, rules));
            }
        }

        var definitions = agents.Select(a =>
        {
            var own = a.Skills.GroupBy(s => s.Code).ToDictionary(g => g.Key, g => g.Max(s => s.Level));
            return seatSkills.TryGetValue(a.Id, out var atSeat)
                ? new AgentDefinition(new AgentId(a.Id), new PlatformId(a.PlatformId),
                    atSeat.ToDictionary(k => k.Code, k => own.GetValueOrDefault(k.Code, 1)), atSeat.Any(k => k.IsGeneral))
                : new AgentDefinition(new AgentId(a.Id), new PlatformId(a.PlatformId), own, a.Skills.Any(s => s.IsGeneral));
        }).ToList();
        var configuration = new RoutingConfiguration(
            platforms.Select(p => new PlatformNode(new PlatformId(p.Id), p.ParentId is { } parent ? new PlatformId(parent) : null)).ToList(),
            queues,
            definitions)
        {
            WrapUp = TimeSpan.FromSeconds(settings.WrapUpSeconds),
        };
        current = new Snapshot(platforms, queues, phoneOfAgent, mobileOfAgent, configuration, seatOfAgent);
        return configuration;
    }

    /// <summary>
    /// The platform a dialed number belongs to: configured numbers first, then the first top platform of the kind
    /// the number names (12348 or 12368), then the first top platform.
    /// </summary>
    public RoutedPlatform? PlatformFor(string dialedNumber)
    {
        var platforms = current.Platforms;
        if (options.Value.DialedNumbers.TryGetValue(dialedNumber, out var code)
            && platforms.FirstOrDefault(p => string.Equals(p.Code, code, StringComparison.OrdinalIgnoreCase)) is { } configured)
        {
            return configured;
        }

        var kind = dialedNumber.Contains("12368", StringComparison.Ordinal) ? PlatformKind.CourtService12368 : PlatformKind.LegalService12348;
        return platforms.FirstOrDefault(p => p.ParentId is null && p.Kind == kind) ?? platforms.FirstOrDefault(p => p.ParentId is null);
    }

    public bool HasQueue(QueueId queue) => current.Queues.Any(q => q.QueueId == queue);

    /// <summary>The platform whose queue this is.</summary>
    public RoutedPlatform? PlatformOfQueue(QueueId queue) =>
        current.Queues.FirstOrDefault(q => q.QueueId == queue) is { } definition
            ? current.Platforms.FirstOrDefault(p => p.Id == definition.PlatformId.Value)
            : null;

    public string? SkillOfQueue(QueueId queue) => current.Queues.FirstOrDefault(q => q.QueueId == queue)?.SkillCode;

    public QueueId GeneralQueueOf(int platformId) =>
        current.Queues.FirstOrDefault(q => q.PlatformId.Value == platformId && q.IsGeneral)?.QueueId
        ?? current.Queues.First(q => q.PlatformId.Value == platformId).QueueId;
}
