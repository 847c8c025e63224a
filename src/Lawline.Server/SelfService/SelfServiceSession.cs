using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.SelfService;

/// <summary>
/// One visit to the self-service page (智能服务) that searched: counted for the "intelligent service" figures, with how
/// many questions were asked and whether the citizen asked for a lawyer's callback in the end.
/// </summary>
public sealed class SelfServiceSession : Platforms.IPlatformOwned, Data.INotAudited
{
    public long Id { get; private set; }
    public int PlatformId { get; private set; }
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset LastActivityAt { get; private set; }
    public int Queries { get; private set; }
    public bool AskedForHuman { get; private set; }

    /// <summary>The work order of the callback request, when there was one.</summary>
    public int? WorkOrderId { get; private set; }

    public static SelfServiceSession Start(int platformId, DateTimeOffset now)
        => new() { PlatformId = platformId, StartedAt = now, LastActivityAt = now };

    public void Searched(DateTimeOffset now)
    {
        Queries++;
        LastActivityAt = now;
    }

    public void AskedForCallback(int workOrderId, DateTimeOffset now)
    {
        AskedForHuman = true;
        WorkOrderId = workOrderId;
        LastActivityAt = now;
    }
}

internal sealed class SelfServiceSessionConfiguration : IEntityTypeConfiguration<SelfServiceSession>
{
    public void Configure(EntityTypeBuilder<SelfServiceSession> builder)
    {
        builder.HasOne<Platforms.Platform>().WithMany().HasForeignKey(s => s.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<WorkOrders.WorkOrder>().WithMany().HasForeignKey(s => s.WorkOrderId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(s => new { s.PlatformId, s.StartedAt });
    }
}
