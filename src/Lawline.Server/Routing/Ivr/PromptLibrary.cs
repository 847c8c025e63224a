using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Sip.Media;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Routing.Ivr;

public enum PromptSource
{
    /// <summary>Uploaded for this platform.</summary>
    Platform,

    /// <summary>The installation's default (generated at first start, or uploaded by an administrator).</summary>
    Default,
}

public sealed record PromptInfo(string Name, PromptSource Source, long Bytes, double DurationSeconds);

/// <summary>
/// IVR prompts as WAV files under the data directory: <c>prompts/{platformCode}/{name}.wav</c>, falling back to
/// <c>prompts/default/{name}.wav</c>. Files are 8 kHz mono µ-law, A-law or 16-bit PCM, what the engine plays
/// without converting at call time.
/// </summary>
public sealed class PromptLibrary
{
    public const string DefaultFolder = "default";

    private readonly long maxBytes;

    public PromptLibrary(IOptions<LawlineOptions> lawline, IOptions<IvrOptions> ivr)
        : this(Path.Combine(lawline.Value.ResolveDataDirectory(), "prompts"), ivr.Value.MaxPromptBytes)
    {
    }

    public PromptLibrary(string root, long maxBytes = 4 * 1024 * 1024)
    {
        Root = root;
        this.maxBytes = maxBytes;
    }

    public string Root { get; }

    public long MaxBytes => maxBytes;

    public string DefaultDirectory => Path.Combine(Root, DefaultFolder);

    /// <summary>The file to play for a prompt: the platform's own, else the default, else null.</summary>
    public string? Resolve(string platformCode, string name)
    {
        if (!IvrFlowValidator.IsValidName(name))
        {
            return null;
        }
        var own = FileOf(platformCode, name);
        if (own is not null && File.Exists(own))
        {
            return own;
        }
        var fallback = Path.Combine(DefaultDirectory, name + ".wav");
        return File.Exists(fallback) ? fallback : null;
    }

    /// <summary>Every prompt the platform can play: its own uploads, and the defaults it does not override.</summary>
    public IReadOnlyList<PromptInfo> List(string platformCode)
    {
        var result = new Dictionary<string, PromptInfo>(StringComparer.Ordinal);
        foreach (var (directory, source) in new[] { (Path.Combine(Root, PlatformFolder(platformCode)), PromptSource.Platform), (DefaultDirectory, PromptSource.Default) })
        {
            if (!Directory.Exists(directory))
            {
                continue;
            }
            foreach (var file in Directory.EnumerateFiles(directory, "*.wav"))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (IvrFlowValidator.IsValidName(name) && !result.ContainsKey(name))
                {
                    result[name] = Describe(name, source, file);
                }
            }
        }
        return [.. result.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];
    }

    /// <summary>Opens the file the platform would play, for download or the editor's player.</summary>
    public (FileStream Stream, PromptSource Source) OpenRead(string platformCode, string name)
    {
        var path = Resolve(platformCode, name) ?? throw new NotFoundException("Prompt", name);
        var source = path.StartsWith(DefaultDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? PromptSource.Default : PromptSource.Platform;
        return (File.OpenRead(path), source);
    }

    /// <summary>
    /// Stores an uploaded prompt for a platform (or the defaults, with <see cref="DefaultFolder"/>), replacing an
    /// earlier upload. The file must be a WAV the engine can play; anything else is refused with the reason.
    /// </summary>
    public async Task<PromptInfo> SaveAsync(string platformCode, string name, Stream content, CancellationToken cancellationToken)
    {
        if (!IvrFlowValidator.IsValidName(name))
        {
            throw new ValidationFailedException("name", "A prompt name is 1–64 letters, digits, '-' or '_'.");
        }
        var bytes = await ReadLimitedAsync(content, cancellationToken);
        Validate(bytes);
        var target = FileOf(platformCode, name) ?? throw new ValidationFailedException("platform", "The platform code cannot name a prompt folder.");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // Write beside the target and move over it, so a call never plays a half-written file.
        var temporary = target + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
        File.Move(temporary, target, overwrite: true);
        return Describe(name, platformCode == DefaultFolder ? PromptSource.Default : PromptSource.Platform, target);
    }

    /// <summary>Checks that bytes are a WAV the engine plays: 8 kHz mono µ-law, A-law or 16-bit PCM, with some audio.</summary>
    public static WavAudio Validate(byte[] bytes)
    {
        WavAudio audio;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            audio = WavReader.Read(stream);
        }
        catch (InvalidDataException e)
        {
            throw new ValidationFailedException("file",
                $"The prompt cannot be used: {e.Message}. Upload an 8000 Hz mono WAV in µ-law, A-law or 16-bit PCM " +
                "(convert with: sox in.wav -r 8000 -c 1 -e mu-law out.wav).");
        }
        if (audio.SampleCount == 0)
        {
            throw new ValidationFailedException("file", "The WAV file contains no audio.");
        }
        return audio;
    }

    private async Task<byte[]> ReadLimitedAsync(Stream content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new ValidationFailedException("file", $"The prompt is larger than {maxBytes / 1024} KB (Ivr:MaxPromptBytes).");
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private string? FileOf(string platformCode, string name)
    {
        var folder = PlatformFolder(platformCode);
        return folder.Length == 0 ? null : Path.Combine(Root, folder, name + ".wav");
    }

    // Platform codes are letters, digits and '-' (Platform.ValidateCode); anything else never reaches the disk.
    private static string PlatformFolder(string platformCode)
        => !string.IsNullOrEmpty(platformCode) && platformCode.Length <= 32 && platformCode.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? platformCode
            : string.Empty;

    private static PromptInfo Describe(string name, PromptSource source, string file)
    {
        var length = new FileInfo(file).Length;
        double duration;
        try
        {
            duration = Math.Round(WavReader.Load(file).Duration.TotalSeconds, 2);
        }
        catch (InvalidDataException)
        {
            duration = 0;
        }
        return new PromptInfo(name, source, length, duration);
    }
}
