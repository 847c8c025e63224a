namespace Lawline.Server.Security;

/// <summary>The roles of a hotline. Names are stable identifiers; the UI shows them localized.</summary>
public static class LawlineRoles
{
    public const string Administrator = "Administrator";
    public const string PlatformManager = "PlatformManager";
    public const string Supervisor = "Supervisor";
    public const string QaInspector = "QaInspector";
    public const string Expert = "Expert";
    public const string Agent = "Agent";
    public const string CourtClerk = "CourtClerk";
    public const string Judge = "Judge";

    public static readonly IReadOnlyList<string> All =
        [Administrator, PlatformManager, Supervisor, QaInspector, Expert, Agent, CourtClerk, Judge];

    /// <summary>Roles that work with callers directly (answer, call back) and so see full numbers and names.</summary>
    public static readonly IReadOnlyList<string> SeeFullCallerDetails = [PlatformManager, Supervisor, Agent, CourtClerk];

    /// <summary>Roles that may manage seats, lawyers, law firms and users within their platform scope.</summary>
    public const string ManagePeoplePolicy = "ManagePeople";

    /// <summary>Only administrators change the platform tree and the skill catalogue.</summary>
    public const string AdministerPolicy = "Administer";

    /// <summary>People who watch the queues and agents of their platforms, set agents not ready, and follow up callbacks.</summary>
    public const string SuperviseCallsPolicy = "SuperviseCalls";

    /// <summary>People who may listen to call recordings of their platforms: supervisors, QA inspectors and managers.</summary>
    public const string ListenToRecordingsPolicy = "ListenToRecordings";

    public static readonly IReadOnlyList<string> SuperviseCalls = [Administrator, PlatformManager, Supervisor];

    public static readonly IReadOnlyList<string> ListenToRecordings = [Administrator, PlatformManager, Supervisor, QaInspector];

    public static string DisplayName(string role, bool chinese) => (role, chinese) switch
    {
        (Administrator, true) => "系统管理员",
        (PlatformManager, true) => "平台管理员",
        (Supervisor, true) => "班长/督导",
        (QaInspector, true) => "质检员",
        (Expert, true) => "专家",
        (Agent, true) => "值班律师/坐席员",
        (CourtClerk, true) => "法院坐席员",
        (Judge, true) => "法官",
        (Administrator, false) => "Administrator",
        (PlatformManager, false) => "Platform manager",
        (Supervisor, false) => "Supervisor",
        (QaInspector, false) => "QA inspector",
        (Expert, false) => "Expert",
        (Agent, false) => "Duty lawyer / agent",
        (CourtClerk, false) => "Court clerk",
        (Judge, false) => "Judge",
        _ => role,
    };
}

public static class LawlineClaims
{
    /// <summary>The id of the platform a user belongs to; absent for a system administrator who sees every platform.</summary>
    public const string Platform = "lawline:platform";
    public const string DisplayName = "lawline:name";
}
