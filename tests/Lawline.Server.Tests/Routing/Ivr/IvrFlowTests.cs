using Lawline.Server.Common;
using Lawline.Server.Platforms;
using Lawline.Server.Routing.Ivr;

namespace Lawline.Server.Tests.Routing.Ivr;

public sealed class IvrFlowTests
{
    private static IReadOnlyList<IvrFlowError> ErrorsOf(string json) => IvrFlowValidator.Parse(json).Errors;

    private static string Flow(string nodes, string start = "greeting") => $$"""{ "version": 1, "start": "{{start}}", "nodes": [ {{nodes}} ] }""";

    [Fact]
    public void A_flow_survives_a_JSON_round_trip_with_every_node_kind()
    {
        var flow = new IvrFlow(1, "greeting",
        [
            new PlayNode("greeting", "welcome", "hours"),
            new OfficeHoursCheckNode("hours", "menu", "closed"),
            new MenuNode("menu", "main-menu", new Dictionary<string, string> { ["1"] = "labour", ["7"] = "sms", ["8"] = "case", ["#"] = "bye" },
                OnFail: "labour", TimeoutSeconds: 7, MaxRetries: 1, InvalidPrompt: "invalid-input"),
            new QueueNode("labour", "LABOR", Priority: 3, Prompt: "transfer"),
            new SelfServiceNode("sms", SelfServiceKind.LegalAidSms, "sms-sent", "menu"),
            new SelfServiceNode("case", SelfServiceKind.CaseQuery, "case-query", "menu"),
            new HangupNode("bye", "goodbye"),
            new MenuNode("closed", "closed-menu", new Dictionary<string, string> { ["1"] = "voicemail", ["2"] = "callback" }, OnFail: "voicemail"),
            new VoicemailNode("voicemail", "voicemail"),
            new CallbackRequestNode("callback", "callback-request"),
        ]);

        var json = IvrFlowJson.Write(flow);
        var (read, errors) = IvrFlowValidator.Parse(json);

        Assert.Empty(errors);
        Assert.Equal(json, IvrFlowJson.Write(read!));
        Assert.Contains("\"type\": \"officeHoursCheck\"", json);
        Assert.Contains("\"kind\": \"LegalAidSms\"", json);
        var menu = Assert.IsType<MenuNode>(read!.Find("menu"));
        Assert.Equal("sms", menu.Options["7"]);
        Assert.Equal(7, menu.TimeoutSeconds);
        Assert.Equal(3, Assert.IsType<QueueNode>(read.Find("labour")).Priority);
    }

    [Fact]
    public void Hand_written_JSON_may_put_type_anywhere_and_leave_out_defaults()
    {
        var (flow, errors) = IvrFlowValidator.Parse(Flow("""
            { "id": "greeting", "prompt": "welcome", "next": "menu", "type": "play" },
            { "type": "menu", "id": "menu", "prompt": "main-menu", "options": { "1": "q" }, "onFail": "q" },
            { "type": "queue", "id": "q", "skill": "GENERAL" }
            """));

        Assert.Empty(errors);
        var menu = Assert.IsType<MenuNode>(flow!.Find("menu"));
        Assert.Equal(5, menu.TimeoutSeconds);
        Assert.Equal(2, menu.MaxRetries);
    }

    [Fact]
    public void Broken_JSON_and_unknown_node_types_are_reported_on_the_json_field()
    {
        var broken = Assert.Single(ErrorsOf("{ \"version\": 1, "));
        Assert.Equal("json", broken.Field);
        Assert.Contains("line", broken.Message);

        var unknown = Assert.Single(ErrorsOf(Flow("""{ "type": "transferToMars", "id": "greeting" }""")));
        Assert.Equal("json", unknown.Field);
    }

    [Fact]
    public void Unknown_targets_missing_prompts_and_empty_menus_are_named_with_their_node()
    {
        var errors = ErrorsOf(Flow("""
            { "type": "play", "id": "greeting", "next": "nowhere" },
            { "type": "menu", "id": "menu", "prompt": "main-menu", "options": {}, "onFail": "greeting" }
            """));

        Assert.Contains(errors, e => e.Field == "nodes[greeting].next" && e.Message.Contains("unknown node 'nowhere'"));
        Assert.Contains(errors, e => e.Field == "nodes[greeting].prompt" && e.Message.Contains("needs a prompt"));
        Assert.Contains(errors, e => e.Field == "nodes[menu].options" && e.Message.Contains("has no options"));
    }

    [Fact]
    public void Unreachable_nodes_duplicate_ids_bad_keys_and_a_missing_start_are_reported()
    {
        var errors = ErrorsOf(Flow("""
            { "type": "menu", "id": "greeting", "prompt": "main-menu", "options": { "12": "q", "x": "q" }, "onFail": "q" },
            { "type": "queue", "id": "q", "skill": "GENERAL" },
            { "type": "queue", "id": "q", "skill": "LABOR" },
            { "type": "voicemail", "id": "orphan", "prompt": "voicemail" }
            """));

        Assert.Contains(errors, e => e.Field == "nodes[orphan]" && e.Message.Contains("cannot be reached"));
        Assert.Contains(errors, e => e.Message.Contains("'q' is used by more than one node"));
        Assert.Contains(errors, e => e.Field == "nodes[greeting].options.12" && e.Message.Contains("one key"));
        Assert.Contains(errors, e => e.Field == "nodes[greeting].options.x");

        Assert.Contains(ErrorsOf(Flow("""{ "type": "queue", "id": "q", "skill": "GENERAL" }""", start: "begin")),
            e => e.Field == "start" && e.Message.Contains("'begin' does not exist"));
    }

