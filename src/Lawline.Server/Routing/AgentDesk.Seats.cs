using Lawline.Server.Common;
using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Routing;

/// <summary>A seat the agent may sign in at; <paramref name="OccupiedBy"/> names a colleague signed in there now.</summary>
public sealed record SeatChoiceDto(int Id, string Code, string Name, SeatKind Kind, string? Extension, IReadOnlyList<string> Skills, string? OccupiedBy);

public sealed record SeatSessionDto(long Id, int SeatId, string SeatCode, string SeatName, DateTimeOffset SignedInAt, int? RosterEntryId);

/// <summary>
/// Sign-in at the desk: the seat the agent sits at now (<paramref name="Current"/>), their shift from the duty roster
/// (now or later today), the seats of their platform to choose from, and the seat they usually work in.
/// </summary>
public sealed record MySeatDto(SeatSessionDto? Current, DutyRosterEntryDto? Shift, IReadOnlyList<SeatChoiceDto> Seats, int? DefaultSeatId = null);

public sealed record SignInSeatRequest(int SeatId);

/// <summary>
/// An escalation the desktop offers in one click (转专家 / 转12345 / 转110): an agent signed in at an expert seat, or a
/// configured outside number.
/// </summary>
public sealed record EscalationTarget(string Name, TransferKind Kind, string Target);

/// <summary>
/// Seats (签入坐席): the agent signs in at a seat of their platform — the one the roster gives them, or another free one.
/// While signed in, the agent answers the seat's skills (at their own level where they have the skill) and calls ring
/// the seat's phone when the seat has an extension with a phone account; going offline signs them out.
/// </summary>
public sealed partial class AgentDesk
{
    public async Task<MySeatDto> MySeatAsync(CancellationToken cancellationToken)
    {
        var agent = await MyAgentAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var current = await db.SeatSessions.AsNoTracking().Where(s => s.AgentId == agent.Id && s.SignedOutAt == null)
            .OrderByDescending(s => s.SignedInAt)
            .Select(s => new SeatSessionDto(s.Id, s.SeatId, s.Seat!.Code, s.Seat.Name, s.SignedInAt, s.RosterEntryId))
            .FirstOrDefaultAsync(cancellationToken);
        var shift = await new DutyRosterService(db, clock).CurrentShiftOfAsync(agent.Id, now, cancellationToken);
        var occupants = await db.SeatSessions.AsNoTracking().Where(s => s.PlatformId == agent.PlatformId && s.SignedOutAt == null && s.AgentId != agent.Id)
            .Select(s => new { s.SeatId, s.Agent!.Name }).ToListAsync(cancellationToken);
        var seats = await db.Seats.AsNoTracking().Where(s => s.PlatformId == agent.PlatformId && s.IsActive).OrderBy(s => s.Code)
            .Select(s => new { s.Id, s.Code, s.Name, s.Kind, s.Extension, Skills = s.Skills.OrderBy(k => k.SortOrder).Select(k => k.Name).ToList() })
            .ToListAsync(cancellationToken);
        var usual = await db.Agents.AsNoTracking().Where(a => a.Id == agent.Id).Select(a => a.DefaultSeatId).SingleOrDefaultAsync(cancellationToken);
        return new MySeatDto(current, shift,
        [
            .. seats.Select(s => new SeatChoiceDto(s.Id, s.Code, s.Name, s.Kind, s.Extension, s.Skills,
                occupants.FirstOrDefault(o => o.SeatId == s.Id)?.Name)),
        ], usual);
    }

