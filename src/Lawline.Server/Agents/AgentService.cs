using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Agents;

public sealed record AgentSkillDto(int SkillId, string SkillName, int Level);

/// <summary>An agent as lists and forms show it: the mobile is masked (see <see cref="AgentService.GetContactAsync"/>).</summary>
public sealed record AgentDto(int Id, int PlatformId, string PlatformName, AgentKind Kind, string Name, string? MobileMasked,
    string? LicenseNumber, int? LawFirmId, string? LawFirmName, IReadOnlyList<AgentSkillDto> Skills, string? Expertise,
    int? DefaultSeatId, string? DefaultSeatName, DateOnly AdmittedOn, AgentStatus Status, string? StatusReason,
    DateOnly? StatusChangedOn, bool IsDemo, bool RemoteSeat = false);

public sealed record AgentContactDto(int Id, string Name, string? Mobile);

public sealed record AgentSkillRequest(int SkillId, [property: Range(1, 3)] int Level = 2);

public sealed record SaveAgentRequest(
    int PlatformId,
    [property: EnumDataType(typeof(AgentKind))] AgentKind Kind,
    [property: Required, MaxLength(64)] string Name,
    [property: MaxLength(20)] string? Mobile,
    [property: RegularExpression("^[0-9]{17}$", ErrorMessage = "A lawyer's licence number has 17 digits.")] string? LicenseNumber,
    int? LawFirmId,
    IReadOnlyList<AgentSkillRequest>? Skills,
    [property: MaxLength(500)] string? Expertise,
    int? DefaultSeatId,
    DateOnly AdmittedOn,
    /// <summary>On an update, leave the stored mobile as it is (the editor never saw the full number).</summary>
    bool KeepMobile = false,
    /// <summary>远程坐席: calls go to the mobile through the outbound trunk instead of a registered phone.</summary>
    bool RemoteSeat = false);

public sealed record AgentStatusRequest([property: Required, MaxLength(500)] string Reason);

public sealed record AgentQuery(int? PlatformId, AgentStatus? Status, int? SkillId, int? LawFirmId, string? Search);

/// <summary>The pool of duty lawyers, clerks, judges and experts of the platforms the caller sees.</summary>
public sealed class AgentService(AppDbContext db, TimeProvider clock)
{
    public async Task<List<AgentDto>> ListAsync(AgentQuery query, CancellationToken cancellationToken)
    {
        var agents = db.Agents.AsNoTracking();
        if (query.PlatformId is { } platformId)
        {
            agents = agents.Where(a => a.PlatformId == platformId);
        }
        if (query.Status is { } status)
        {
            agents = agents.Where(a => a.Status == status);
        }
        if (query.SkillId is { } skillId)
        {
            agents = agents.Where(a => a.Skills.Any(s => s.SkillId == skillId));
        }
        if (query.LawFirmId is { } lawFirmId)
        {
            agents = agents.Where(a => a.LawFirmId == lawFirmId);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim();
            agents = agents.Where(a => a.Name.Contains(term) || (a.LicenseNumber != null && a.LicenseNumber.Contains(term))
                || (a.LawFirm != null && a.LawFirm.Name.Contains(term)));
        }
        var rows = await Project(agents.OrderBy(a => a.PlatformId).ThenBy(a => a.Name)).ToListAsync(cancellationToken);
        return [.. rows.Select(Mask)];
    }

    public async Task<AgentDto> GetAsync(int id, CancellationToken cancellationToken)
    {
        var agent = await Project(db.Agents.AsNoTracking().Where(a => a.Id == id)).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("Agent", id);
        return Mask(agent);
    }

