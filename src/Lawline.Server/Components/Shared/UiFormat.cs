using System.Globalization;
using Lawline.Server.Agents;
using Lawline.Server.Platforms;
using Lawline.Server.Resources;
using Lawline.Server.Security;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Lawline.Server.Components.Shared;

/// <summary>How the UI writes enums, roles, dates and times in the current UI culture.</summary>
public static class UiFormat
{
    /// <summary>
    /// Every 12348 and 12368 platform is in China, so times are shown in Beijing time whatever zone the
    /// server runs in; a server without time-zone data falls back to its own zone.
    /// </summary>
    public static readonly TimeZoneInfo DisplayZone = FindDisplayZone();

    public static bool IsChinese => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh";

    public static string Enum<T>(this IStringLocalizer<UiText> text, T value) where T : struct, System.Enum
        => text[$"{typeof(T).Name}.{value}"];

    /// <summary>Province/city/district for 12348; high/intermediate/basic court for 12368.</summary>
    public static string Level(this IStringLocalizer<UiText> text, PlatformKind kind, PlatformLevel level)
        => text[$"PlatformLevel.{kind}.{level}"];

    public static string Role(string role) => LawlineRoles.DisplayName(role, IsChinese);

    public static string Roles(IEnumerable<string> roles)
        => string.Join(IsChinese ? "、" : ", ", roles.OrderBy(r => IndexOfRole(r)).Select(Role));

    public static int IndexOfRole(string role)
    {
        for (var i = 0; i < LawlineRoles.All.Count; i++)
        {
            if (LawlineRoles.All[i] == role)
            {
                return i;
            }
        }
        return int.MaxValue;
    }

    public static string DayName(DayOfWeek day) => CultureInfo.CurrentUICulture.DateTimeFormat.GetAbbreviatedDayName(day);

    public static DateTimeOffset ToDisplayTime(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, DisplayZone);

    public static string DateTime(DateTimeOffset instant) => ToDisplayTime(instant).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Minutes(DateTimeOffset instant) => ToDisplayTime(instant).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Date(DateOnly? date) => date is { } d ? Date(d) : string.Empty;

    public static string Time(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Today's date in Beijing time.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(ToDisplayTime(clock.GetUtcNow()).DateTime);

    public static DateTime Now(TimeProvider clock) => ToDisplayTime(clock.GetUtcNow()).DateTime;

    public static Color StatusColor(AgentStatus status) => status switch
    {
        AgentStatus.Admitted => Color.Success,
        AgentStatus.Suspended => Color.Warning,
        _ => Color.Default,
    };

    private static TimeZoneInfo FindDisplayZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.Local;
        }
        catch (InvalidTimeZoneException)
        {
            return TimeZoneInfo.Local;
        }
    }
}
