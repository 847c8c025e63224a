using Lawline.Server.Agents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Platforms;

/// <summary>
/// One duty shift (排班): who is on duty in which seat on a day, from <see cref="Start"/> to <see cref="End"/> in Beijing
/// time. A shift whose end is not after its start runs past midnight (a night shift of a 7×24 platform).
/// </summary>
public sealed class DutyRosterEntry : IPlatformOwned
{
    public int Id { get; set; }
    public int PlatformId { get; set; }
    public int SeatId { get; set; }
    public Seat? Seat { get; set; }
    public int AgentId { get; set; }
    public Agent? Agent { get; set; }

    /// <summary>The day the shift starts (Beijing).</summary>
    public DateOnly Date { get; set; }
    public TimeOnly Start { get; set; }
    public TimeOnly End { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The shift as instants.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Interval() => DutyTimes.Interval(Date, Start, End);
}

/// <summary>
/// An agent signed in at a seat (签入坐席), from the desktop, until they sign out, go offline or take another seat.
/// Attendance is these sessions against the roster.
/// </summary>
public sealed class SeatSession : IPlatformOwned
{
    public long Id { get; set; }
    public int PlatformId { get; set; }
    public int SeatId { get; set; }
    public Seat? Seat { get; set; }
    public int AgentId { get; set; }
    public Agent? Agent { get; set; }
    public DateTimeOffset SignedInAt { get; set; }
    public DateTimeOffset? SignedOutAt { get; set; }

    /// <summary>The roster shift this session works, when the agent was rostered in this seat at sign-in.</summary>
    public int? RosterEntryId { get; set; }
}

/// <summary>Shift times are Beijing wall-clock times; the platform's day starts at Beijing midnight.</summary>
public static class DutyTimes
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static (DateTimeOffset From, DateTimeOffset To) Interval(DateOnly date, TimeOnly start, TimeOnly end)
    {
        var from = new DateTimeOffset(date.ToDateTime(start), Offset);
        var to = new DateTimeOffset(date.ToDateTime(end), Offset);
        if (to <= from)
        {
            to = to.AddDays(1);
        }

        return (from.ToUniversalTime(), to.ToUniversalTime());
    }

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(Offset).DateTime);
}

internal sealed class DutyRosterEntryConfiguration : IEntityTypeConfiguration<DutyRosterEntry>
{
    public void Configure(EntityTypeBuilder<DutyRosterEntry> builder)
    {
        builder.Property(e => e.Note).HasMaxLength(200);
        builder.HasIndex(e => new { e.PlatformId, e.Date });
        builder.HasIndex(e => new { e.AgentId, e.Date });
        builder.HasOne(e => e.Seat).WithMany().HasForeignKey(e => e.SeatId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(e => e.Agent).WithMany().HasForeignKey(e => e.AgentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Platform>().WithMany().HasForeignKey(e => e.PlatformId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SeatSessionConfiguration : IEntityTypeConfiguration<SeatSession>
{
    public void Configure(EntityTypeBuilder<SeatSession> builder)
    {
        builder.HasIndex(s => new { s.SeatId, s.SignedOutAt });
        builder.HasIndex(s => new { s.AgentId, s.SignedOutAt });
        builder.HasIndex(s => new { s.PlatformId, s.SignedInAt });
        builder.HasOne(s => s.Seat).WithMany().HasForeignKey(s => s.SeatId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(s => s.Agent).WithMany().HasForeignKey(s => s.AgentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Platform>().WithMany().HasForeignKey(s => s.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<DutyRosterEntry>().WithMany().HasForeignKey(s => s.RosterEntryId).OnDelete(DeleteBehavior.SetNull);
    }
}
