using Lawline.Server.Platforms;
using Lawline.Server.Routing.Ivr;
using static Lawline.Server.Routing.Ivr.DefaultIvrFlows.Prompts;

namespace Lawline.Server.Tests.Routing.Ivr;

/// <summary>The runner's logic on the default 12348 flow, with a scripted caller and a fake clock.</summary>
public sealed class IvrRunnerTests
{
    private static readonly IvrFlow Legal = DefaultIvrFlows.For(PlatformKind.LegalService12348);

    private static CallerAction Press(string digits) => new CallerAction.PressAfter(digits);

    private static async Task<IvrResult> RunAsync(IvrTestKit kit, ScriptedCaller caller, IvrFlow? flow = null, OfficeHours? hours = null)
        => await kit.Runner.RunAsync(caller, caller.Leg, flow ?? Legal, IvrTestKit.Context(hours), CancellationToken.None);

    [Fact]
    public async Task Key_1_in_the_menu_queues_the_call_for_labour_disputes_and_the_path_has_the_digit()
    {
        using var kit = await IvrTestKit.CreateAsync();
        var caller = new ScriptedCaller().When(MainMenu12348, Press("1"));

        var result = await RunAsync(kit, caller);

        Assert.Equal(new IvrOutcome.Queue("LABOR", 0), result.Outcome);
        Assert.Equal([Welcome12348, MainMenu12348, Transfer], caller.PromptsPlayed);
        Assert.Equal(
            [("greeting", IvrStepKind.Played, null), ("office-hours", IvrStepKind.Open, null), ("main-menu", IvrStepKind.Chosen, "1"), ("queue-labour", IvrStepKind.Ended, null)],
            result.Path.Select(s => (s.NodeId, s.Kind, s.Digits)));
        Assert.Equal("1", result.Digits);
        Assert.All(result.Path, s => Assert.Equal(IvrTestKit.MondayMorning, s.At));
        // The menu waits as long as the flow says.
        Assert.Contains(caller.Collections, c => c.FirstDigitTimeout == TimeSpan.FromSeconds(5) && c.MaxDigits == 1);
    }

    [Fact]
    public async Task A_key_pressed_during_the_greeting_stops_it_and_answers_the_menu_without_playing_it()
    {
        using var kit = await IvrTestKit.CreateAsync();
        var caller = new ScriptedCaller().When(Welcome12348, new CallerAction.PressDuring("2"));

        var result = await RunAsync(kit, caller);

        Assert.Equal(new IvrOutcome.Queue("FAMILY", 0), result.Outcome);
        var greeting = Assert.Single(caller.Played, p => p.Prompt == Welcome12348);
        Assert.True(greeting.StopOnDigit);
        Assert.True(greeting.Barged);
        Assert.DoesNotContain(MainMenu12348, caller.PromptsPlayed);
        Assert.Contains(result.Path, s => s is { NodeId: "main-menu", Kind: IvrStepKind.Chosen, Digits: "2" });
    }

    [Fact]
    public async Task A_key_pressed_during_the_menu_prompt_stops_it_and_counts()
    {
        using var kit = await IvrTestKit.CreateAsync();
        var caller = new ScriptedCaller().When(MainMenu12348, new CallerAction.PressDuring("3"));

        var result = await RunAsync(kit, caller);

        Assert.Equal(new IvrOutcome.Queue("CONTRACT", 0), result.Outcome);
        Assert.True(Assert.Single(caller.Played, p => p.Prompt == MainMenu12348).Barged);
    }

    [Fact]
    public async Task Invalid_keys_repeat_the_menu_and_a_valid_key_on_the_last_try_still_counts()
    {
        using var kit = await IvrTestKit.CreateAsync();
        var caller = new ScriptedCaller().When(MainMenu12348, Press("7"), Press("8"), Press("1"));

        var result = await RunAsync(kit, caller);

        Assert.Equal(new IvrOutcome.Queue("LABOR", 0), result.Outcome);
        Assert.Equal(2, caller.PromptsPlayed.Count(p => p == InvalidInput));
        Assert.Equal("781", result.Digits);
    }

