using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Routing.Ivr;

/// <summary>
/// One saved version of a platform's IVR flow. Versions are never changed except to be published; the most
/// recently published one is what calls run. Not copied into the audit log (the versions are their own history).
/// </summary>
public sealed class IvrFlowVersion : IPlatformOwned, INotAudited
{
    public int Id { get; private set; }
    public int PlatformId { get; private set; }
    public int Version { get; private set; }
    public string Json { get; private set; } = string.Empty;
    public DateTimeOffset CreatedAt { get; private set; }
    public string CreatedBy { get; private set; } = string.Empty;
    public DateTimeOffset? PublishedAt { get; private set; }

    private IvrFlowVersion()
    {
    }

    public static IvrFlowVersion Create(int platformId, int version, string json, DateTimeOffset at, string by)
        => new() { PlatformId = platformId, Version = version, Json = json, CreatedAt = at, CreatedBy = by };

    public void Publish(DateTimeOffset at) => PublishedAt = at;
}

/// <summary>
/// The table of flow versions. It has no parameterless constructor on purpose: ApplyConfigurationsFromAssembly
/// skips it, so the model (and its migrations) stay unchanged until the integrator calls <see cref="ApplyTo"/>
/// in AppDbContext.OnModelCreating and adds the migration in the same change.
/// </summary>
internal sealed class IvrFlowVersionConfiguration : IEntityTypeConfiguration<IvrFlowVersion>
{
    public const int MaxJsonLength = 256 * 1024;

    private readonly int maxJsonLength;

    private IvrFlowVersionConfiguration(int maxJsonLength) => this.maxJsonLength = maxJsonLength;

    public static void ApplyTo(ModelBuilder builder) => builder.ApplyConfiguration(new IvrFlowVersionConfiguration(MaxJsonLength));

    public void Configure(EntityTypeBuilder<IvrFlowVersion> builder)
    {
        builder.ToTable("IvrFlowVersions");
        builder.HasIndex(v => new { v.PlatformId, v.Version }).IsUnique();
        builder.Property(v => v.Json).HasMaxLength(maxJsonLength).IsRequired();
        builder.Property(v => v.CreatedBy).HasMaxLength(256).IsRequired();
        builder.HasOne<Platform>().WithMany().HasForeignKey(v => v.PlatformId).OnDelete(DeleteBehavior.Cascade);
    }
}
