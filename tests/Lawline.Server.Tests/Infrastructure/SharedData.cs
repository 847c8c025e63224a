namespace Lawline.Server.Tests.Infrastructure;

/// <summary>The project's shared material (../shared beside the repository): real laws and taxonomies for tests.</summary>
public static class SharedData
{
    public static string Path(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Lawline.slnx")))
            {
                var shared = System.IO.Path.Combine([dir.Parent!.FullName, "shared", .. parts]);
                if (!File.Exists(shared) && !Directory.Exists(shared))
                {
                    throw new FileNotFoundException($"The shared test data {shared} is missing (expected ../shared beside the repository).");
                }
                return shared;
            }
        }
        throw new InvalidOperationException("The repository root (Lawline.slnx) was not found above the test binaries.");
    }
}
