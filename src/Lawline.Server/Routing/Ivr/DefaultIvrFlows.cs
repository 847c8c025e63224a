using Lawline.Server.Platforms;

namespace Lawline.Server.Routing.Ivr;

/// <summary>A prompt of the default set: its file name and the words spoken (or, without a speech engine, its tone pattern).</summary>
public sealed record DefaultPrompt(string Name, string Text);

/// <summary>
/// The flow a platform runs until an administrator publishes its own: greeting → office hours → skill menu
/// (1 劳动争议, 2 婚姻家庭, 3 合同纠纷, 9 办公时间和地址, 0 综合; a court 12368 line adds 8 案件查询),
/// invalid or no key twice more → general queue; closed → 1 voicemail, 2 callback, anything else voicemail.
/// </summary>
public static class DefaultIvrFlows
{
    // Skill codes of the catalogue (SkillCatalog.Defaults).
    public const string Labour = "LABOR";
    public const string Family = "FAMILY";
    public const string Contract = "CONTRACT";
    public const string General = "GENERAL";

    public static class Prompts
    {
        public const string Welcome12348 = "welcome-12348";
        public const string Welcome12368 = "welcome-12368";
        public const string MainMenu12348 = "main-menu-12348";
        public const string MainMenu12368 = "main-menu-12368";
        public const string InvalidInput = "invalid-input";
        public const string OfficeHoursAndAddress = "office-hours-address";
        public const string CaseQuery = "case-query";
        public const string Transfer = "transfer";
        public const string ClosedMenu = "closed-menu";
        public const string Voicemail = "voicemail";
        public const string Callback = "callback-request";
        public const string Survey = "survey";
        public const string SurveyThanks = "survey-thanks";
    }

    /// <summary>Every prompt the default flows and the survey use, generated at first start.</summary>
    public static readonly IReadOnlyList<DefaultPrompt> AllPrompts =
    [
        new(Prompts.Welcome12348, "您好，欢迎致电12348公共法律服务热线。"),
        new(Prompts.Welcome12368, "您好，欢迎致电12368诉讼服务热线。"),
        new(Prompts.MainMenu12348, "劳动争议请按1，婚姻家庭请按2，合同纠纷请按3，查询办公时间和地址请按9，其他法律咨询请按0。"),
        new(Prompts.MainMenu12368, "劳动争议请按1，婚姻家庭请按2，合同纠纷请按3，案件查询请按8，查询办公时间和地址请按9，其他咨询请按0。"),
        new(Prompts.InvalidInput, "对不起，您的输入有误，请重新选择。"),
        new(Prompts.OfficeHoursAndAddress, "本热线工作时间为周一至周五上午九点至十二点，下午一点半至五点半，服务地址请关注本平台公告。"),
        new(Prompts.CaseQuery, "下面为您办理案件查询。"),
        new(Prompts.Transfer, "正在为您转接，请稍候。"),
        new(Prompts.ClosedMenu, "现在是非工作时间。留言请按1，预约回电请按2。"),
        new(Prompts.Voicemail, "请在提示音后留言，留言完毕请挂机。"),
        new(Prompts.Callback, "我们已记录您的来电号码，将在工作时间内给您回电，谢谢。"),
        new(Prompts.Survey, "请对本次服务评价：满意请按1，基本满意请按2，不满意请按3。"),
        new(Prompts.SurveyThanks, "感谢您的评价，再见。"),
    ];

    public static IvrFlow For(PlatformKind kind)
    {
        var court = kind == PlatformKind.CourtService12368;
        var options = new Dictionary<string, string>
        {
            ["1"] = "queue-labour",
            ["2"] = "queue-family",
            ["3"] = "queue-contract",
            ["9"] = "office-hours-address",
            ["0"] = "queue-general",
        };
        List<IvrNode> nodes =
        [
            new PlayNode("greeting", court ? Prompts.Welcome12368 : Prompts.Welcome12348, "office-hours"),
            new OfficeHoursCheckNode("office-hours", Open: "main-menu", Closed: "closed-menu"),
            new MenuNode("main-menu", court ? Prompts.MainMenu12368 : Prompts.MainMenu12348, options, OnFail: "queue-general",
                TimeoutSeconds: 5, MaxRetries: 2, InvalidPrompt: Prompts.InvalidInput),
            new QueueNode("queue-labour", Labour, Prompt: Prompts.Transfer),
            new QueueNode("queue-family", Family, Prompt: Prompts.Transfer),
            new QueueNode("queue-contract", Contract, Prompt: Prompts.Transfer),
            new QueueNode("queue-general", General, Prompt: Prompts.Transfer),
            new SelfServiceNode("office-hours-address", SelfServiceKind.OfficeHoursAndAddress, Prompts.OfficeHoursAndAddress, Next: "main-menu"),
            new MenuNode("closed-menu", Prompts.ClosedMenu, new Dictionary<string, string> { ["1"] = "voicemail", ["2"] = "callback" },
                OnFail: "voicemail", TimeoutSeconds: 5, MaxRetries: 0),
            new VoicemailNode("voicemail", Prompts.Voicemail),
            new CallbackRequestNode("callback", Prompts.Callback),
        ];
        if (court)
        {
            options["8"] = "case-query";
            nodes.Add(new SelfServiceNode("case-query", SelfServiceKind.CaseQuery, Prompts.CaseQuery, Next: "main-menu"));
        }
        return new IvrFlow(IvrFlow.CurrentVersion, "greeting", nodes);
    }
}
