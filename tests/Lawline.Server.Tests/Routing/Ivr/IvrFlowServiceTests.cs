using Lawline.Server.Common;
using Lawline.Server.Platforms;
using Lawline.Server.Routing.Ivr;
using Lawline.Server.Security;
using Microsoft.Extensions.Time.Testing;

namespace Lawline.Server.Tests.Routing.Ivr;

/// <summary>Flow versions in memory, standing in for the EF store until the integrator adds the table.</summary>
internal sealed class InMemoryIvrFlowStore : IIvrFlowStore
{
    private readonly List<IvrFlowVersionDto> versions = [];

    public Task<IReadOnlyList<IvrFlowVersionDto>> ListAsync(int platformId, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<IvrFlowVersionDto>>([.. versions.Where(v => v.PlatformId == platformId).OrderByDescending(v => v.Version)]);

    public Task<IvrFlowVersionDto?> GetPublishedAsync(int platformId, CancellationToken cancellationToken)
        => Task.FromResult(versions.Where(v => v.PlatformId == platformId && v.PublishedAt is not null)
            .OrderByDescending(v => v.PublishedAt).ThenByDescending(v => v.Version).FirstOrDefault());

    public Task<IvrFlowVersionDto> AddAsync(int platformId, string json, DateTimeOffset at, string createdBy, CancellationToken cancellationToken)
    {
        var version = new IvrFlowVersionDto(platformId, versions.Count(v => v.PlatformId == platformId) + 1, json, at, createdBy, null);
        versions.Add(version);
        return Task.FromResult(version);
    }

    public Task<IvrFlowVersionDto?> PublishAsync(int platformId, int version, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var index = versions.FindIndex(v => v.PlatformId == platformId && v.Version == version);
        if (index < 0)
        {
            return Task.FromResult<IvrFlowVersionDto?>(null);
        }
        versions[index] = versions[index] with { PublishedAt = at };
        return Task.FromResult<IvrFlowVersionDto?>(versions[index]);
    }
}

/// <summary>Platforms 1 (12348) and 2 (12368) are visible; anything else is not (as the query filter would hide it).</summary>
internal sealed class FakeIvrPlatforms : IIvrPlatforms
{
    public Task<IvrPlatform> GetAsync(int platformId, CancellationToken cancellationToken) => platformId switch
    {
        1 => Task.FromResult(new IvrPlatform(1, "BJ", "北京12348", PlatformKind.LegalService12348, OfficeHours.Default, "Asia/Shanghai")),
        2 => Task.FromResult(new IvrPlatform(2, "BJ-COURT", "北京法院12368", PlatformKind.CourtService12368, OfficeHours.AlwaysOpen, "Asia/Shanghai")),
        _ => throw new NotFoundException("Platform", platformId),
    };
}

public sealed class IvrFlowServiceTests
{
    private readonly FakeTimeProvider clock = new(IvrTestKit.MondayMorning);
    private readonly IvrFlowService service;

    public IvrFlowServiceTests()
    {
        var user = new CurrentUser();
        user.ActAsSystem("admin");
        service = new IvrFlowService(new InMemoryIvrFlowStore(), new FakeIvrPlatforms(), user, clock);
    }

    [Fact]
    public async Task A_platform_without_versions_shows_and_runs_the_default_for_its_kind()
    {
        var document = await service.GetAsync(2, CancellationToken.None);
        var (flow, context) = await service.ForCallAsync(2, CancellationToken.None);

        Assert.True(document.IsDefault);
        Assert.Null(document.Version);
        Assert.Contains("case-query", document.Json);
        Assert.Contains(flow.Nodes, n => n is SelfServiceNode { Kind: SelfServiceKind.CaseQuery });
        Assert.Equal("BJ-COURT", context.PlatformCode);
        Assert.True(context.OfficeHours.Open24x7);
    }

    [Fact]
    public async Task Saving_makes_a_new_draft_version_and_calls_keep_the_published_one_until_it_is_published()
    {
        var flow = DefaultIvrFlows.For(PlatformKind.LegalService12348);
        var first = await service.SaveAsync(1, IvrFlowJson.Write(flow), CancellationToken.None);
        await service.PublishAsync(1, null, CancellationToken.None);
        var changed = flow with { Nodes = [.. flow.Nodes.Select(n => n is QueueNode { Id: "queue-labour" } q ? q with { Priority = 5 } : n)] };
        clock.Advance(TimeSpan.FromMinutes(5));

        var second = await service.SaveAsync(1, IvrFlowJson.Write(changed), CancellationToken.None);
        var beforePublish = await service.ForCallAsync(1, CancellationToken.None);
        await service.PublishAsync(1, 2, CancellationToken.None);
        var afterPublish = await service.ForCallAsync(1, CancellationToken.None);
        var document = await service.GetAsync(1, CancellationToken.None);

        Assert.Equal((1, 2), (first.Version, second.Version));
        Assert.Equal("admin", second.CreatedBy);
        Assert.Null(Assert.IsType<QueueNode>(beforePublish.Flow.Find("queue-labour")).Priority);
        Assert.Equal(5, Assert.IsType<QueueNode>(afterPublish.Flow.Find("queue-labour")).Priority);
        Assert.Equal((2, 2, false), (document.Version, document.PublishedVersion, document.IsDefault));
        Assert.Equal([2, 1], document.Versions.Select(v => v.Version));
    }

    [Fact]
    public async Task An_invalid_flow_is_not_saved_and_the_errors_name_the_fields()
    {
        var failure = await Assert.ThrowsAsync<ValidationFailedException>(() => service.SaveAsync(1,
            """{ "version": 1, "start": "m", "nodes": [ { "type": "menu", "id": "m", "prompt": "x", "options": { "1": "nope" }, "onFail": "m" } ] }""",
            CancellationToken.None));

        Assert.Contains("nodes[m].options.1", failure.Errors.Keys);
        Assert.True((await service.GetAsync(1, CancellationToken.None)).IsDefault);
    }

    [Fact]
    public async Task Publishing_with_nothing_saved_or_an_unknown_version_is_refused_and_other_platforms_are_not_found()
    {
        await Assert.ThrowsAsync<DomainException>(() => service.PublishAsync(1, null, CancellationToken.None));
        await Assert.ThrowsAsync<NotFoundException>(() => service.PublishAsync(1, 7, CancellationToken.None));
        await Assert.ThrowsAsync<NotFoundException>(() => service.GetAsync(99, CancellationToken.None));
    }
}