    [Fact]
    public async Task Invalid_keys_on_the_first_try_and_both_repeats_go_to_the_general_queue()
    {
        using var kit = await IvrTestKit.CreateAsync();
        var caller = new ScriptedCaller().When(MainMenu12348, Press("7"), Press("7"), Press("4"));

        var result = await RunAsync(kit, caller);

        Assert.Equal(new IvrOutcome.Queue("GENERAL", 0), result.Outcome);
        Assert.Equal(3, caller.PromptsPlayed.Count(p => p == MainMenu12348));
        Assert.Equal(3, result.Path.Count(s => s.Kind == IvrStepKind.Invalid));
        Assert.Contains(result.Path, s => s is { NodeId: "main-menu", Kind: IvrStepKind.Failed });
    }

    [Fact]
    public async Task No_input_repeats_the_menu_without_the_invalid_prompt_then_goes_to_the_general_queue()
    {
        using var kit = await IvrTestKit.CreateAsync();
        var caller = new ScriptedCaller();

        var result = await RunAsync(kit, caller);

        Assert.Equal(new IvrOutcome.Queue("GENERAL", 0), result.Outcome);
        Assert.Equal(3, caller.PromptsPlayed.Count(p => p == MainMenu12348));
        Assert.DoesNotContain(InvalidInput, caller.PromptsPlayed);
        Assert.Equal(3, result.Path.Count(s => s.Kind == IvrStepKind.NoInput));
    }

    [Fact]
    public async Task Key_9_tells_office_hours_and_returns_to_the_menu()
    {
        using var kit = await IvrTestKit.CreateAsync();
        var caller = new ScriptedCaller().When(MainMenu12348, Press("9"), Press("0"));

        var result = await RunAsync(kit, caller);

        Assert.Equal(new IvrOutcome.Queue("GENERAL", 0), result.Outcome);
        Assert.Equal([Welcome12348, MainMenu12348, OfficeHoursAndAddress, MainMenu12348, Transfer], caller.PromptsPlayed);
        Assert.Equal([SelfServiceKind.OfficeHoursAndAddress], result.Requests);
        Assert.Equal("90", result.Digits);
    }

    [Fact]
    public async Task The_12368_case_query_ends_the_IVR_with_a_request_to_resume_at_the_menu()
    {
        using var kit = await IvrTestKit.CreateAsync();
        var caller = new ScriptedCaller().When(MainMenu12368, Press("8"));

        var result = await RunAsync(kit, caller, DefaultIvrFlows.For(PlatformKind.CourtService12368));

        Assert.Equal(new IvrOutcome.SelfServiceRequested(SelfServiceKind.CaseQuery, "main-menu"), result.Outcome);
        Assert.Equal([Welcome12368, MainMenu12368, CaseQuery], caller.PromptsPlayed);
    }

    [Theory]
    [InlineData("1", typeof(IvrOutcome.Voicemail))]
    [InlineData("2", typeof(IvrOutcome.Callback))]
    [InlineData("5", typeof(IvrOutcome.Voicemail))]
    [InlineData("", typeof(IvrOutcome.Voicemail))]
    public async Task On_a_Saturday_the_caller_chooses_voicemail_or_a_callback_and_anything_else_is_voicemail(string key, Type outcome)
    {
        using var kit = await IvrTestKit.CreateAsync(IvrTestKit.SaturdayMorning);
        var caller = new ScriptedCaller().When(ClosedMenu, Press(key));

        var result = await RunAsync(kit, caller);

        Assert.IsType(outcome, result.Outcome);
        Assert.DoesNotContain(MainMenu12348, caller.PromptsPlayed);
        Assert.Contains(result.Path, s => s is { NodeId: "office-hours", Kind: IvrStepKind.Closed });
        Assert.Equal(outcome == typeof(IvrOutcome.Callback) ? Callback : Voicemail, caller.PromptsPlayed.Last());
    }

