namespace Lawline.Sip.Tests.Peers;

/// <summary>
/// A private directory for one peer's generated configuration, audio and logs.
/// Deleted on dispose unless LAWLINE_KEEP_PEER_FILES=1, which keeps it for a post-mortem.
/// </summary>
internal sealed class TempDir : IDisposable
{
    public TempDir(string prefix)
    {
        Path = Directory.CreateTempSubdirectory($"lawline-{prefix}-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("LAWLINE_KEEP_PEER_FILES") == "1")
        {
            return;
        }
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A peer that was just killed may still hold a file; a stale temp directory is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