    /// <summary>The agent record the signed-in user's account is linked to (AppUser.AgentId), if there is one they can see.</summary>
    public async Task<AgentDto?> FindForCurrentUserAsync(CancellationToken cancellationToken)
    {
        if (db.CurrentUser.UserId is not { } userId)
        {
            return null;
        }
        var agentId = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.AgentId).SingleOrDefaultAsync(cancellationToken);
        if (agentId is null)
        {
            return null;
        }
        var agent = await Project(db.Agents.AsNoTracking().Where(a => a.Id == agentId)).SingleOrDefaultAsync(cancellationToken);
        return agent is null ? null : Mask(agent);
    }

    /// <summary>The agent's full mobile number, for people who must phone them. Every call is audited.</summary>
    public async Task<AgentContactDto> GetContactAsync(int id, CancellationToken cancellationToken)
    {
        var agent = await db.Agents.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new { a.Id, a.Name, a.MobileE164, a.PlatformId })
            .SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("Agent", id);
        db.AuditRead(nameof(Agent), agent.Id, agent.PlatformId, "mobile number");
        await db.SaveChangesAsync(cancellationToken);
        return new AgentContactDto(agent.Id, agent.Name, agent.MobileE164 is null ? null : PhoneNumberFormatter.Display(agent.MobileE164));
    }

    public async Task<AgentDto> SaveAsync(int? id, SaveAgentRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!await db.Platforms.AnyAsync(p => p.Id == request.PlatformId, cancellationToken))
        {
            errors["platformId"] = ["The platform does not exist or is outside your scope."];
        }
        if (request.LawFirmId is { } firmId && !await db.LawFirms.AnyAsync(f => f.Id == firmId, cancellationToken))
        {
            errors["lawFirmId"] = ["The law firm does not exist or is outside your scope."];
        }
        if (request.Kind == AgentKind.DutyLawyer && request.LawFirmId is null)
        {
            errors["lawFirmId"] = ["A duty lawyer belongs to a law firm."];
        }
        if (request.Kind == AgentKind.DutyLawyer && string.IsNullOrWhiteSpace(request.LicenseNumber))
        {
            errors["licenseNumber"] = ["A duty lawyer needs a practising licence number."];
        }
        if (request.DefaultSeatId is { } seatId && !await db.Seats.AnyAsync(s => s.Id == seatId && s.PlatformId == request.PlatformId, cancellationToken))
        {
            errors["defaultSeatId"] = ["The seat does not exist on this platform."];
        }
        if (!string.IsNullOrWhiteSpace(request.LicenseNumber)
            && await db.Agents.IgnoreQueryFilters().AnyAsync(a => a.Id != id && a.LicenseNumber == request.LicenseNumber, cancellationToken))
        {
            errors["licenseNumber"] = ["Another agent already has this licence number."];
        }
        var skillIds = request.Skills?.Select(s => s.SkillId).ToList() ?? [];
        if (await db.Skills.CountAsync(s => skillIds.Contains(s.Id), cancellationToken) != skillIds.Distinct().Count())
        {
            errors["skills"] = ["One or more skills do not exist."];
        }
        string? mobile = null;
        if (!string.IsNullOrWhiteSpace(request.Mobile) && !(request.KeepMobile && id is not null))
        {
            if (PhoneNumberFormatter.TryNormalize(request.Mobile, out var number))
            {
                mobile = number!.E164;
            }
            else
            {
                errors["mobile"] = [$"'{request.Mobile}' is not a valid phone number."];
            }
        }
        if (request.RemoteSeat && mobile is null && !(request.KeepMobile && id is not null))
        {
            errors["remoteSeat"] = ["A remote seat takes calls on the lawyer's mobile: enter the mobile number."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var agent = id is null
            ? db.Agents.Add(new Agent()).Entity
            : await db.Agents.AsTracking().Include(a => a.Skills).SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
                ?? throw new NotFoundException("Agent", id);
        agent.PlatformId = request.PlatformId;
        agent.Kind = request.Kind;
        agent.Name = request.Name.Trim();
        if (!(request.KeepMobile && id is not null) && (mobile is not null || string.IsNullOrWhiteSpace(request.Mobile)))
        {
            agent.MobileE164 = mobile;
        }
        agent.RemoteSeat = request.RemoteSeat;
        agent.LicenseNumber = string.IsNullOrWhiteSpace(request.LicenseNumber) ? null : request.LicenseNumber.Trim();
        agent.LawFirmId = request.LawFirmId;
        agent.Expertise = request.Expertise?.Trim();
        agent.DefaultSeatId = request.DefaultSeatId;
        agent.AdmittedOn = request.AdmittedOn == default ? Today() : request.AdmittedOn;
        agent.SetSkills(request.Skills?.Select(s => (s.SkillId, s.Level)) ?? []);
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(agent.Id, cancellationToken);
    }

    public Task<AgentDto> SuspendAsync(int id, string reason, CancellationToken cancellationToken)
        => ChangeAsync(id, a => a.Suspend(reason, Today()), cancellationToken);

    public Task<AgentDto> ReinstateAsync(int id, CancellationToken cancellationToken)
        => ChangeAsync(id, a => a.Reinstate(Today()), cancellationToken);

    public Task<AgentDto> ExitAsync(int id, string reason, CancellationToken cancellationToken)
        => ChangeAsync(id, a => a.Exit(reason, Today()), cancellationToken);

    private async Task<AgentDto> ChangeAsync(int id, Action<Agent> change, CancellationToken cancellationToken)
    {
        var agent = await db.Agents.AsTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
            ?? throw new NotFoundException("Agent", id);
        change(agent);
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

    private static AgentDto Mask(AgentDto agent) => agent with
    {
        MobileMasked = agent.MobileMasked is null ? null : PhoneNumberFormatter.Mask(agent.MobileMasked),
    };

    // MobileMasked carries the E.164 value out of the query and is masked before it leaves this class.
    private static IQueryable<AgentDto> Project(IQueryable<Agent> agents) => agents.Select(a => new AgentDto(
        a.Id, a.PlatformId, a.Platform!.Name, a.Kind, a.Name, a.MobileE164, a.LicenseNumber, a.LawFirmId,
        a.LawFirm != null ? a.LawFirm.Name : null,
        a.Skills.OrderByDescending(s => s.Level).Select(s => new AgentSkillDto(s.SkillId, s.Skill!.Name, s.Level)).ToList(),
        a.Expertise, a.DefaultSeatId, a.DefaultSeat != null ? a.DefaultSeat.Name : null, a.AdmittedOn, a.Status,
        a.StatusReason, a.StatusChangedOn, a.IsDemo, a.RemoteSeat));
}