    [Fact]
    public async Task A_public_holiday_on_a_weekday_is_closed_and_a_7x24_platform_is_open()
    {
        using var kit = await IvrTestKit.CreateAsync(IvrTestKit.NationalDayMorning);
        var hours = OfficeHours.Default;
        hours.Holidays.Add(new DateOnly(2025, 10, 1));

        var closed = await RunAsync(kit, new ScriptedCaller().When(ClosedMenu, Press("2")), hours: hours);
        var open = await RunAsync(kit, new ScriptedCaller().When(MainMenu12348, Press("1")), hours: OfficeHours.AlwaysOpen);

        Assert.IsType<IvrOutcome.Callback>(closed.Outcome);
        Assert.Equal(new IvrOutcome.Queue("LABOR", 0), open.Outcome);
    }

    [Fact]
    public async Task Office_hours_are_judged_in_the_platforms_time_zone_not_UTC()
    {
        // 17:00 UTC on Monday is 01:00 on Tuesday in Beijing: closed, although 17:00 would be inside office hours.
        using var kit = await IvrTestKit.CreateAsync(new DateTimeOffset(2025, 6, 2, 17, 0, 0, TimeSpan.Zero));

        var result = await RunAsync(kit, new ScriptedCaller().When(ClosedMenu, Press("1")));

        Assert.IsType<IvrOutcome.Voicemail>(result.Outcome);
    }

    [Fact]
    public async Task A_caller_who_hangs_up_in_the_menu_gets_HungUp_with_the_path_so_far()
    {
        using var kit = await IvrTestKit.CreateAsync();
        var caller = new ScriptedCaller().When(MainMenu12348, Press("6"), new CallerAction.HangUp());

        var result = await RunAsync(kit, caller);

        Assert.Equal(new IvrOutcome.HungUp("main-menu"), result.Outcome);
        Assert.Equal(
            [("greeting", IvrStepKind.Played, null), ("office-hours", IvrStepKind.Open, null), ("main-menu", IvrStepKind.Invalid, "6"), ("main-menu", IvrStepKind.HungUp, null)],
            result.Path.Select(s => (s.NodeId, s.Kind, s.Digits)));
    }

    [Fact]
    public async Task A_caller_who_hangs_up_during_the_greeting_gets_HungUp_there()
    {
        using var kit = await IvrTestKit.CreateAsync();
        var caller = new ScriptedCaller().When(Welcome12348, new CallerAction.HangUp());

        var result = await RunAsync(kit, caller);

        Assert.Equal(new IvrOutcome.HungUp("office-hours"), result.Outcome);
        Assert.Equal([Welcome12348], caller.PromptsPlayed);
        Assert.Equal(IvrStepKind.HungUp, result.Path[^1].Kind);
    }

    [Fact]
    public async Task A_platforms_own_prompt_is_played_instead_of_the_default()
    {
        using var kit = await IvrTestKit.CreateAsync();
        Directory.CreateDirectory(Path.Combine(kit.Root, IvrTestKit.PlatformCode));
        await File.WriteAllBytesAsync(Path.Combine(kit.Root, IvrTestKit.PlatformCode, Welcome12348 + ".wav"), MuLawWavWriter.TonePattern(9));

        Assert.Equal(Path.Combine(kit.Root, IvrTestKit.PlatformCode, Welcome12348 + ".wav"), kit.Prompts.Resolve(IvrTestKit.PlatformCode, Welcome12348));
        Assert.Equal(Path.Combine(kit.Root, "default", MainMenu12348 + ".wav"), kit.Prompts.Resolve(IvrTestKit.PlatformCode, MainMenu12348));
        Assert.Equal(Path.Combine(kit.Root, "default", Welcome12348 + ".wav"), kit.Prompts.Resolve("SH", Welcome12348));
        Assert.Null(kit.Prompts.Resolve(IvrTestKit.PlatformCode, "../secret"));
    }
}
