using Lawline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Routing.Ivr;

public sealed record IvrFlowVersionDto(int PlatformId, int Version, string Json, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? PublishedAt);

/// <summary>Where flow versions live. The EF store is the real one; tests use an in-memory one.</summary>
public interface IIvrFlowStore
{
    Task<IReadOnlyList<IvrFlowVersionDto>> ListAsync(int platformId, CancellationToken cancellationToken);

    /// <summary>The most recently published version, or null.</summary>
    Task<IvrFlowVersionDto?> GetPublishedAsync(int platformId, CancellationToken cancellationToken);

    /// <summary>Adds the next version number for the platform.</summary>
    Task<IvrFlowVersionDto> AddAsync(int platformId, string json, DateTimeOffset at, string createdBy, CancellationToken cancellationToken);

    /// <summary>Marks a version published; null when the version does not exist.</summary>
    Task<IvrFlowVersionDto?> PublishAsync(int platformId, int version, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>
/// Stores versions in the <see cref="AppDbContext"/>. It uses <c>db.Set&lt;IvrFlowVersion&gt;()</c>, which works once
/// <see cref="IvrFlowVersionConfiguration"/> is part of the model (it is picked up by ApplyConfigurationsFromAssembly).
/// </summary>
internal sealed class EfIvrFlowStore(AppDbContext db) : IIvrFlowStore
{
    private DbSet<IvrFlowVersion> Versions => db.Set<IvrFlowVersion>();

    public async Task<IReadOnlyList<IvrFlowVersionDto>> ListAsync(int platformId, CancellationToken cancellationToken)
        => await Versions.AsNoTracking().Where(v => v.PlatformId == platformId).OrderByDescending(v => v.Version)
            .Select(v => new IvrFlowVersionDto(v.PlatformId, v.Version, v.Json, v.CreatedAt, v.CreatedBy, v.PublishedAt))
            .ToListAsync(cancellationToken);

    public async Task<IvrFlowVersionDto?> GetPublishedAsync(int platformId, CancellationToken cancellationToken)
    {
        // Ordered in memory: SQLite cannot order by DateTimeOffset columns stored by converters on every provider alike,
        // and a platform has few published versions.
        var published = await Versions.AsNoTracking().Where(v => v.PlatformId == platformId && v.PublishedAt != null).ToListAsync(cancellationToken);
        return published.OrderByDescending(v => v.PublishedAt).ThenByDescending(v => v.Version).Select(ToDto).FirstOrDefault();
    }

    public async Task<IvrFlowVersionDto> AddAsync(int platformId, string json, DateTimeOffset at, string createdBy, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var last = await Versions.Where(v => v.PlatformId == platformId).MaxAsync(v => (int?)v.Version, cancellationToken) ?? 0;
        var version = IvrFlowVersion.Create(platformId, last + 1, json, at, createdBy);
        Versions.Add(version);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ToDto(version);
    }

    public async Task<IvrFlowVersionDto?> PublishAsync(int platformId, int version, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var row = await Versions.AsTracking().SingleOrDefaultAsync(v => v.PlatformId == platformId && v.Version == version, cancellationToken);
        if (row is null)
        {
            return null;
        }
        row.Publish(at);
        await db.SaveChangesAsync(cancellationToken);
        return ToDto(row);
    }

    private static IvrFlowVersionDto ToDto(IvrFlowVersion v) => new(v.PlatformId, v.Version, v.Json, v.CreatedAt, v.CreatedBy, v.PublishedAt);
}
