using System.ComponentModel.DataAnnotations;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Platforms;

public sealed record DutyRosterEntryDto(
    int Id, int PlatformId, int SeatId, string SeatCode, string SeatName, int AgentId, string AgentName,
    DateOnly Date, TimeOnly Start, TimeOnly End, string? Note);

/// <summary>A shift to add: times in Beijing; an end not after the start runs past midnight.</summary>
public sealed record SaveDutyRosterEntryRequest(int SeatId, int AgentId, DateOnly Date, TimeOnly Start, TimeOnly End, [property: MaxLength(200)] string? Note = null);

/// <summary>Copies every shift of the week starting <paramref name="FromWeek"/> to the week starting <paramref name="ToWeek"/> (Mondays).</summary>
public sealed record CopyRosterWeekRequest(int PlatformId, DateOnly FromWeek, DateOnly ToWeek);

public sealed record CopyRosterWeekResult(int Copied, int Skipped);

/// <summary>A platform's seats now: how many the roster has on duty and how many agents sit at a seat.</summary>
public sealed record SeatCoverage(int PlatformId, int Rostered, int SignedIn);

/// <summary>
/// The duty roster (排班): managers plan who is on duty in which seat; the desktop offers the rostered seat at sign-in,
/// and the wallboard compares seats signed in with seats rostered. A seat holds one shift at a time and an agent works
/// one seat at a time: overlapping shifts are refused with the one they clash with.
/// </summary>
public sealed class DutyRosterService(AppDbContext db, TimeProvider clock)
{
    public const int MaxDays = 62;

    public async Task<List<DutyRosterEntryDto>> ListAsync(int? platformId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        if (to < from || to.DayNumber - from.DayNumber > MaxDays)
        {
            throw new ValidationFailedException("to", $"Choose a period of at most {MaxDays} days, ending after it starts.");
        }

        return await db.DutyRoster.AsNoTracking()
            .Where(e => (platformId == null || e.PlatformId == platformId) && e.Date >= from && e.Date <= to)
            .OrderBy(e => e.Date).ThenBy(e => e.Start).ThenBy(e => e.Seat!.Code)
            .Select(e => new DutyRosterEntryDto(e.Id, e.PlatformId, e.SeatId, e.Seat!.Code, e.Seat.Name, e.AgentId, e.Agent!.Name,
                e.Date, e.Start, e.End, e.Note))
            .ToListAsync(cancellationToken);
    }

