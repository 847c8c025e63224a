using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.Telephony;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Routing;

/// <summary>A queue as the desktop and the supervisors see it.</summary>
public sealed record QueueDto(
    string QueueId,
    int PlatformId,
    string PlatformName,
    string SkillCode,
    string SkillName,
    bool IsGeneral,
    int Waiting,
    int WaitingCallbacks,
    int Ringing,
    int LongestWaitSeconds,
    int ReadyAgents,
    int StaffedAgents,
    int AnsweredToday,
    int AbandonedToday);

public sealed record SkillLevelDto(string Code, string Name, int Level);

/// <summary>
/// An agent the router can offer calls to, and their state now. <paramref name="AfterCall"/> is set while they are on
/// a call (ringing, talking, wrap-up): the state they take when wrap-up ends — ready, or what they (or a supervisor)
/// asked for meanwhile. <paramref name="Extension"/> is the phone account calls ring; <paramref name="RemoteSeat"/>
/// says calls reach the agent's mobile through the trunk instead.
/// </summary>
public sealed record RoutedAgentDto(
    int AgentId,
    string Name,
    int PlatformId,
    string PlatformName,
    IReadOnlyList<SkillLevelDto> Skills,
    bool IsGeneralSeat,
    string? Extension,
    bool RemoteSeat,
    AgentState State,
    NotReadyReason? Reason,
    DateTimeOffset Since,
    int SecondsInState,
    string? CallId,
    AgentState? AfterCall,
    NotReadyReason? AfterCallReason,
    string? SeatCode = null);

/// <summary>A call-control step from the desktop: action transfer|consult|completeConsultation|cancelConsultation, kind skill|agent|number.</summary>
public sealed record MyCallControlRequest(string? Action, string? Kind = null, [property: MaxLength(40)] string? Target = null);

/// <summary>The signed-in agent's desk: their state and the queues of their skills.</summary>
public sealed record AgentDeskDto(RoutedAgentDto Agent, IReadOnlyList<QueueDto> Queues);

/// <summary>What the agent asks for: <c>ready</c>, <c>notReady</c> with a reason (break, training, meeting, other), or <c>offline</c>.</summary>
public sealed record SetMyStateRequest(string? State, string? Reason);

/// <summary>A supervisor sets an agent <c>notReady</c> (with a reason) or logs them out (<c>offline</c>); the note goes to the audit log.</summary>
public sealed record SetAgentStateRequest(string? State, string? Reason, [property: MaxLength(200)] string? Note = null);

/// <summary>The outcome of a state request: applied now, or (the agent being on a call) when their wrap-up ends.</summary>
public sealed record StateChangeResult<T>(T Value, bool Deferred);

