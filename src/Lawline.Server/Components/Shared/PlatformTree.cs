using Lawline.Server.Platforms;

namespace Lawline.Server.Components.Shared;

public static class PlatformTree
{
    /// <summary>How deep a platform sits in the tree: "/WH/" is 0, "/WH/WH-JA/" is 1.</summary>
    public static int Depth(PlatformDto platform) => platform.Path.Count(c => c == '/') - 2;

    /// <summary>The name of a platform, or its id when the user cannot see it.</summary>
    public static string NameOf(IEnumerable<PlatformDto> platforms, int? id)
        => id is null ? string.Empty : platforms.FirstOrDefault(p => p.Id == id)?.Name ?? $"#{id}";
}
