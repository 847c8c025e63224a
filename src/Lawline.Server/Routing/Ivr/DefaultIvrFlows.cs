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
        public const string QueueNext = "queue-next";
        public const string QueueMany = "queue-ahead-many";
        public const string WaitUnknown = "queue-wait-unknown";
        public const string CallbackOffer = "queue-callback-offer";
        public const string CallbackAccepted = "queue-callback-accepted";
        public const string CallbackGreeting = "callback-greeting";

        /// <summary>"您前面还有 n 位来电者在等待" for n = 1…<see cref="QueueAheadMax"/>.</summary>
        public static string QueueAhead(int callersAhead) => $"queue-ahead-{callersAhead}";

        /// <summary>"预计等待约 n 分钟", for the minutes in <see cref="WaitMinutes"/>.</summary>
        public static string Wait(int minutes) => $"queue-wait-{minutes}";
    }

    /// <summary>Callers ahead that have their own prompt; more are "十位以上".</summary>
    public const int QueueAheadMax = 9;

    /// <summary>The expected waits announced, rounded up to the next of these.</summary>
    public static readonly IReadOnlyList<int> WaitMinutes = [1, 2, 3, 5, 10, 15, 20, 30];

    private static readonly string[] ChineseNumbers = ["零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十"];

    private static string Chinese(int n) => n switch
    {
        <= 10 => ChineseNumbers[n],
        15 => "十五",
        20 => "二十",
        30 => "三十",
        _ => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

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
        new(Prompts.QueueNext, "坐席正忙，您是下一位，请稍候。"),
        .. Enumerable.Range(1, QueueAheadMax).Select(n => new DefaultPrompt(Prompts.QueueAhead(n), $"坐席正忙，您前面还有{Chinese(n)}位来电者在等待。")),
        new(Prompts.QueueMany, "坐席正忙，您前面还有十位以上来电者在等待。"),
        .. WaitMinutes.Select(m => new DefaultPrompt(Prompts.Wait(m), $"预计等待约{Chinese(m)}分钟。")),
        new(Prompts.WaitUnknown, "请耐心等待。"),
        new(Prompts.CallbackOffer, "如不想继续等待，请按1键挂机，我们将保留您的排队位置，坐席空闲时给您回电。"),
        new(Prompts.CallbackAccepted, "已为您预约回电，请挂机，坐席空闲时将给您回电，谢谢。"),
        new(Prompts.CallbackGreeting, "您好，这里是公共法律服务热线，现在为您回电，正在为您接通律师。"),
    ];

    /// <summary>The prompt for a caller <paramref name="position"/> in the queue (1 = next).</summary>
    public static string PositionPrompt(int position) => position switch
    {
        <= 1 => Prompts.QueueNext,
        _ when position - 1 <= QueueAheadMax => Prompts.QueueAhead(position - 1),
        _ => Prompts.QueueMany,
    };

    /// <summary>The prompt for an expected wait, rounded up; "please wait" when nobody is staffed to estimate it.</summary>
    public static string WaitPrompt(TimeSpan? expected)
    {
        if (expected is not { } wait)
        {
            return Prompts.WaitUnknown;
        }

        var minutes = (int)Math.Ceiling(wait.TotalMinutes);
        foreach (var bucket in WaitMinutes)
        {
            if (minutes <= bucket)
            {
                return Prompts.Wait(bucket);
            }
        }

        return Prompts.Wait(WaitMinutes[^1]);
    }

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
