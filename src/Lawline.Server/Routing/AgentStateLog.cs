using Lawline.Server.Agents;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Routing;

/// <summary>
/// One change of an agent's routing state (ready, ringing, talking, wrap-up, not-ready with a reason, offline), as
/// the router made it. Attendance (time logged in), occupancy and not-ready time are computed from these rows: a
/// state lasts from its row's <see cref="At"/> to the agent's next row.
/// </summary>
public sealed class AgentStateLog : IPlatformOwned, INotAudited
{
    public long Id { get; set; }

    public int PlatformId { get; set; }

    public int AgentId { get; set; }

    public AgentState From { get; set; }

    public AgentState To { get; set; }

    /// <summary>Set when <see cref="To"/> is not-ready: break, training, meeting, missed call, other.</summary>
    public NotReadyReason? Reason { get; set; }

    /// <summary>The router's call id (the caller's leg) when the change concerns a call.</summary>
    public string? CallId { get; set; }

    public DateTimeOffset At { get; set; }
}

internal sealed class AgentStateLogConfiguration : IEntityTypeConfiguration<AgentStateLog>
{
    public void Configure(EntityTypeBuilder<AgentStateLog> builder)
    {
        builder.Property(l => l.From).HasConversion<string>().HasMaxLength(16);
        builder.Property(l => l.To).HasConversion<string>().HasMaxLength(16);
        builder.Property(l => l.Reason).HasConversion<string>().HasMaxLength(16);
        builder.Property(l => l.CallId).HasMaxLength(40);
        builder.HasIndex(l => new { l.AgentId, l.At });
        builder.HasIndex(l => new { l.PlatformId, l.At });
        builder.HasOne<Platform>().WithMany().HasForeignKey(l => l.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Agent>().WithMany().HasForeignKey(l => l.AgentId).OnDelete(DeleteBehavior.Restrict);
    }
}
