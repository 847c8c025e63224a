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
        return localized.ResourceNotFound ? entityType : localized.Value;
    }

    public static string Shorten(string? details, int length)
        => details is null ? string.Empty : details.Length <= length ? details : details[..length] + "…";
}