    [Fact]
    public void A_loop_that_never_waits_for_a_key_is_refused_but_a_loop_through_a_menu_is_fine()
    {
        var loop = ErrorsOf(Flow("""
            { "type": "play", "id": "greeting", "prompt": "welcome", "next": "hours" },
            { "type": "officeHoursCheck", "id": "hours", "open": "greeting", "closed": "bye" },
            { "type": "hangup", "id": "bye" }
            """));
        var error = Assert.Single(loop);
        Assert.Contains("loop that never waits for a key", error.Message);
        Assert.Contains("greeting → hours → greeting", error.Message);

        Assert.Empty(ErrorsOf(Flow("""
            { "type": "menu", "id": "greeting", "prompt": "main-menu", "options": { "9": "info", "0": "q" }, "onFail": "q" },
            { "type": "selfService", "id": "info", "kind": "OfficeHoursAndAddress", "prompt": "office-hours-address", "next": "greeting" },
            { "type": "queue", "id": "q", "skill": "GENERAL" }
            """)));
    }

    [Fact]
    public void Saving_an_invalid_flow_throws_field_errors_for_the_problem_details()
    {
        var failure = Assert.Throws<ValidationFailedException>(() => IvrFlowValidator.ParseOrThrow(Flow("""
            { "type": "menu", "id": "greeting", "prompt": "main-menu", "options": { "1": "ghost" }, "onFail": "greeting", "timeoutSeconds": 0 }
            """)));

        Assert.Contains("nodes[greeting].options.1", failure.Errors.Keys);
        Assert.Contains("nodes[greeting].timeoutSeconds", failure.Errors.Keys);
    }

    [Theory]
    [InlineData(PlatformKind.LegalService12348)]
    [InlineData(PlatformKind.CourtService12368)]
    public void The_default_flow_is_valid_and_uses_only_prompts_of_the_default_set(PlatformKind kind)
    {
        var flow = DefaultIvrFlows.For(kind);

        Assert.Empty(IvrFlowValidator.Validate(flow));
        var names = DefaultIvrFlows.AllPrompts.Select(p => p.Name).ToHashSet();
        var used = flow.Nodes.SelectMany(n => n switch
        {
            PlayNode p => [p.Prompt],
            MenuNode m => [m.Prompt, m.InvalidPrompt],
            QueueNode q => [q.Prompt],
            VoicemailNode v => [v.Prompt],
            CallbackRequestNode c => [c.Prompt],
            SelfServiceNode s => [s.Prompt],
            _ => new string?[] { },
        }).OfType<string>();
        Assert.All(used, name => Assert.Contains(name, names));
    }

    [Fact]
    public void The_12348_default_offers_the_skill_menu_and_the_12368_default_adds_a_case_query()
    {
        var legal = DefaultIvrFlows.For(PlatformKind.LegalService12348);
        var court = DefaultIvrFlows.For(PlatformKind.CourtService12368);

        var menu = Assert.IsType<MenuNode>(legal.Find("main-menu"));
        Assert.Equal(["0", "1", "2", "3", "9"], menu.Options.Keys.Order());
        Assert.Equal("LABOR", Assert.IsType<QueueNode>(legal.Find(menu.Options["1"])).Skill);
        Assert.Equal("FAMILY", Assert.IsType<QueueNode>(legal.Find(menu.Options["2"])).Skill);
        Assert.Equal("CONTRACT", Assert.IsType<QueueNode>(legal.Find(menu.Options["3"])).Skill);
        Assert.Equal("GENERAL", Assert.IsType<QueueNode>(legal.Find(menu.Options["0"])).Skill);
        Assert.Equal(SelfServiceKind.OfficeHoursAndAddress, Assert.IsType<SelfServiceNode>(legal.Find(menu.Options["9"])).Kind);
        Assert.Equal("GENERAL", Assert.IsType<QueueNode>(legal.Find(menu.OnFail)).Skill);
        Assert.Equal(2, menu.MaxRetries);
        Assert.DoesNotContain(legal.Nodes, n => n is SelfServiceNode { Kind: SelfServiceKind.CaseQuery });
        Assert.Equal(DefaultIvrFlows.Prompts.Welcome12348, Assert.IsType<PlayNode>(legal.Find(legal.Start)).Prompt);

        var closed = Assert.IsType<MenuNode>(legal.Find(Assert.IsType<OfficeHoursCheckNode>(legal.Find("office-hours")).Closed));
        Assert.IsType<VoicemailNode>(legal.Find(closed.Options["1"]));
        Assert.IsType<CallbackRequestNode>(legal.Find(closed.Options["2"]));
        Assert.IsType<VoicemailNode>(legal.Find(closed.OnFail));

        var courtMenu = Assert.IsType<MenuNode>(court.Find("main-menu"));
        Assert.Equal(SelfServiceKind.CaseQuery, Assert.IsType<SelfServiceNode>(court.Find(courtMenu.Options["8"])).Kind);
        Assert.Equal(DefaultIvrFlows.Prompts.Welcome12368, Assert.IsType<PlayNode>(court.Find(court.Start)).Prompt);
        Assert.Equal(DefaultIvrFlows.Prompts.MainMenu12368, courtMenu.Prompt);
    }
}