/// <summary>
/// The routing side of the agent desktop and of supervision: an agent's own state and queues, and, for supervisors,
/// the queues and agents of the platforms they see. The router holds the state; this service finds who is asking,
/// checks their scope, and tells the router.
/// <para>
/// The router never refuses a state change: asked for not-ready or offline while the agent is on a call, it applies
/// it when wrap-up ends (and "ready" meanwhile cancels that). The API says so with 202 Accepted and
/// <see cref="RoutedAgentDto.AfterCall"/>. What is refused with 409 is what cannot work now: ready without a
/// registered phone, wrap-up done outside wrap-up, a supervisor logging an offline agent in as not-ready.
/// </para>
/// </summary>
public sealed partial class AgentDesk(
    AppDbContext db,
    CurrentUser me,
    CallRouter router,
    RoutingDirectory directory,
    SipEngineHost telephony,
    CallFlow flow,
    TimeProvider clock)
{
    private static readonly JsonSerializerOptions AuditJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    // The names the API accepts (any case); "missed" is the router's own reason, not one a person chooses.
    private static readonly Dictionary<string, AgentState> States = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ready"] = AgentState.Ready,
        ["notReady"] = AgentState.NotReady,
        ["offline"] = AgentState.Offline,
    };

    private static readonly Dictionary<string, NotReadyReason> Reasons = new(StringComparer.OrdinalIgnoreCase)
    {
        ["break"] = NotReadyReason.Break,
        ["training"] = NotReadyReason.Training,
        ["meeting"] = NotReadyReason.Meeting,
        ["other"] = NotReadyReason.Other,
    };

    public const string StateRule = "State must be one of: ready, notReady, offline.";
    public const string ReasonRule = "Not ready needs a reason: break, training, meeting or other.";
    public const string SupervisorStateRule = "A supervisor can set an agent notReady or offline; only agents make themselves ready.";

    // ---------------------------------------------------------------- the agent's own desk

    public async Task<AgentDeskDto> MineAsync(CancellationToken cancellationToken)
    {
        var agent = await MyAgentAsync(cancellationToken);
        var definition = await RoutableAsync(agent, cancellationToken);
        return await DeskAsync(agent, definition, cancellationToken);
    }

    /// <summary>The call the signed-in agent is connected to now (its call record), or null.</summary>
    public async Task<long?> MyCallAsync(CancellationToken cancellationToken)
    {
        var agent = await MyAgentAsync(cancellationToken);
        return flow.CurrentCallRecordOf(new AgentId(agent.Id));
    }

    /// <summary>Transfers the signed-in agent's caller, or consults first (attended), through the call-control API.</summary>
    public async Task MyCallControlAsync(MyCallControlRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Enum.TryParse<CallControlAction>(request.Action, ignoreCase: true, out var action) || !Enum.IsDefined(action))
        {
            errors["action"] = [CallActionRule];
        }

        var kind = TransferKind.Skill;
        if (action is CallControlAction.Transfer or CallControlAction.Consult)
        {
            if (!Enum.TryParse(request.Kind, ignoreCase: true, out kind) || !Enum.IsDefined(kind) || (action == CallControlAction.Consult && kind == TransferKind.Skill))
            {
                errors["kind"] = [action == CallControlAction.Consult ? ConsultKindRule : TransferKindRule];
            }

            if (string.IsNullOrWhiteSpace(request.Target))
            {
                errors["target"] = [TargetRule];
            }
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var agent = await MyAgentAsync(cancellationToken);
        var result = await flow.ControlAsync(new AgentId(agent.Id), new CallControlRequest(action, kind, request.Target?.Trim()), cancellationToken);
        if (!result.Succeeded)
        {
            throw new ConflictException(result.Error ?? "The call could not be transferred.", "target");
        }
    }

    public const string CallActionRule = "Action must be one of: transfer, consult, completeConsultation, cancelConsultation, hold, resume, hangup.";
    public const string TransferKindRule = "Kind must be one of: skill, agent, number.";
    public const string ConsultKindRule = "A consultation is with an agent or a number.";
    public const string TargetRule = "Name the target: a skill code, an agent id or a phone number.";

    public async Task<StateChangeResult<AgentDeskDto>> SetMyStateAsync(SetMyStateRequest request, CancellationToken cancellationToken)
    {
        var (state, reason) = Parse(request.State, request.Reason, supervisor: false);
        var agent = await MyAgentAsync(cancellationToken);
        var definition = await RoutableAsync(agent, cancellationToken);
        var id = definition.AgentId;
        if (state == AgentState.Ready && telephony.Engine is { } engine && directory.MobileOf(id) is null
            && directory.PhoneOf(id) is { } extension && engine.Locations.Lookup(extension).Count == 0)
        {
            throw new ConflictException(
                $"Your phone (extension {extension}) is not registered, so calls could not reach you. Start the softphone or connect the desk phone, then try again.",
                "state");
        }

        var deferred = Apply(id, state, reason);
        if (state == AgentState.Offline && !deferred)
        {
            await LeaveSeatAsync(agent.Id, cancellationToken);
        }

        return new StateChangeResult<AgentDeskDto>(await DeskAsync(agent, definition, cancellationToken), deferred);
    }

    public async Task<AgentDeskDto> WrapUpDoneAsync(CancellationToken cancellationToken)
    {
        var agent = await MyAgentAsync(cancellationToken);
        var definition = await RoutableAsync(agent, cancellationToken);
        if (!router.WrapUpDone(definition.AgentId))
        {
            var state = router.GetAgent(definition.AgentId)?.State ?? AgentState.Offline;
            throw new ConflictException($"You are not in wrap-up (you are {state}).", "state");
        }

        return await DeskAsync(agent, definition, cancellationToken);
    }

    // ---------------------------------------------------------------- supervision

    /// <summary>The queues of the platforms the supervisor sees, as the router counts them now.</summary>
    public async Task<List<QueueDto>> QueuesAsync(CancellationToken cancellationToken)
    {
        await EnsureConfiguredAsync(cancellationToken);
        var snapshots = router.Snapshots().Where(s => Sees(s.PlatformId)).ToList();
        var names = await NamesAsync(cancellationToken);
        var general = router.Configuration.Queues.Where(q => q.IsGeneral).Select(q => q.QueueId).ToHashSet();
        return [.. snapshots.Select(s => ToDto(s, names, general.Contains(s.QueueId)))
            .OrderBy(q => q.PlatformName, StringComparer.Ordinal).ThenBy(q => q.IsGeneral).ThenBy(q => q.SkillName, StringComparer.Ordinal)];
    }

    /// <summary>Every agent of the platforms the supervisor sees whom the router can offer calls to, with their state.</summary>
    public async Task<List<RoutedAgentDto>> AgentsAsync(CancellationToken cancellationToken)
    {
        await EnsureConfiguredAsync(cancellationToken);
        var definitions = router.Configuration.Agents.Where(a => Sees(a.PlatformId)).ToList();
        var ids = definitions.Select(a => a.AgentId.Value).ToList();
        // The query filter keeps to the supervisor's platforms again, whatever the router's configuration says.
        var people = await db.Agents.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.Name }).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
        var names = await NamesAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return
        [
            .. from definition in definitions
               where people.ContainsKey(definition.AgentId.Value)
               let status = router.GetAgent(definition.AgentId)
               where status is not null
               let dto = ToDto(definition, people[definition.AgentId.Value], status, names, now)
               orderby dto.PlatformName, dto.Name
               select dto,
        ];
    }

    /// <summary>A supervisor sets an agent not ready or logs them out. Audited with who, what, and the note.</summary>
    public async Task<StateChangeResult<RoutedAgentDto>> SetAgentStateAsync(int agentId, SetAgentStateRequest request, CancellationToken cancellationToken)
    {
        var (state, reason) = Parse(request.State, request.Reason, supervisor: true);
        var agent = await db.Agents.AsNoTracking().Where(a => a.Id == agentId)
            .Select(a => new DeskAgent(a.Id, a.Name, a.PlatformId)).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("Agent", agentId);
        var definition = await RoutableAsync(agent, cancellationToken);
        var before = router.GetAgent(definition.AgentId)!;
        if (state == AgentState.NotReady && before.State == AgentState.Offline)
        {
            throw new ConflictException($"{agent.Name} is logged out; a supervisor cannot log an agent in.", "state");
        }

        var deferred = IsBusy(before.State);
        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        // Written before the router is told: a change that could not be audited is not made.
        db.AuditEvent(AuditAction.Update, "AgentState", agent.Id, agent.PlatformId, JsonSerializer.Serialize(new
        {
            From = before.State,
            FromReason = before.Reason,
            To = state,
            Reason = reason,
            Deferred = deferred ? true : (bool?)null,
            Note = note,
        }, AuditJson));
        await db.SaveChangesAsync(cancellationToken);
        Apply(definition.AgentId, state, reason);
        if (state == AgentState.Offline && !deferred)
        {
            await LeaveSeatAsync(agent.Id, cancellationToken);
        }

        var names = await NamesAsync(cancellationToken);
        return new StateChangeResult<RoutedAgentDto>(
            ToDto(definition, agent.Name, router.GetAgent(definition.AgentId)!, names, clock.GetUtcNow()), deferred);
    }

    // ---------------------------------------------------------------- helpers

    private sealed record DeskAgent(int Id, string Name, int PlatformId);

    private sealed record Names(IReadOnlyDictionary<int, string> Platforms, IReadOnlyDictionary<string, string> Skills)
    {
        public string Platform(int id) => Platforms.GetValueOrDefault(id, id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public string Skill(string code) => Skills.GetValueOrDefault(code, code);
    }

    private bool Sees(PlatformId platform) => me.IsUnrestricted || me.VisiblePlatformIds.Contains(platform.Value);

    private static bool IsBusy(AgentState state) => state is AgentState.Ringing or AgentState.Talking or AgentState.WrapUp;

    /// <summary>Tells the router; true when the agent is on a call and the change waits for the end of wrap-up.</summary>
    private bool Apply(AgentId id, AgentState state, NotReadyReason? reason)
    {
        var busy = IsBusy(router.GetAgent(id)?.State ?? AgentState.Offline);
        try
        {
            switch (state)
            {
                case AgentState.Ready:
                    router.SetReady(id);
                    break;
                case AgentState.NotReady:
                    router.SetNotReady(id, reason!.Value);
                    break;
                default:
                    router.LogOut(id);
                    break;
            }
        }
        catch (RoutingException)
        {
            // A reconfiguration removed the agent between the lookup and now.
            throw new NotFoundException("Agent", id.Value, $"Agent {id} is no longer routable.");
        }

        // On a call the router keeps the request for the end of wrap-up ("ready" cancels an earlier one).
        return busy;
    }

    private static (AgentState State, NotReadyReason? Reason) Parse(string? stateText, string? reasonText, bool supervisor)
    {
        if (string.IsNullOrWhiteSpace(stateText) || !States.TryGetValue(stateText.Trim(), out var state))
        {
            throw new ValidationFailedException("state", StateRule);
        }

        if (supervisor && state == AgentState.Ready)
        {
            throw new ValidationFailedException("state", SupervisorStateRule);
        }

        if (state != AgentState.NotReady)
        {
            return (state, null);
        }

        if (string.IsNullOrWhiteSpace(reasonText) || !Reasons.TryGetValue(reasonText.Trim(), out var reason))
        {
            throw new ValidationFailedException("reason", ReasonRule);
        }

        return (state, reason);
    }

    private async Task<DeskAgent> MyAgentAsync(CancellationToken cancellationToken)
    {
        if (me.UserId is not { } userId)
        {
            throw new NotFoundException("Agent", "me", "Only a person who signed in has an agent desk.");
        }

        var agentId = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.AgentId).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("Agent", "me",
                "Your account is not linked to an agent (duty lawyer, clerk...). An administrator links it on the users page.");
        return await db.Agents.AsNoTracking().Where(a => a.Id == agentId)
            .Select(a => new DeskAgent(a.Id, a.Name, a.PlatformId)).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("Agent", agentId, $"The agent your account is linked to ({agentId}) does not exist on your platforms.");
    }

    /// <summary>
    /// The agent's routing definition. An agent the router does not know yet (a remote seat that never had a phone
    /// online, an agent admitted or given a phone since the last refresh) is looked up again in the database first.
    /// </summary>
    private async Task<AgentDefinition> RoutableAsync(DeskAgent agent, CancellationToken cancellationToken)
    {
        var id = new AgentId(agent.Id);
        var definition = router.Configuration.Agents.FirstOrDefault(a => a.AgentId == id);
        if (definition is null || router.GetAgent(id) is null)
        {
            router.Configure(await directory.RefreshAsync(cancellationToken));
            definition = router.Configuration.Agents.FirstOrDefault(a => a.AgentId == id);
        }

        return definition ?? throw new NotFoundException("Agent", agent.Id,
            $"{agent.Name} cannot take calls: an agent needs to be admitted and to have an enabled phone account, or a remote seat with a mobile number.");
    }

    /// <summary>On a node where the call flow does not run (telephony off), nobody has configured the router yet.</summary>
    private async Task EnsureConfiguredAsync(CancellationToken cancellationToken)
    {
        if (ReferenceEquals(router.Configuration, RoutingConfiguration.Empty))
        {
            router.Configure(await directory.RefreshAsync(cancellationToken));
        }
    }

    private async Task<Names> NamesAsync(CancellationToken cancellationToken)
    {
        var platforms = await db.Platforms.AsNoTracking().Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        var skills = await db.Skills.AsNoTracking().Select(s => new { s.Code, s.Name }).ToDictionaryAsync(s => s.Code, s => s.Name, cancellationToken);
        return new Names(platforms, skills);
    }

    private async Task<AgentDeskDto> DeskAsync(DeskAgent agent, AgentDefinition definition, CancellationToken cancellationToken)
    {
        var names = await NamesAsync(cancellationToken);
        var status = router.GetAgent(definition.AgentId)!;
        var configuration = router.Configuration;
        var general = configuration.Queues.Where(q => q.IsGeneral).Select(q => q.QueueId).ToHashSet();
        var queues = router.Snapshots()
            .Where(s => s.PlatformId == definition.PlatformId
                && (definition.Skills.ContainsKey(s.SkillCode) || (definition.IsGeneralSeat && general.Contains(s.QueueId))))
            .Select(s => ToDto(s, names, general.Contains(s.QueueId)))
            .OrderBy(q => q.IsGeneral).ThenBy(q => q.SkillName, StringComparer.Ordinal)
            .ToList();
        return new AgentDeskDto(ToDto(definition, agent.Name, status, names, clock.GetUtcNow()), queues);
    }

    private static QueueDto ToDto(QueueSnapshot s, Names names, bool isGeneral) => new(
        s.QueueId.Value, s.PlatformId.Value, names.Platform(s.PlatformId.Value), s.SkillCode, names.Skill(s.SkillCode), isGeneral,
        s.Waiting, s.WaitingCallbacks, s.Ringing, (int)s.LongestWait.TotalSeconds, s.ReadyAgents, s.StaffedAgents, s.AnsweredToday, s.AbandonedToday);

    private RoutedAgentDto ToDto(AgentDefinition definition, string name, AgentStatus status, Names names, DateTimeOffset now)
    {
        var busy = IsBusy(status.State);
        return new RoutedAgentDto(
            definition.AgentId.Value,
            name,
            definition.PlatformId.Value,
            names.Platform(definition.PlatformId.Value),
            [.. definition.Skills.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => new SkillLevelDto(s.Key, names.Skill(s.Key), s.Value))],
            definition.IsGeneralSeat,
            directory.PhoneOf(definition.AgentId),
            directory.MobileOf(definition.AgentId) is not null,
            status.State,
            status.Reason,
            status.Since,
            (int)Math.Max(0, (now - status.Since).TotalSeconds),
            status.Call?.Value,
            busy ? status.Pending ?? AgentState.Ready : null,
            busy ? status.PendingReason : null,
            directory.SeatOf(definition.AgentId));
    }
}
