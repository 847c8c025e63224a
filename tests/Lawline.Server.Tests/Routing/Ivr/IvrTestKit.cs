using Lawline.Server.Platforms;
using Lawline.Server.Routing.Ivr;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Lawline.Server.Tests.Routing.Ivr;

/// <summary>A prompt library in a temporary directory with the default set as tones, and clocks at known local times.</summary>
internal sealed class IvrTestKit : IDisposable
{
    public const string PlatformCode = "BJ";

    // Monday 2 June 2025, 10:00 in Beijing (UTC+8).
    public static readonly DateTimeOffset MondayMorning = new(2025, 6, 2, 10, 0, 0, TimeSpan.FromHours(8));

    // Saturday 7 June 2025, 10:00 in Beijing.
    public static readonly DateTimeOffset SaturdayMorning = new(2025, 6, 7, 10, 0, 0, TimeSpan.FromHours(8));

    // National Day, Wednesday 1 October 2025, 10:00 in Beijing.
    public static readonly DateTimeOffset NationalDayMorning = new(2025, 10, 1, 10, 0, 0, TimeSpan.FromHours(8));

    private IvrTestKit(string root, FakeTimeProvider clock)
    {
        Root = root;
        Clock = clock;
        Prompts = new PromptLibrary(root);
    }

    public string Root { get; }

    public FakeTimeProvider Clock { get; }

    public PromptLibrary Prompts { get; }

    public IvrRunner Runner => new(Prompts, Clock, NullLogger<IvrRunner>.Instance);

    public SatisfactionSurvey Survey => new(Prompts, Clock);

    public static async Task<IvrTestKit> CreateAsync(DateTimeOffset? now = null)
    {
        var root = Directory.CreateTempSubdirectory("lawline-ivr-").FullName;
        var kit = new IvrTestKit(root, new FakeTimeProvider(now ?? MondayMorning));
        await kit.Generator(new IvrOptions { SpeechSynthesis = false }).GenerateMissingAsync(CancellationToken.None);
        return kit;
    }

    public DefaultPromptGenerator Generator(IvrOptions options) => new(Prompts, Options.Create(options), NullLogger<DefaultPromptGenerator>.Instance);

    public static IvrCallContext Context(OfficeHours? hours = null) => new(PlatformCode, hours ?? OfficeHours.Default);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
