using MudBlazor;

namespace Lawline.Server.Knowledge.Pages;

/// <summary>How the knowledge pages show kinds and statuses, and who may do what (mirrors <see cref="KnowledgeService"/>'s rules).</summary>
internal static class KnowledgeText
{
    public static Color KindColor(KnowledgeKind kind) => kind switch
    {
        KnowledgeKind.QAndA => Color.Primary,
        KnowledgeKind.LawArticle => Color.Secondary,
        KnowledgeKind.Procedure => Color.Info,
        KnowledgeKind.TypicalCase => Color.Warning,
        _ => Color.Success,
    };

    public static Color StatusColor(KnowledgeStatus status) => status switch
    {
        KnowledgeStatus.Draft => Color.Default,
        KnowledgeStatus.InReview => Color.Warning,
        KnowledgeStatus.Published => Color.Success,
        _ => Color.Dark,
    };

    public static bool IsEditor(Security.CurrentUser me) => me.IsUnrestricted || KnowledgeService.Editors.Any(me.IsInRole);

    public static bool IsReviewer(Security.CurrentUser me) => me.IsUnrestricted || KnowledgeService.Reviewers.Any(me.IsInRole);
}
