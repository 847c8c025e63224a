using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Routing.Ivr;

public enum PromptMaking
{
    /// <summary>Already there (generated before or uploaded): left alone.</summary>
    Kept,

    /// <summary>Spoken by espeak-ng and converted to 8 kHz µ-law by sox.</summary>
    Speech,

    /// <summary>A tone pattern written by our own code (no speech engine, or it failed).</summary>
    Tones,
}

public sealed record GeneratedPrompt(string Name, PromptMaking Making, string Path);

/// <summary>
/// Makes the default prompt set (<see cref="DefaultIvrFlows.AllPrompts"/>) in <c>prompts/default</c>, so a fresh
/// install always has working prompts: Mandarin speech with espeak-ng and sox when both are installed, else
/// tones. Files that exist are never touched, whoever made them.
/// </summary>
public sealed partial class DefaultPromptGenerator(PromptLibrary library, IOptions<IvrOptions> options, ILogger<DefaultPromptGenerator> logger)
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<GeneratedPrompt>> GenerateMissingAsync(CancellationToken cancellationToken)
    {
        var directory = library.DefaultDirectory;
        Directory.CreateDirectory(directory);
        var espeak = options.Value.SpeechSynthesis ? FindTool(options.Value.EspeakPath, "espeak-ng") : null;
        var sox = options.Value.SpeechSynthesis ? FindTool(options.Value.SoxPath, "sox") : null;
        if (options.Value.SpeechSynthesis && (espeak is null || sox is null))
        {
            Log.NoSpeechEngine(logger);
        }
        var made = new List<GeneratedPrompt>();
        for (var i = 0; i < DefaultIvrFlows.AllPrompts.Count; i++)
        {
            var prompt = DefaultIvrFlows.AllPrompts[i];
            var target = Path.Combine(directory, prompt.Name + ".wav");
            if (File.Exists(target))
            {
                made.Add(new GeneratedPrompt(prompt.Name, PromptMaking.Kept, target));
                continue;
            }
            var making = PromptMaking.Tones;
            if (espeak is not null && sox is not null && await TrySpeakAsync(espeak, sox, prompt, target, cancellationToken))
            {
                making = PromptMaking.Speech;
            }
            else
            {
                await WriteNewAsync(target, MuLawWavWriter.TonePattern(i), cancellationToken);
            }
            made.Add(new GeneratedPrompt(prompt.Name, making, target));
        }
        Log.Generated(logger, made.Count(m => m.Making == PromptMaking.Speech), made.Count(m => m.Making == PromptMaking.Tones), directory);
        return made;
    }

    private async Task<bool> TrySpeakAsync(string espeak, string sox, DefaultPrompt prompt, string target, CancellationToken cancellationToken)
    {
        var spoken = target + ".speech.tmp.wav";
        var converted = target + ".g711.tmp.wav";
        try
        {
            if (!await RunAsync(espeak, ["-v", options.Value.Voice, "-s", "140", "-w", spoken, prompt.Text], cancellationToken)
                || !await RunAsync(sox, [spoken, "-r", "8000", "-c", "1", "-e", "mu-law", converted, "gain", "-n", "-3"], cancellationToken))
            {
                return false;
            }
            // Only a file the engine can play is kept; anything else falls back to tones.
            PromptLibrary.Validate(await File.ReadAllBytesAsync(converted, cancellationToken));
            File.Move(converted, target, overwrite: false);
            return true;
        }
        catch (Exception e) when (e is IOException or Common.ValidationFailedException or System.ComponentModel.Win32Exception)
        {
            Log.SpeechFailed(logger, e, prompt.Name);
            return false;
        }
        finally
        {
            File.Delete(spoken);
            File.Delete(converted);
        }
    }

    private async Task<bool> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new IOException($"{program} did not start.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ToolTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            Log.ToolFailed(logger, program, -1, "timed out");
            return false;
        }
        if (process.ExitCode != 0)
        {
            Log.ToolFailed(logger, program, process.ExitCode, await stderr);
            return false;
        }
        return true;
    }

    private static async Task WriteNewAsync(string target, byte[] bytes, CancellationToken cancellationToken)
    {
        var temporary = target + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
        try
        {
            // overwrite: false — an upload that landed meanwhile wins.
            File.Move(temporary, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            File.Delete(temporary);
        }
    }

    private static string? FindTool(string? configured, string name)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? configured : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5110, Level = LogLevel.Information, Message = "Default IVR prompts: {Speech} spoken, {Tones} as tones, in {Directory}")]
        public static partial void Generated(ILogger logger, int speech, int tones, string directory);

        [LoggerMessage(EventId = 5111, Level = LogLevel.Information, Message = "espeak-ng or sox is not installed: default IVR prompts are tones (apt-get install espeak-ng sox)")]
        public static partial void NoSpeechEngine(ILogger logger);

        [LoggerMessage(EventId = 5112, Level = LogLevel.Warning, Message = "Speaking prompt '{Prompt}' failed; using tones")]
        public static partial void SpeechFailed(ILogger logger, Exception exception, string prompt);

        [LoggerMessage(EventId = 5113, Level = LogLevel.Warning, Message = "{Program} exited with {ExitCode}: {Error}")]
        public static partial void ToolFailed(ILogger logger, string program, int exitCode, string error);
    }
}

/// <summary>Generates the missing default prompts once at start-up, in the background so start-up does not wait for speech synthesis.</summary>
internal sealed class DefaultPromptsInstaller(DefaultPromptGenerator generator, IOptions<IvrOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.GenerateDefaultPrompts)
        {
            await generator.GenerateMissingAsync(stoppingToken);
        }
    }
}
