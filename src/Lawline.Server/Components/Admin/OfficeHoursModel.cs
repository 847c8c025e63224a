using Lawline.Server.Platforms;

namespace Lawline.Server.Components.Admin;

/// <summary>Office hours while being edited: times may still be empty, rows may be in any order.</summary>
public sealed class OfficeHoursModel
{
    public bool Open24x7 { get; set; }
    public List<OpeningSpanModel> Weekly { get; } = [];
    public List<DateOnly> Holidays { get; } = [];
    public List<DateOnly> AdjustedWorkingDays { get; } = [];

    public static OfficeHoursModel From(OfficeHours hours)
    {
        var model = new OfficeHoursModel { Open24x7 = hours.Open24x7 };
        model.Weekly.AddRange(hours.Weekly
            .OrderBy(s => ((int)s.Day + 6) % 7).ThenBy(s => s.Opens)
            .Select(s => new OpeningSpanModel { Day = s.Day, Opens = s.Opens.ToTimeSpan(), Closes = s.Closes.ToTimeSpan() }));
        model.Holidays.AddRange(hours.Holidays.Order());
        model.AdjustedWorkingDays.AddRange(hours.AdjustedWorkingDays.Order());
        return model;
    }

    /// <summary>Monday to Friday, 09:00–12:00 and 13:30–17:30.</summary>
    public void UseStandardWeekdays()
    {
        Weekly.Clear();
        Weekly.AddRange(OfficeHours.Default.Weekly.Select(s => new OpeningSpanModel { Day = s.Day, Opens = s.Opens.ToTimeSpan(), Closes = s.Closes.ToTimeSpan() }));
    }

    /// <param name="incomplete">Whether a span still lacks its opening or closing time (it is left out).</param>
    public OfficeHours ToOfficeHours(out bool incomplete)
    {
        incomplete = !Open24x7 && Weekly.Any(s => s.Opens is null || s.Closes is null);
        return new OfficeHours
        {
            Open24x7 = Open24x7,
            Weekly = Open24x7
                ? []
                : [.. Weekly.Where(s => s.Opens is not null && s.Closes is not null)
                    .Select(s => new OpeningSpan { Day = s.Day, Opens = TimeOnly.FromTimeSpan(s.Opens!.Value), Closes = TimeOnly.FromTimeSpan(s.Closes!.Value) })],
            Holidays = [.. Holidays.Distinct().Order()],
            AdjustedWorkingDays = [.. AdjustedWorkingDays.Distinct().Order()],
        };
    }
}

public sealed class OpeningSpanModel
{
    public DayOfWeek Day { get; set; } = DayOfWeek.Monday;
    public TimeSpan? Opens { get; set; } = new TimeSpan(9, 0, 0);
    public TimeSpan? Closes { get; set; } = new TimeSpan(17, 30, 0);
}