    /// <summary>Signs the agent in at a seat (leaving the one they were at). 409 when a colleague sits there.</summary>
    public async Task<MySeatDto> SignInSeatAsync(SignInSeatRequest request, CancellationToken cancellationToken)
    {
        var agent = await MyAgentAsync(cancellationToken);
        var seat = await db.Seats.AsNoTracking().Where(s => s.Id == request.SeatId)
            .Select(s => new { s.Id, s.Code, s.PlatformId, s.IsActive }).SingleOrDefaultAsync(cancellationToken);
        if (seat is null || seat.PlatformId != agent.PlatformId)
        {
            throw new ValidationFailedException("seatId", "Choose a seat of your platform.");
        }

        if (!seat.IsActive)
        {
            throw new ValidationFailedException("seatId", "The seat is not in use.");
        }

        var now = clock.GetUtcNow();
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            var taken = await db.SeatSessions.AsNoTracking().Where(s => s.SeatId == seat.Id && s.SignedOutAt == null && s.AgentId != agent.Id)
                .Select(s => s.Agent!.Name).FirstOrDefaultAsync(cancellationToken);
            if (taken is not null)
            {
                throw new ConflictException($"Seat {seat.Code} is taken by {taken}. Choose another seat.", "seatId");
            }

            await CloseSeatSessionsAsync(agent.Id, now, cancellationToken);
            var shift = await new DutyRosterService(db, clock).CurrentShiftOfAsync(agent.Id, now, cancellationToken);
            db.SeatSessions.Add(new SeatSession
            {
                PlatformId = agent.PlatformId, SeatId = seat.Id, AgentId = agent.Id, SignedInAt = now,
                RosterEntryId = shift is { } s && s.SeatId == seat.Id ? s.Id : null,
            });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        router.Configure(await directory.RefreshAsync(cancellationToken));
        return await MySeatAsync(cancellationToken);
    }

    /// <summary>Leaves the seat (the agent goes on without one: their own skills and phone).</summary>
    public async Task<MySeatDto> SignOutSeatAsync(CancellationToken cancellationToken)
    {
        var agent = await MyAgentAsync(cancellationToken);
        await LeaveSeatAsync(agent.Id, cancellationToken);
        return await MySeatAsync(cancellationToken);
    }

    /// <summary>Seats rostered now and seats signed in, per platform the supervisor sees.</summary>
    public Task<List<SeatCoverage>> SeatCoverageAsync(CancellationToken cancellationToken)
        => new DutyRosterService(db, clock).CoverageAsync(clock.GetUtcNow(), cancellationToken);

    /// <summary>One-click escalations for the signed-in agent's calls: colleagues at expert seats now, then the configured numbers.</summary>
    public async Task<List<EscalationTarget>> EscalationsAsync(IReadOnlyDictionary<string, string> numbers, CancellationToken cancellationToken)
    {
        var agent = await MyAgentAsync(cancellationToken);
        var experts = await db.SeatSessions.AsNoTracking()
            .Where(s => s.SignedOutAt == null && s.Seat!.Kind == SeatKind.Expert && s.AgentId != agent.Id)
            .OrderBy(s => s.Seat!.Code)
            .Select(s => new { s.AgentId, s.Agent!.Name })
            .ToListAsync(cancellationToken);
        return
        [
            .. experts.Select(e => new EscalationTarget(e.Name, TransferKind.Agent, e.AgentId.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            .. numbers.Select(n => new EscalationTarget(n.Key, TransferKind.Number, n.Value)),
        ];
    }

    /// <summary>Logged out, the agent leaves their seat for the next shift.</summary>
    private async Task LeaveSeatAsync(int agentId, CancellationToken cancellationToken)
    {
        if (await CloseSeatSessionsAsync(agentId, clock.GetUtcNow(), cancellationToken) > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            router.Configure(await directory.RefreshAsync(cancellationToken));
        }
    }

    /// <summary>Marks the agent's open seat sessions signed out (saved by the caller); the count closed.</summary>
    private async Task<int> CloseSeatSessionsAsync(int agentId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var open = await db.SeatSessions.AsTracking().Where(s => s.AgentId == agentId && s.SignedOutAt == null).ToListAsync(cancellationToken);
        foreach (var session in open)
        {
            session.SignedOutAt = now;
        }

        return open.Count;
    }
}
