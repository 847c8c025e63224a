using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Routing.Ivr;

/// <summary>What the IVR needs of a platform.</summary>
public sealed record IvrPlatform(int Id, string Code, string Name, PlatformKind Kind, OfficeHours OfficeHours, string TimeZone);

/// <summary>Finds a platform the current user may see; <see cref="NotFoundException"/> otherwise (scoping through the query filter).</summary>
public interface IIvrPlatforms
{
    Task<IvrPlatform> GetAsync(int platformId, CancellationToken cancellationToken);
}

internal sealed class DbIvrPlatforms(AppDbContext db) : IIvrPlatforms
{
    public async Task<IvrPlatform> GetAsync(int platformId, CancellationToken cancellationToken)
        => await db.Platforms.AsNoTracking().Where(p => p.Id == platformId)
            .Select(p => new IvrPlatform(p.Id, p.Code, p.Name, p.Kind, p.OfficeHours, p.TimeZone))
            .SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("Platform", platformId);
}

/// <summary>A platform's flow as the editor and the API see it: the latest draft, what is published, and whether it is the built-in default.</summary>
public sealed record IvrFlowDocument(
    int PlatformId,
    string PlatformCode,
    int? Version,
    int? PublishedVersion,
    bool IsDefault,
    string Json,
    IReadOnlyList<IvrFlowVersionSummary> Versions);

public sealed record IvrFlowVersionSummary(int Version, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? PublishedAt);

public sealed record SaveIvrFlowRequest(string Json);

/// <summary>Saving, publishing and loading flows; every save is validated, and calls run the published version or the default.</summary>
public sealed class IvrFlowService(IIvrFlowStore store, IIvrPlatforms platforms, CurrentUser user, TimeProvider clock)
{
    public async Task<IvrFlowDocument> GetAsync(int platformId, CancellationToken cancellationToken)
    {
        var platform = await platforms.GetAsync(platformId, cancellationToken);
        var versions = await store.ListAsync(platformId, cancellationToken);
        var published = await store.GetPublishedAsync(platformId, cancellationToken);
        var latest = versions.MaxBy(v => v.Version);
        return new IvrFlowDocument(
            platformId,
            platform.Code,
            latest?.Version,
            published?.Version,
            latest is null,
            latest?.Json ?? IvrFlowJson.Write(DefaultIvrFlows.For(platform.Kind)),
            [.. versions.OrderByDescending(v => v.Version).Select(v => new IvrFlowVersionSummary(v.Version, v.CreatedAt, v.CreatedBy, v.PublishedAt))]);
    }

    /// <summary>Validates the JSON and stores it as a new (unpublished) version; problems are a 400 with field errors.</summary>
    public async Task<IvrFlowVersionDto> SaveAsync(int platformId, string json, CancellationToken cancellationToken)
    {
        await platforms.GetAsync(platformId, cancellationToken);
        if (json.Length > IvrFlowVersionConfiguration.MaxJsonLength)
        {
            throw new ValidationFailedException("json", $"The flow is longer than {IvrFlowVersionConfiguration.MaxJsonLength / 1024} KB.");
        }
        var flow = IvrFlowValidator.ParseOrThrow(json);
        // Stored normalised, so versions compare and diff cleanly whatever the editor's formatting.
        return await store.AddAsync(platformId, IvrFlowJson.Write(flow), clock.GetUtcNow(), user.UserName, cancellationToken);
    }

    /// <summary>Publishes a version (the latest when none is given); from now on new calls run it.</summary>
    public async Task<IvrFlowVersionDto> PublishAsync(int platformId, int? version, CancellationToken cancellationToken)
    {
        await platforms.GetAsync(platformId, cancellationToken);
        var number = version ?? (await store.ListAsync(platformId, cancellationToken)).Select(v => (int?)v.Version).Max()
            ?? throw new DomainException("There is no saved version to publish; save the flow first.", "version");
        return await store.PublishAsync(platformId, number, clock.GetUtcNow(), cancellationToken)
            ?? throw new NotFoundException("IVR flow version", number);
    }

    /// <summary>The flow a call on the platform runs: the published version, else the platform kind's default.</summary>
    public async Task<(IvrFlow Flow, IvrCallContext Context)> ForCallAsync(int platformId, CancellationToken cancellationToken)
    {
        var platform = await platforms.GetAsync(platformId, cancellationToken);
        var published = await store.GetPublishedAsync(platformId, cancellationToken);
        var flow = published is not null && IvrFlowValidator.Parse(published.Json) is ({ } parsed, { Count: 0 })
            ? parsed
            : DefaultIvrFlows.For(platform.Kind);
        return (flow, new IvrCallContext(platform.Code, platform.OfficeHours, platform.TimeZone));
    }
}
