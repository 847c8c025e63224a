using Lawline.Server.Resources;
using Microsoft.Extensions.Localization;

namespace Lawline.Server.Components.Shared;

/// <summary>How audit entries read in the UI.</summary>
public static class AuditText
{
    /// <summary>The entity types the audit log records, in the order the filter offers them.</summary>
    public static readonly IReadOnlyList<string> EntityTypes =
        ["User", "AppUser", "IdentityUserRole`1", "Platform", "Seat", "Skill", "LawFirm", "Agent", "AgentSkill", "Caller"];

    public static string Entity(string entityType, IStringLocalizer<UiText> text)
    {
        var localized = text[$"Entity.{entityType.Replace("`1", string.Empty, StringComparison.Ordinal)}"];
        // The English texts are lower case for use inside sentences; a column starts with a capital.
        return localized.ResourceNotFound ? entityType : string.Concat(localized.Value[..1].ToUpperInvariant(), localized.Value[1..]);
    }

    public static string Shorten(string? details, int length)
        => details is null ? string.Empty : details.Length <= length ? details : details[..length] + "…";
}
