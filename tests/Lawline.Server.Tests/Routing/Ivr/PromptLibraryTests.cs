using System.Buffers.Binary;
using Lawline.Server.Common;
using Lawline.Server.Routing.Ivr;
using Lawline.Sip.Media;

namespace Lawline.Server.Tests.Routing.Ivr;

public sealed class PromptLibraryTests
{
    private static readonly string[] DefaultNames = [.. DefaultIvrFlows.AllPrompts.Select(p => p.Name)];

    [Fact]
    public async Task Without_a_speech_engine_every_default_prompt_is_a_distinct_8kHz_tone_pattern()
    {
        using var kit = await IvrTestKit.CreateAsync();
        Directory.Delete(kit.Prompts.DefaultDirectory, recursive: true);

        var made = await kit.Generator(new IvrOptions { EspeakPath = "/nonexistent/espeak-ng" }).GenerateMissingAsync(CancellationToken.None);

        Assert.Equal(DefaultNames, made.Select(m => m.Name));
        Assert.All(made, m => Assert.Equal(PromptMaking.Tones, m.Making));
        var audio = made.Select(m => WavReader.Load(m.Path)).ToList();
        Assert.All(audio, a => Assert.Equal(WavFormat.MuLaw, a.SourceFormat));
        Assert.All(audio, a => Assert.InRange(a.Duration, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(3)));
        // Distinct patterns: no two prompts have the same samples.
        Assert.Equal(made.Count, made.Select(m => Convert.ToHexString(File.ReadAllBytes(m.Path))).Distinct().Count());
        AssertEightKilohertzMono(made[0].Path);
    }

    [Fact]
    public async Task With_espeak_ng_and_sox_the_default_prompts_are_Mandarin_speech_in_8kHz_mu_law()
    {
        using var kit = await IvrTestKit.CreateAsync();
        Directory.Delete(kit.Prompts.DefaultDirectory, recursive: true);
        Assert.True(File.Exists("/usr/bin/espeak-ng"), "espeak-ng is not installed: apt-get install -y espeak-ng (scripts/test.sh installs it)");

        var made = await kit.Generator(new IvrOptions()).GenerateMissingAsync(CancellationToken.None);

        Assert.All(made, m => Assert.Equal(PromptMaking.Speech, m.Making));
        foreach (var prompt in made)
        {
            AssertEightKilohertzMono(prompt.Path);
            var audio = WavReader.Load(prompt.Path);
            Assert.Equal(WavFormat.MuLaw, audio.SourceFormat);
            // Spoken sentences last seconds, far longer than any tone pattern.
            Assert.True(audio.Duration > TimeSpan.FromSeconds(1), $"{prompt.Name}: {audio.Duration}");
        }
        var menu = WavReader.Load(made.Single(m => m.Name == DefaultIvrFlows.Prompts.MainMenu12348).Path);
        var thanks = WavReader.Load(made.Single(m => m.Name == DefaultIvrFlows.Prompts.SurveyThanks).Path);
        Assert.True(menu.Duration > thanks.Duration * 2, $"menu {menu.Duration}, thanks {thanks.Duration}");
    }

