using Lawline.Server.Platforms;
using Lawline.Server.Resources;
using Microsoft.Extensions.Localization;

namespace Lawline.Server.Components.Shared;

/// <summary>Writes office hours the way a hotline publishes them: "周一至周五 09:00–12:00、13:30–17:30".</summary>
public static class OfficeHoursText
{
    private static readonly DayOfWeek[] Week =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public static string Describe(OfficeHours hours, IStringLocalizer<UiText> text)
    {
        if (hours.Open24x7)
        {
            return text["OfficeHours.Always"];
        }
        var listSeparator = UiFormat.IsChinese ? "、" : ", ";
        var perDay = Week.Select(day => (Day: day, Spans: string.Join(listSeparator, hours.Weekly
                .Where(s => s.Day == day).OrderBy(s => s.Opens)
                .Select(s => $"{UiFormat.Time(s.Opens)}–{UiFormat.Time(s.Closes)}"))))
            .ToList();

        // Consecutive days with the same spans collapse into one range.
        var parts = new List<string>();
        var i = 0;
        while (i < perDay.Count)
        {
            var j = i;
            while (j + 1 < perDay.Count && perDay[j + 1].Spans == perDay[i].Spans)
            {
                j++;
            }
            if (perDay[i].Spans.Length > 0)
            {
                var days = i == j
                    ? UiFormat.DayName(perDay[i].Day)
                    : text["OfficeHours.DayRange", UiFormat.DayName(perDay[i].Day), UiFormat.DayName(perDay[j].Day)].Value;
                parts.Add($"{days} {perDay[i].Spans}");
            }
            i = j + 1;
        }
        if (parts.Count == 0)
        {
            return text["OfficeHours.None"];
        }
        return string.Join(UiFormat.IsChinese ? "；" : "; ", parts);
    }
}
