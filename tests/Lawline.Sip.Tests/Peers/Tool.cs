namespace Lawline.Sip.Tests.Peers;

/// <summary>Finds the external programs the peer tests drive (sipp, baresip, linphonec, kamailio, sox).</summary>
internal static class Tool
{
    // kamailio lives in /usr/sbin, which a non-login PATH may not contain.
    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/sbin", "/usr/local/sbin"];

    public static bool Exists(string name) => Find(name) is not null;

    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(ExtraDirectories))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>The full path of a tool, or an exception that names the package to install: a missing peer fails the test, it never skips it.</summary>
    public static string Require(string name) =>
        Find(name) ?? throw new InvalidOperationException(
            $"The peer tool '{name}' is not installed. Install it with: apt-get install -y --no-install-recommends {PackageOf(name)}");

    private static string PackageOf(string name) => name switch
    {
        "sipp" => "sip-tester",
        "baresip" => "baresip-core",
        "linphonec" => "linphone-cli",
        "sox" => "sox libsox-fmt-all",
        _ => name,
    };
}