    [Fact]
    public async Task Generation_never_overwrites_a_prompt_that_is_already_there()
    {
        using var kit = await IvrTestKit.CreateAsync();
        var uploaded = await kit.Prompts.SaveAsync(PromptLibrary.DefaultFolder, DefaultIvrFlows.Prompts.Survey,
            new MemoryStream(MuLawWavWriter.TonePattern(11)), CancellationToken.None);
        var before = await File.ReadAllBytesAsync(Path.Combine(kit.Prompts.DefaultDirectory, "survey.wav"));

        var made = await kit.Generator(new IvrOptions()).GenerateMissingAsync(CancellationToken.None);

        Assert.Equal(PromptSource.Default, uploaded.Source);
        Assert.All(made, m => Assert.Equal(PromptMaking.Kept, m.Making));
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(kit.Prompts.DefaultDirectory, "survey.wav")));
    }

    [Fact]
    public async Task An_upload_is_stored_for_the_platform_and_listed_before_the_defaults()
    {
        using var kit = await IvrTestKit.CreateAsync();

        var saved = await kit.Prompts.SaveAsync("BJ-HD", DefaultIvrFlows.Prompts.Welcome12348, new MemoryStream(MuLawWavWriter.TonePattern(5)), CancellationToken.None);
        var list = kit.Prompts.List("BJ-HD");

        Assert.Equal(PromptSource.Platform, saved.Source);
        Assert.True(saved.DurationSeconds > 0.5);
        Assert.Equal(DefaultNames.Order(StringComparer.Ordinal), list.Select(p => p.Name));
        Assert.Equal(PromptSource.Platform, list.Single(p => p.Name == DefaultIvrFlows.Prompts.Welcome12348).Source);
        Assert.Equal(PromptSource.Default, list.Single(p => p.Name == DefaultIvrFlows.Prompts.Survey).Source);
        var (stream, source) = kit.Prompts.OpenRead("BJ-HD", DefaultIvrFlows.Prompts.Welcome12348);
        await using (stream)
        {
            Assert.Equal(PromptSource.Platform, source);
            Assert.Equal(MuLawWavWriter.TonePattern(5).Length, stream.Length);
        }
    }

    [Fact]
    public async Task A_44_1_kHz_WAV_is_refused_with_a_message_that_says_what_to_upload()
    {
        using var kit = await IvrTestKit.CreateAsync();

        var failure = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            kit.Prompts.SaveAsync("BJ", "welcome-12348", new MemoryStream(Pcm16Wav(44100, seconds: 1)), CancellationToken.None));

        var message = Assert.Single(failure.Errors["file"]);
        Assert.Contains("44100 Hz", message);
        Assert.Contains("8000 Hz mono", message);
        Assert.Null(kit.Prompts.List("BJ").FirstOrDefault(p => p.Source == PromptSource.Platform));
    }

    [Fact]
    public async Task Not_a_WAV_too_large_or_a_bad_name_is_refused()
    {
        using var kit = await IvrTestKit.CreateAsync();
        var small = new PromptLibrary(kit.Root, maxBytes: 4096);

        var notWav = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            kit.Prompts.SaveAsync("BJ", "greeting", new MemoryStream("hello"u8.ToArray()), CancellationToken.None));
        var tooLarge = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            small.SaveAsync("BJ", "greeting", new MemoryStream(MuLawWavWriter.Wrap(new byte[8000])), CancellationToken.None));
        var badName = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            kit.Prompts.SaveAsync("BJ", "../../etc/passwd", new MemoryStream(MuLawWavWriter.TonePattern(1)), CancellationToken.None));

        Assert.Contains("not a RIFF/WAVE file", notWav.Errors["file"][0]);
        Assert.Contains("larger than 4 KB", tooLarge.Errors["file"][0]);
        Assert.Contains("name", badName.Errors.Keys);
    }

    [Fact]
    public void A_PCM16_8kHz_mono_WAV_is_accepted()
        => Assert.Equal(WavFormat.Pcm16, PromptLibrary.Validate(Pcm16Wav(8000, seconds: 1)).SourceFormat);

    private static void AssertEightKilohertzMono(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var fmt = bytes.AsSpan().IndexOf("fmt "u8);
        Assert.True(fmt > 0);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(fmt + 10)));
        Assert.Equal(8000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(fmt + 12)));
    }

    private static byte[] Pcm16Wav(int rate, double seconds)
    {
        var samples = (int)(rate * seconds);
        var data = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(i * 2), (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / rate)));
        }
        var file = new byte[44 + data.Length];
        var span = file.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)(36 + data.Length));
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(span[28..], (uint)rate * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)data.Length);
        data.CopyTo(span[44..]);
        return file;
    }
}
