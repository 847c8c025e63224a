using System.Globalization;

namespace Lawline.Sip.Tests.Peers;

internal enum WavEncoding
{
    /// <summary>16-bit signed linear PCM: what baresip's aufile and linphonec's file player read.</summary>
    Pcm16,
    /// <summary>8-bit G.711 µ-law WAV (format 7), as sipp's rtp_stream plays it with PCMU.</summary>
    MuLaw,
    /// <summary>8-bit G.711 A-law WAV (format 6).</summary>
    ALaw,
}

/// <summary>Test audio generated with sox into a temporary directory, 8 kHz mono.</summary>
internal sealed class SoundFiles : IDisposable
{
    private readonly TempDir directory = new("sound");

    public string Directory => directory.Path;

    /// <summary>
    /// A sine tone WAV. The default length is 60 s because baresip's aufile source hangs up the call
    /// when it reaches the end of its file; a long file keeps the call up for the whole test.
    /// </summary>
    public async Task<string> ToneAsync(double hertz, WavEncoding encoding = WavEncoding.Pcm16, TimeSpan? length = null, double gainDb = -6)
    {
        var seconds = (length ?? TimeSpan.FromSeconds(60)).TotalSeconds;
        var path = directory.File(string.Create(CultureInfo.InvariantCulture, $"tone-{hertz:0}-{encoding}-{seconds:0}s.wav"));
        if (File.Exists(path))
        {
            return path;
        }
        string[] arguments =
        [
            "-n", "-r", "8000", "-c", "1", .. EncodingArguments(encoding), path,
            "synth", seconds.ToString(CultureInfo.InvariantCulture), "sine", hertz.ToString(CultureInfo.InvariantCulture),
            "gain", gainDb.ToString(CultureInfo.InvariantCulture),
        ];
        await RunSoxAsync(arguments);
        return path;
    }

    /// <summary>Converts any audio file to 8 kHz mono in the given encoding, padding it with repeats to at least <paramref name="minimumLength"/>.</summary>
    public async Task<string> ConvertAsync(string source, WavEncoding encoding, TimeSpan? minimumLength = null)
    {
        var path = directory.File($"{Path.GetFileNameWithoutExtension(source)}-{encoding}.wav");
        List<string> arguments = [source, "-r", "8000", "-c", "1", .. EncodingArguments(encoding), path];
        if (minimumLength is { } length)
        {
            var sourceSeconds = Math.Max(0.1, (await WavAnalysis.ReadAsync(source)).Duration.TotalSeconds);
            var repeats = (int)Math.Ceiling(length.TotalSeconds / sourceSeconds);
            arguments.AddRange(["repeat", repeats.ToString(CultureInfo.InvariantCulture)]);
        }
        await RunSoxAsync(arguments);
        return path;
    }

    public void Dispose() => directory.Dispose();

    private static string[] EncodingArguments(WavEncoding encoding) => encoding switch
    {
        WavEncoding.Pcm16 => ["-b", "16", "-e", "signed-integer"],
        WavEncoding.MuLaw => ["-b", "8", "-e", "mu-law"],
        WavEncoding.ALaw => ["-b", "8", "-e", "a-law"],
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    private static async Task RunSoxAsync(IEnumerable<string> arguments)
    {
        var (exitCode, stdout, stderr) = await PeerProcess.RunAsync("sox", arguments, TimeSpan.FromSeconds(30));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"sox failed with exit code {exitCode}:\n{stdout}\n{stderr}");
        }
    }
}