    public async Task<DutyRosterEntryDto> AddAsync(SaveDutyRosterEntryRequest request, CancellationToken cancellationToken)
    {
        var seat = await db.Seats.AsNoTracking().Where(s => s.Id == request.SeatId).Select(s => new { s.Id, s.PlatformId, s.IsActive })
            .SingleOrDefaultAsync(cancellationToken) ?? throw new ValidationFailedException("seatId", "The seat does not exist or is outside your scope.");
        if (!seat.IsActive)
        {
            throw new ValidationFailedException("seatId", "The seat is not in use.");
        }

        var agent = await db.Agents.AsNoTracking().Where(a => a.Id == request.AgentId).Select(a => new { a.Id, a.PlatformId, a.Name })
            .SingleOrDefaultAsync(cancellationToken) ?? throw new ValidationFailedException("agentId", "The agent does not exist or is outside your scope.");
        if (agent.PlatformId != seat.PlatformId)
        {
            throw new ValidationFailedException("agentId", "The agent belongs to another platform than the seat.");
        }

        if (request.Start == request.End)
        {
            throw new ValidationFailedException("end", "A shift needs an end different from its start.");
        }

        var entry = new DutyRosterEntry
        {
            PlatformId = seat.PlatformId, SeatId = seat.Id, AgentId = agent.Id, Date = request.Date, Start = request.Start, End = request.End,
            Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(), CreatedAt = clock.GetUtcNow(),
        };
        if (await ClashAsync(entry, cancellationToken) is { } clash)
        {
            throw new ConflictException(clash, clash.StartsWith("The seat", StringComparison.Ordinal) ? "seatId" : "agentId");
        }

        db.DutyRoster.Add(entry);
        db.AuditEvent(AuditAction.Create, "DutyRoster", null, entry.PlatformId, $"{agent.Name} {entry.Date:yyyy-MM-dd} {entry.Start:HH\\:mm}-{entry.End:HH\\:mm} seat {seat.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return (await ListAsync(entry.PlatformId, entry.Date, entry.Date, cancellationToken)).Single(e => e.Id == entry.Id);
    }

    public async Task DeleteAsync(int id, CancellationToken cancellationToken)
    {
        var entry = await db.DutyRoster.AsTracking().SingleOrDefaultAsync(e => e.Id == id, cancellationToken) ?? throw new NotFoundException("DutyRosterEntry", id);
        db.DutyRoster.Remove(entry);
        db.AuditEvent(AuditAction.Delete, "DutyRoster", id, entry.PlatformId, $"{entry.Date:yyyy-MM-dd} {entry.Start:HH\\:mm}-{entry.End:HH\\:mm} agent {entry.AgentId} seat {entry.SeatId}");
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Plans next week like this one: each shift moves by whole weeks; shifts that would clash are skipped and counted.</summary>
    public async Task<CopyRosterWeekResult> CopyWeekAsync(CopyRosterWeekRequest request, CancellationToken cancellationToken)
    {
        if (request.FromWeek.DayOfWeek != DayOfWeek.Monday || request.ToWeek.DayOfWeek != DayOfWeek.Monday || request.FromWeek == request.ToWeek)
        {
            throw new ValidationFailedException("toWeek", "Weeks start on a Monday, and the two weeks must differ.");
        }

        var shift = request.ToWeek.DayNumber - request.FromWeek.DayNumber;
        var source = await db.DutyRoster.AsNoTracking()
            .Where(e => e.PlatformId == request.PlatformId && e.Date >= request.FromWeek && e.Date < request.FromWeek.AddDays(7))
            .ToListAsync(cancellationToken);
        var copied = 0;
        var skipped = 0;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        foreach (var original in source)
        {
            var copy = new DutyRosterEntry
            {
                PlatformId = original.PlatformId, SeatId = original.SeatId, AgentId = original.AgentId, Date = original.Date.AddDays(shift),
                Start = original.Start, End = original.End, Note = original.Note, CreatedAt = clock.GetUtcNow(),
            };
            if (await ClashAsync(copy, cancellationToken) is not null)
            {
                skipped++;
                continue;
            }

            db.DutyRoster.Add(copy);
            await db.SaveChangesAsync(cancellationToken);
            copied++;
        }

        db.AuditEvent(AuditAction.Create, "DutyRoster", null, request.PlatformId, $"copied week {request.FromWeek:yyyy-MM-dd} to {request.ToWeek:yyyy-MM-dd}: {copied} shifts, {skipped} skipped");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CopyRosterWeekResult(copied, skipped);
    }

    /// <summary>The shift of this agent that covers <paramref name="now"/>, else their next one today.</summary>
    public async Task<DutyRosterEntryDto?> CurrentShiftOfAsync(int agentId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = DutyTimes.Today(now);
        var shifts = await db.DutyRoster.AsNoTracking()
            .Where(e => e.AgentId == agentId && e.Date >= today.AddDays(-1) && e.Date <= today)
            .Select(e => new DutyRosterEntryDto(e.Id, e.PlatformId, e.SeatId, e.Seat!.Code, e.Seat.Name, e.AgentId, e.Agent!.Name, e.Date, e.Start, e.End, e.Note))
            .ToListAsync(cancellationToken);
        var timed = shifts.Select(s => (Shift: s, Interval: DutyTimes.Interval(s.Date, s.Start, s.End))).ToList();
        return timed.Where(t => t.Interval.From <= now && now < t.Interval.To).Select(t => t.Shift).FirstOrDefault()
            ?? timed.Where(t => t.Interval.From > now && t.Shift.Date == today).OrderBy(t => t.Interval.From).Select(t => t.Shift).FirstOrDefault();
    }

    /// <summary>Per platform: seats with a shift now, and agents signed in at a seat.</summary>
    public async Task<List<SeatCoverage>> CoverageAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = DutyTimes.Today(now);
        var shifts = await db.DutyRoster.AsNoTracking().Where(e => e.Date >= today.AddDays(-1) && e.Date <= today)
            .Select(e => new { e.PlatformId, e.SeatId, e.Date, e.Start, e.End }).ToListAsync(cancellationToken);
        var rostered = shifts.Where(s => DutyTimes.Interval(s.Date, s.Start, s.End) is var i && i.From <= now && now < i.To)
            .GroupBy(s => s.PlatformId).ToDictionary(g => g.Key, g => g.Select(s => s.SeatId).Distinct().Count());
        var signedIn = await db.SeatSessions.AsNoTracking().Where(s => s.SignedOutAt == null)
            .GroupBy(s => s.PlatformId).Select(g => new { PlatformId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.PlatformId, g => g.Count, cancellationToken);
        return [.. rostered.Keys.Union(signedIn.Keys).Select(id => new SeatCoverage(id, rostered.GetValueOrDefault(id), signedIn.GetValueOrDefault(id)))];
    }

    private async Task<string?> ClashAsync(DutyRosterEntry entry, CancellationToken cancellationToken)
    {
        var (from, to) = entry.Interval();
        var near = await db.DutyRoster.AsNoTracking()
            .Where(e => (e.SeatId == entry.SeatId || e.AgentId == entry.AgentId) && e.Date >= entry.Date.AddDays(-1) && e.Date <= entry.Date.AddDays(1))
            .Select(e => new { e.SeatId, e.AgentId, e.Date, e.Start, e.End, Seat = e.Seat!.Code, Agent = e.Agent!.Name })
            .ToListAsync(cancellationToken);
        foreach (var other in near)
        {
            var (otherFrom, otherTo) = DutyTimes.Interval(other.Date, other.Start, other.End);
            if (otherFrom < to && from < otherTo)
            {
                var when = $"{other.Date:yyyy-MM-dd} {other.Start:HH\\:mm}-{other.End:HH\\:mm}";
                return other.SeatId == entry.SeatId
                    ? $"The seat {other.Seat} already has {other.Agent} on duty {when}."
                    : $"{other.Agent} is already on duty at seat {other.Seat} {when}.";
            }
        }

        return null;
    }
}

public static class DutyRosterApi
{
    public static IEndpointRouteBuilder MapDutyRoster(this IEndpointRouteBuilder app)
    {
        var roster = app.MapGroup("/api/roster").WithTags("Duty roster");
        roster.MapGet("/", async (int? platformId, DateOnly from, DateOnly to, DutyRosterService service, CancellationToken ct)
            => TypedResults.Ok(await service.ListAsync(platformId, from, to, ct)))
            .WithSummary("Shifts of the platforms the caller sees between two days (Beijing)");
        roster.MapPost("/", async Task<Created<DutyRosterEntryDto>> (SaveDutyRosterEntryRequest request, DutyRosterService service, CancellationToken ct) =>
        {
            var entry = await service.AddAsync(request, ct);
            return TypedResults.Created($"/api/roster/{entry.Id}", entry);
        }).RequireAuthorization(LawlineRoles.ManagePeoplePolicy).WithSummary("Add a shift; 409 when the seat or the agent is already on duty then");
        roster.MapDelete("/{id:int}", async (int id, DutyRosterService service, CancellationToken ct) =>
        {
            await service.DeleteAsync(id, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(LawlineRoles.ManagePeoplePolicy);
        roster.MapPost("/copy-week", async (CopyRosterWeekRequest request, DutyRosterService service, CancellationToken ct)
            => TypedResults.Ok(await service.CopyWeekAsync(request, ct)))
            .RequireAuthorization(LawlineRoles.ManagePeoplePolicy).WithSummary("Copy a week's shifts to another week, skipping clashes");
        return app;
    }
}
